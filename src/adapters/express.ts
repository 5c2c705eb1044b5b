/**
 * Express adapter (Express 4 and 5): `guard` middleware for SLO tracking, rate limiting and energy
 * accounting, and the health endpoints.
 *
 * @packageDocumentation
 * @module greenslo/express
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { createHealthEndpoints, type HealthOptions } from '../http/health.js';
import { createMetricsEndpoint, type MetricsOptions } from '../http/metrics-endpoint.js';
import {
  createStatusPage,
  statusPageFormat,
  type StatusPageOptions,
} from '../status/status-page.js';
import type { HttpResult } from '../http/http-result.js';
import type { GuardOptions } from '../http/guard-options.js';
import { CLIENT_CLOSED_REQUEST, RequestGuard, type GuardStart } from '../http/request-guard.js';

/** Options of the Express {@link guard}. */
export type ExpressGuardOptions = GuardOptions<Request>;

function send(
  res: Response,
  result: Pick<HttpResult, 'status' | 'headers'> & { body: unknown },
): void {
  // res.end, not res.send: send rewrites a Content-Type's parameters (Prometheus clients read them).
  res.status(result.status).set(result.headers);
  res.end(typeof result.body === 'string' ? result.body : JSON.stringify(result.body));
}

function routeOf(req: Request): string | undefined {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? req.baseUrl + path : undefined;
}

// Plain setHeader: Express' res.set also parses each value for a charset, on every request.
function setHeaders(res: Response, headers: Readonly<Record<string, string>>): void {
  for (const name in headers) res.setHeader(name, headers[name]!);
}

function proceed(start: GuardStart, req: Request, res: Response, next: NextFunction): void {
  if (!start.allowed) return send(res, start);
  setHeaders(res, start.headers);
  // 'close' follows 'finish' on every response (in the same turn of the event loop, before the
  // connection's next request is read), and also ends the request when the client goes away first:
  // then the response is not finished and the request is recorded as 499 at that moment. A closure
  // per request costs less than a property added to every response object; 'close' comes once per
  // response, so `on` does (`once` would wrap the listener in one more function).
  res.on('close', () =>
    start.finish(res.writableFinished ? res.statusCode : CLIENT_CLOSED_REQUEST, routeOf(req)),
  );
  next();
}

/**
 * The client address as `req.ip` gives it. Without `trust proxy` that is the socket's address,
 * read directly: `req.ip` would parse `X-Forwarded-For` on every request only to ignore it.
 */
function addressOf(req: Request): string | undefined {
  return (req.app.settings as Record<string, unknown>)['trust proxy'] === false
    ? req.socket.remoteAddress
    : req.ip;
}

/**
 * Express middleware that rate-limits requests, records their latency and outcome, and attributes
 * energy to them. Mount it before the routes: `app.use(guard({ slo, limits, energy }))`.
 *
 * The endpoint key is the matched route pattern (`/users/:id`), or `(unmatched)` for 404s; the
 * client key is `req.ip`, so `X-Forwarded-For` counts only when Express' `trust proxy` is set.
 * Latency runs until the response has been written; a client that disconnects first is recorded at
 * the disconnect with status 499.
 *
 * @param options - the tracker, limits and energy monitor to use, and how to key requests
 * @throws TypeError or RangeError at once for an invalid option
 * @example
 * ```ts
 * import express from 'express';
 * import { EndpointRateLimiter, SLOTracker } from 'greenslo';
 * import { guard } from 'greenslo/express';
 *
 * const app = express();
 * app.use(guard({ slo: new SLOTracker(), limits: new EndpointRateLimiter() }));
 * ```
 */
export function guard(options: ExpressGuardOptions = {}): RequestHandler {
  const core = new RequestGuard<Request>('greenslo/express guard', options);
  const needsAddress = core.needsAddress;
  return (req, res, next) => {
    const start = core.begin(req, req.path, needsAddress ? addressOf(req) : undefined);
    if (!(start instanceof Promise)) return proceed(start, req, res, next);
    start.then((settled) => proceed(settled, req, res, next), next);
  };
}

/** The health endpoints' handlers. */
export interface ExpressHealthHandlers {
  /** `GET /health`: status and uptime. */
  readonly health: RequestHandler;
  /** `GET /health/live`: alive, without any I/O. */
  readonly live: RequestHandler;
  /** `GET /health/ready`: 200 when every check passes in time, else 503 naming the failing ones. */
  readonly ready: RequestHandler;
}

/**
 * Express handlers for `GET /health`, `/health/live` and `/health/ready`.
 *
 * @param options - readiness checks, their timeout and a low-power mode to report
 * @returns `{ health, live, ready }` request handlers
 * @example
 * ```ts
 * const { health, live, ready } = healthHandlers({ checks: { database: () => pool.query('select 1') } });
 * app.get('/health', health);
 * app.get('/health/live', live);
 * app.get('/health/ready', ready);
 * ```
 */
export function healthHandlers(options: HealthOptions = {}): ExpressHealthHandlers {
  const endpoints = createHealthEndpoints(options);
  return {
    health: (_req, res) => send(res, endpoints.health()),
    live: (_req, res) => send(res, endpoints.live()),
    ready: (_req, res, next) => {
      endpoints.ready().then((result) => send(res, result), next);
    },
  };
}

/**
 * Express handler for `GET /metrics`: Prometheus text by default, the JSON reports with
 * `?format=json`.
 *
 * @param options - the tracker, energy monitor, limits and low-power mode to export
 * @throws TypeError or RangeError at once for an invalid option
 * @example
 * ```ts
 * app.get('/metrics', metricsHandler({ slo, energy, limits }));
 * ```
 */
export function metricsHandler(options: MetricsOptions = {}): RequestHandler {
  const endpoint = createMetricsEndpoint(options);
  return (req, res) =>
    send(res, endpoint.respond(req.query.format === 'json' ? 'json' : 'prometheus'));
}

/**
 * Express handler for the live status page: one self-contained HTML document (inline CSS and SVG,
 * strict Content-Security-Policy, reloads itself), or its data with `?format=json`.
 *
 * @param options - the tracker, energy monitor, limits and low-power mode to show
 * @throws TypeError or RangeError at once for an invalid option
 * @example
 * ```ts
 * app.get('/status', statusPage({ slo, energy, limits, lowPower }));
 * ```
 */
export function statusPage(options: StatusPageOptions = {}): RequestHandler {
  const page = createStatusPage(options);
  return (req, res) => send(res, page.respond(statusPageFormat(req.query.format)));
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
