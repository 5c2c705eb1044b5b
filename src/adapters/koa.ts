/**
 * Koa adapter (Koa 2 and 3, with `@koa/router`): `guard` middleware for SLO tracking, rate limiting
 * and energy accounting, and the health endpoints.
 *
 * @packageDocumentation
 * @module greenslo/koa
 */
import type { Context, Middleware } from 'koa';
import { createHealthEndpoints, type HealthOptions } from '../http/health.js';
import { createMetricsEndpoint, type MetricsOptions } from '../http/metrics-endpoint.js';
import {
  createStatusPage,
  statusPageFormat,
  type StatusPageOptions,
} from '../status/status-page.js';
import type { HttpResult } from '../http/http-result.js';
import type { GuardOptions } from '../http/guard-options.js';
import { CLIENT_CLOSED_REQUEST, RequestGuard } from '../http/request-guard.js';

/** Options of the Koa {@link guard}. */
export type KoaGuardOptions = GuardOptions<Context>;

function send(
  ctx: Context,
  result: Pick<HttpResult, 'status' | 'headers'> & { body: unknown },
): void {
  ctx.status = result.status;
  ctx.set(result.headers);
  ctx.body = result.body;
}

// Straight to the Node response: Koa's ctx.set builds arrays to normalize values, on every request.
function setHeaders(ctx: Context, headers: Readonly<Record<string, string>>): void {
  const res = ctx.res;
  for (const name in headers) res.setHeader(name, headers[name]!);
}

/**
 * The client address as `ctx.ip` gives it. Without `app.proxy` that is the socket's address, read
 * directly: `ctx.ip` would look up `X-Forwarded-For` and cache its answer on the request each time.
 */
function addressOf(ctx: Context): string {
  return ctx.app.proxy ? ctx.ip : (ctx.req.socket.remoteAddress ?? '');
}

function routeOf(ctx: Context): string | undefined {
  const route = (ctx as { _matchedRoute?: unknown })._matchedRoute;
  return typeof route === 'string' ? route : undefined;
}

/**
 * Koa middleware that rate-limits requests, records their latency and outcome, and attributes
 * energy to them. Use it first: `app.use(guard({ slo, limits, energy }))`.
 *
 * The endpoint key is the `@koa/router` route pattern (`/users/:id`), or `(unmatched)` for 404s;
 * the client key is `ctx.ip`, so `X-Forwarded-For` counts only when `app.proxy` is set. Latency
 * runs until `await next()` returns (for a streamed body, until it has been sent); a client that
 * disconnects first is recorded at the disconnect with status 499. An error thrown downstream is
 * recorded with the status Koa will answer (500 unless it carries one) and re-thrown unchanged.
 *
 * @param options - the tracker, limits and energy monitor to use, and how to key requests
 * @throws TypeError or RangeError at once for an invalid option
 * @example
 * ```ts
 * import Koa from 'koa';
 * import { SLOTracker } from 'greenslo';
 * import { guard } from 'greenslo/koa';
 *
 * const app = new Koa();
 * app.use(guard({ slo: new SLOTracker() }));
 * ```
 */
export function guard(options: KoaGuardOptions = {}): Middleware {
  const core = new RequestGuard<Context>('greenslo/koa guard', options);
  const needsAddress = core.needsAddress;
  return async (ctx, next) => {
    const pending = core.begin(ctx, ctx.path, needsAddress ? addressOf(ctx) : undefined);
    const start = pending instanceof Promise ? await pending : pending;
    if (!start.allowed) return send(ctx, start);
    setHeaders(ctx, start.headers);
    // A client that goes away first is recorded at that moment, as 499; a streamed body is measured
    // until it has been sent. Otherwise the request ends when `next` returns, before Koa responds.
    const res = ctx.res;
    res.on('close', () =>
      start.finish(res.writableFinished ? ctx.status : CLIENT_CLOSED_REQUEST, routeOf(ctx)),
    );
    try {
      await next();
    } catch (error) {
      start.finish(statusOfError(error), routeOf(ctx));
      throw error;
    }
    if (!isStream(ctx.body)) start.finish(ctx.status, routeOf(ctx));
  };
}

/** The status Koa answers a thrown error with. */
function statusOfError(error: unknown): number {
  const status =
    (error as { status?: unknown; statusCode?: unknown } | null)?.status ??
    (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

function isStream(body: unknown): boolean {
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as { pipe?: unknown }).pipe === 'function'
  );
}

/** The health endpoints' handlers. */
export interface KoaHealthHandlers {
  /** `GET /health`: status and uptime. */
  readonly health: Middleware;
  /** `GET /health/live`: alive, without any I/O. */
  readonly live: Middleware;
  /** `GET /health/ready`: 200 when every check passes in time, else 503 naming the failing ones. */
  readonly ready: Middleware;
}

/**
 * Koa middleware for `GET /health`, `/health/live` and `/health/ready`.
 *
 * @param options - readiness checks, their timeout and a low-power mode to report
 * @returns `{ health, live, ready }` middleware, to mount on routes
 * @example
 * ```ts
 * const { health, live, ready } = healthHandlers();
 * router.get('/health', health).get('/health/live', live).get('/health/ready', ready);
 * ```
 */
export function healthHandlers(options: HealthOptions = {}): KoaHealthHandlers {
  const endpoints = createHealthEndpoints(options);
  return {
    health: (ctx) => send(ctx, endpoints.health()),
    live: (ctx) => send(ctx, endpoints.live()),
    ready: async (ctx) => send(ctx, await endpoints.ready()),
  };
}

/**
 * Koa middleware for `GET /metrics`: Prometheus text by default, the JSON reports with
 * `?format=json`.
 *
 * @param options - the tracker, energy monitor, limits and low-power mode to export
 * @throws TypeError or RangeError at once for an invalid option
 * @example
 * ```ts
 * router.get('/metrics', metricsHandler({ slo, energy, limits }));
 * ```
 */
export function metricsHandler(options: MetricsOptions = {}): Middleware {
  const endpoint = createMetricsEndpoint(options);
  return (ctx) => send(ctx, endpoint.respond(ctx.query.format === 'json' ? 'json' : 'prometheus'));
}

/**
 * Koa middleware for the live status page: one self-contained HTML document (inline CSS and SVG,
 * strict Content-Security-Policy, reloads itself), or its data with `?format=json`.
 *
 * @param options - the tracker, energy monitor, limits and low-power mode to show
 * @throws TypeError or RangeError at once for an invalid option
 * @example
 * ```ts
 * router.get('/status', statusPage({ slo, energy, limits, lowPower }));
 * ```
 */
export function statusPage(options: StatusPageOptions = {}): Middleware {
  const page = createStatusPage(options);
  return (ctx) => send(ctx, page.respond(statusPageFormat(ctx.query.format)));
}

export type {
  GuardFailureKind,
  GuardHeaders,
  LimitedRequestInfo,
  LimitedResponseInit,
} from '../http/guard-options.js';
export type { HealthOptions, ReadinessCheck } from '../http/health.js';
export type { MetricsOptions } from '../http/metrics-endpoint.js';
export type { StatusPageOptions } from '../status/status-page.js';
