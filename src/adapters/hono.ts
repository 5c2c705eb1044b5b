/**
 * Hono adapter (Hono 4, on any runtime: Cloudflare Workers, Bun, Deno, Node with
 * `@hono/node-server`): `guard` middleware for SLO tracking, rate limiting and energy accounting,
 * and the health, metrics and status endpoints as handlers. Hono is reached through its types only,
 * and nothing here imports `node:*`.
 *
 * @packageDocumentation
 * @module greenslo/hono
 */
import type { Context, MiddlewareHandler } from 'hono';
import { contextClientKeys } from '../http/client-keys.js';
import type { GuardOptions } from '../http/guard-options.js';
import { createHealthEndpoints, type HealthOptions } from '../http/health.js';
import type { HttpResult } from '../http/http-result.js';
import { createMetricsEndpoint, type MetricsOptions } from '../http/metrics-endpoint.js';
import {
  CLIENT_CLOSED_REQUEST,
  RequestGuardCore,
  UNMATCHED_ENDPOINT,
  type GuardTicket,
} from '../http/request-guard.js';
import {
  createStatusPage,
  statusPageFormat,
  type StatusPageOptions,
} from '../status/status-page.js';

/** Options of the Hono {@link guard}; `clientKey`, `endpoint` and the hooks receive the context `c`. */
export type HonoGuardOptions = GuardOptions<Context>;

/** A Hono handler, as the endpoint factories return them. */
export type HonoHandler = (c: Context) => Response | Promise<Response>;

/** Node's response, which `@hono/node-server` passes as `c.env.outgoing`. */
interface NodeOutgoing {
  readonly headersSent: boolean;
  readonly writableFinished: boolean;
  setHeader(name: string, value: string): unknown;
  on(event: 'close', listener: () => void): unknown;
}

function toResponse(result: Pick<HttpResult, 'status' | 'headers' | 'body'>): Response {
  return new Response(result.body, { status: result.status, headers: result.headers });
}

/** The Node response behind the request on `@hono/node-server`, while its head is not yet sent. */
function nodeOutgoing(env: unknown): NodeOutgoing | undefined {
  const outgoing = (env as { outgoing?: Partial<NodeOutgoing> } | null | undefined)?.outgoing;
  return typeof outgoing?.setHeader === 'function' &&
    typeof outgoing.on === 'function' &&
    outgoing.headersSent === false
    ? (outgoing as NodeOutgoing)
    : undefined;
}

/**
 * The route pattern of the handler that answered (`/users/:id`). The router points `routeIndex` at
 * each handler it runs; when it still points at this middleware, or at a middleware (`ALL`) on a
 * 404, no route matched and the request is folded into the unmatched key. `matchedRoutes` is what
 * `hono/route` reads; reading it here keeps Hono out of this module at run time.
 */
function routeOf(c: Context, ownIndex: number, status: number): string {
  const index = c.req.routeIndex;
  const route = c.req.matchedRoutes[index];
  if (route === undefined || index === ownIndex || (status === 404 && route.method === 'ALL'))
    return UNMATCHED_ENDPOINT;
  return route.path;
}

/** Records the request at a disconnect, with the route running at that moment, as 499. */
function watchDisconnect(
  c: Context,
  ticket: GuardTicket,
  ownIndex: number,
  outgoing: NodeOutgoing | undefined,
): void {
  const disconnected = (): void =>
    ticket.finish(CLIENT_CLOSED_REQUEST, routeOf(c, ownIndex, CLIENT_CLOSED_REQUEST));
  if (outgoing !== undefined)
    return void outgoing.on('close', () => outgoing.writableFinished || disconnected());
  const signal = (c.req.raw as { signal?: AbortSignal }).signal;
  signal?.addEventListener('abort', disconnected, { once: true });
}

/** Adds the guard's fields to the handler's response; a field the application set itself wins. */
function addHeaders(c: Context, headers: Readonly<Record<string, string>>): void {
  try {
    for (const name in headers)
      if (!c.res.headers.has(name)) c.res.headers.set(name, headers[name]!);
  } catch {
    // Responses from fetch() have immutable headers: Hono copies the response when it is set again.
    c.res = new Response(c.res.body, c.res);
    for (const name in headers)
      if (!c.res.headers.has(name)) c.res.headers.set(name, headers[name]!);
  }
}

/**
 * Hono middleware that rate-limits requests, records their latency and outcome, and attributes
 * energy to them: `app.use(guard({ slo, limits, energy, clientKey: clientKeys.node }))`.
 *
 * The rate-limit rule is matched against `c.req.path` before `await next()`, and a refused request
 * is answered without calling it. The endpoint key is the pattern of the route that answered
 * (`/users/:id`, read after `await next()`), or `(unmatched)` when none did. A Fetch request
 * carries no client address, so `clientKey` is required with `limits`: take one of
 * {@link clientKeys} for your platform. Latency runs until the handler's response is ready; a client
 * that disconnects first is recorded then, as 499. On `@hono/node-server` the rate-limit fields
 * are set on Node's response, which saves building a `Headers` object per request.
 *
 * @param options - the tracker, limits and energy monitor to use, how to key requests, and hooks
 * @throws TypeError at once when `limits` is given without `clientKey`, or for an invalid option
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { EndpointRateLimiter, SLOTracker } from 'greenslo';
 * import { clientKeys, guard } from 'greenslo/hono';
 *
 * const app = new Hono();
 * app.use(guard({ slo: new SLOTracker(), limits: new EndpointRateLimiter(), clientKey: clientKeys.cloudflare }));
 * ```
 */
export function guard(options: HonoGuardOptions = {}): MiddlewareHandler {
  if (options?.limits !== undefined && typeof options.clientKey !== 'function') {
    throw new TypeError(
      'greenslo/hono guard: `clientKey` must be a function when `limits` is given: take one of `clientKeys` (cloudflare, fly, node, bun, deno).',
    );
  }
  const core = new RequestGuardCore<Context>('greenslo/hono guard', options);
  return async (c, next) => {
    const pending = core.begin(c, c.req.path);
    const start = pending instanceof Promise ? await pending : pending;
    if (!start.allowed) return toResponse(start);
    const ownIndex = c.req.routeIndex;
    const outgoing = nodeOutgoing(c.env);
    if (outgoing !== undefined)
      for (const name in start.headers) outgoing.setHeader(name, start.headers[name]!);
    watchDisconnect(c, start, ownIndex, outgoing);
    try {
      await next();
    } catch (error) {
      start.finish(500, routeOf(c, ownIndex, 500));
      throw error;
    }
    const status = c.res.status;
    start.finish(status, routeOf(c, ownIndex, status));
    if (outgoing === undefined) addHeaders(c, start.headers);
  };
}

/**
 * Client keys for the Hono guard, one per platform, each taking the context: `cloudflare`
 * (`CF-Connecting-IP`), `fly` (`Fly-Client-IP`), `node` (the socket on `@hono/node-server`), `bun`
 * (`server.requestIP`) and `deno` (`info.remoteAddr`), each through `normalizeClientAddress`. A
 * request without the address is limited under the shared key `'unknown'` and reported to `onError`.
 */
export const clientKeys = contextClientKeys;

/** The health endpoints' handlers. */
export interface HonoHealthHandlers {
  /** `GET /health`: status and uptime. */
  readonly health: HonoHandler;
  /** `GET /health/live`: alive, without any I/O. */
  readonly live: HonoHandler;
  /** `GET /health/ready`: 200 when every check passes in time, else 503 naming the failing ones. */
  readonly ready: HonoHandler;
}

/**
 * Hono handlers for `GET /health`, `/health/live` and `/health/ready`.
 *
 * @param options - readiness checks, their timeout and a low-power mode to report
 * @returns `{ health, live, ready }` handlers
 * @throws TypeError or RangeError at once for an invalid option
 * @example
 * ```ts
 * const { health, live, ready } = healthHandlers();
 * app.get('/health', health).get('/health/live', live).get('/health/ready', ready);
 * ```
 */
export function healthHandlers(options: HealthOptions = {}): HonoHealthHandlers {
  const endpoints = createHealthEndpoints(options);
  return {
    health: (_c) => toResponse(endpoints.health()),
    live: (_c) => toResponse(endpoints.live()),
    ready: async (_c) => toResponse(await endpoints.ready()),
  };
}

/**
 * Hono handler for `GET /metrics`: Prometheus text by default, the JSON reports with `?format=json`.
 *
 * @param options - the tracker, energy monitor, limits and low-power mode to export
 * @throws TypeError or RangeError at once for an invalid option
 * @example
 * ```ts
 * app.get('/metrics', metricsHandler({ slo, energy, limits }));
 * ```
 */
export function metricsHandler(options: MetricsOptions = {}): HonoHandler {
  const endpoint = createMetricsEndpoint(options);
  return (c) =>
    toResponse(endpoint.respond(c.req.query('format') === 'json' ? 'json' : 'prometheus'));
}

/**
 * Hono handler for the live status page: one self-contained HTML document (inline CSS and SVG,
 * strict Content-Security-Policy, reloads itself), or its data with `?format=json`.
 *
 * @param options - the tracker, energy monitor, limits and low-power mode to show
 * @throws TypeError or RangeError at once for an invalid option
 * @example
 * ```ts
 * app.get('/status', statusPage({ slo, energy, limits, lowPower }));
 * ```
 */
export function statusPage(options: StatusPageOptions = {}): HonoHandler {
  const page = createStatusPage(options);
  return (c) => toResponse(page.respond(statusPageFormat(c.req.query('format'))));
}

export type { ClientKeyContext, ClientKeys, ContextClientKey } from '../http/client-keys.js';
export type {
  GuardFailureKind,
  GuardHeaders,
  LimitedRequestInfo,
  LimitedResponseInit,
} from '../http/guard-options.js';
export type { HealthOptions, ReadinessCheck } from '../http/health.js';
export type { MetricsOptions } from '../http/metrics-endpoint.js';
export type { StatusPageOptions } from '../status/status-page.js';
