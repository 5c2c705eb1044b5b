/**
 * Fetch adapter for handlers of the form `(request: Request, ...rest) => Response`: Hono, Bun,
 * Deno, Cloudflare Workers and Node with `@hono/node-server`.
 *
 * @packageDocumentation
 * @module greenslo/fetch
 */
import { createHealthEndpoints, type HealthOptions } from '../http/health.js';
import { createMetricsEndpoint, type MetricsOptions } from '../http/metrics-endpoint.js';
import {
  createStatusPage,
  statusPageFormat,
  type StatusPageOptions,
} from '../status/status-page.js';
import type { HttpResult } from '../http/http-result.js';
import {
  checkGuardOptions,
  type GuardOptions,
  type LimitedRequestInfo,
} from '../http/guard-options.js';
import {
  CLIENT_CLOSED_REQUEST,
  RequestGuardCore,
  type GuardStart,
  type GuardTicket,
} from '../http/request-guard.js';
import { fail } from '../core/validate.js';
import { pathOfUrl } from '../http/route-key.js';

/** A Fetch-style handler: a `Request` (plus whatever the runtime passes) in, a `Response` out. */
export type FetchHandler<Rest extends unknown[] = unknown[]> = (
  request: Request,
  ...rest: Rest
) => Response | Promise<Response>;

/** Options of the Fetch {@link guard}. `clientKey` is required when `limits` is given. */
export interface FetchGuardOptions<Rest extends unknown[] = unknown[]> extends Omit<
  GuardOptions<Request>,
  'endpoint' | 'clientKey'
> {
  /** Endpoint key of a request; defaults to its URL path (404s fold into `(unmatched)`). */
  readonly endpoint?: ((request: Request, ...rest: Rest) => string) | undefined;
  /**
   * Client key of a request, usually its address, which only the runtime knows: Bun
   * `server.requestIP(request)?.address`, Deno `info.remoteAddr.hostname`, Cloudflare
   * `request.headers.get('CF-Connecting-IP')`, `@hono/node-server` `getConnInfo(c).remote.address`.
   */
  readonly clientKey?: ((request: Request, ...rest: Rest) => string) | undefined;
}

const OWNER = 'greenslo/fetch guard';
const NEEDS_CLIENT_KEY =
  'a function when `limits` is given (Fetch requests carry no client address)';

const reportedRoutes = new WeakMap<Request, string>();

/**
 * Tells the guard which route pattern served `request`, so that `/users/42` and `/users/7` are
 * tracked together as `/users/:id`. Call it from the router, for example in Hono:
 * ```ts
 * import { matchedRoutes } from 'hono/route';
 * app.use(async (c, next) => {
 *   await next();
 *   const route = matchedRoutes(c).at(-1); // the handler's route, unless only middleware matched
 *   if (route && route.method !== 'ALL') reportRoute(c.req.raw, route.path);
 * });
 * ```
 *
 * @param request - the request the guard passed to the handler
 * @param pattern - the matched route pattern
 */
export function reportRoute(request: Request, pattern: string): void {
  reportedRoutes.set(request, pattern);
}

interface Call<Rest extends unknown[]> {
  readonly request: Request;
  readonly rest: Rest;
}

function toResponse(result: Pick<HttpResult, 'status' | 'headers'> & { body: unknown }): Response {
  const body = typeof result.body === 'string' ? result.body : JSON.stringify(result.body);
  return new Response(body, { status: result.status, headers: result.headers });
}

/** Node's response, which `@hono/node-server` passes as `env.outgoing`. */
interface NodeOutgoing {
  readonly headersSent: boolean;
  readonly writableFinished: boolean;
  setHeader(name: string, value: string): unknown;
  on(event: 'close', listener: () => void): unknown;
}

/** What the handler's extra argument carries as `outgoing`, if anything: Node's response on `@hono/node-server`. */
function outgoingOf(rest: readonly unknown[]): Partial<NodeOutgoing> | undefined {
  return (rest[0] as { outgoing?: Partial<NodeOutgoing> } | null | undefined)?.outgoing;
}

/**
 * Adds the guard's header fields to the handler's response; a field the application set itself
 * wins, as with the Express and Koa guards. On `@hono/node-server` they go on Node's response, which
 * merges them when it writes the `Response`: reading `response.headers` there would turn its light
 * response into a full one, several microseconds per request.
 */
function withHeaders(
  response: Response,
  headers: Readonly<Record<string, string>>,
  outgoing: Partial<NodeOutgoing> | undefined,
): Response {
  if (typeof outgoing?.setHeader === 'function' && outgoing.headersSent === false) {
    for (const name in headers) outgoing.setHeader(name, headers[name]!);
    return response;
  }
  try {
    for (const name in headers)
      if (!response.headers.has(name)) response.headers.set(name, headers[name]!);
    return response;
  } catch {
    // Responses from fetch() have immutable headers: copy the response to add them.
    const copy = new Response(response.body, response);
    for (const name in headers) if (!copy.headers.has(name)) copy.headers.set(name, headers[name]!);
    return copy;
  }
}

/**
 * Wraps a Fetch handler with rate limiting, SLO tracking and energy accounting.
 * Latency runs until the handler returns its `Response`. The wrapped handler answers synchronously
 * when `handler` does (and the limiter's store is synchronous); errors always come as rejections. The endpoint key is the route the
 * handler reports with {@link reportRoute}, else the URL path, and `(unmatched)` for 404s.
 *
 * @param handler - the application's handler
 * @param options - the tracker, limits and energy monitor to use, and how to key requests
 * @throws TypeError at once when `limits` is given without `clientKey`, or for an invalid option
 * @example
 * ```ts
 * import { EndpointRateLimiter, SLOTracker } from 'greenslo';
 * import { guard } from 'greenslo/fetch';
 *
 * // Deno
 * Deno.serve(guard(app.fetch, {
 *   slo: new SLOTracker(),
 *   limits: new EndpointRateLimiter(),
 *   clientKey: (_request, info) => info.remoteAddr.hostname,
 * }));
 * ```
 */
export function guard<Rest extends unknown[]>(
  handler: FetchHandler<Rest>,
  options: FetchGuardOptions<Rest> = {},
): FetchHandler<Rest> {
  if (typeof handler !== 'function') fail(TypeError, OWNER, 'handler', 'a function', handler);
  checkGuardOptions(OWNER, options as GuardOptions<never>);
  if (options.limits !== undefined && typeof options.clientKey !== 'function')
    fail(TypeError, OWNER, 'clientKey', NEEDS_CLIENT_KEY, options.clientKey);
  const core = new RequestGuardCore<Call<Rest>>(OWNER, callOptions(options));
  const respond = (
    start: GuardStart,
    request: Request,
    restArgs: Rest,
  ): Response | Promise<Response> => {
    if (!start.allowed) return toResponse(start);
    const outgoing = outgoingOf(restArgs);
    watchDisconnect(start, request, outgoing);
    let result: Response | PromiseLike<Response>;
    try {
      result = handler(request, ...restArgs);
    } catch (error) {
      start.finish(500, reportedRoutes.get(request));
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the handler's own error, passed on unchanged
      return Promise.reject(error);
    }
    const answered = (response: Response): Response => {
      start.finish(response.status, reportedRoutes.get(request));
      return withHeaders(response, start.headers, outgoing);
    };
    if (!isPromiseLike(result)) return answered(result);
    return Promise.resolve(result).then(answered, (error: unknown) => {
      start.finish(500, reportedRoutes.get(request));
      throw error;
    });
  };
  // Synchronous when the handler is: a Promise in between would cost every request a detour.
  return (request, ...restArgs) => {
    const pending = core.begin({ request, rest: restArgs }, pathOfUrl(request.url));
    if (pending instanceof Promise)
      return pending.then((start) => respond(start, request, restArgs));
    return respond(pending, request, restArgs);
  };
}

/** The guard's options with every function taking the handler's arguments as one call. */
function callOptions<Rest extends unknown[]>(
  options: FetchGuardOptions<Rest>,
): GuardOptions<Call<Rest>> {
  const { endpoint, clientKey, skip, cost, refund, limitedResponse, ...rest } = options;
  return {
    ...rest,
    ...(endpoint === undefined
      ? {}
      : { endpoint: (call: Call<Rest>) => endpoint(call.request, ...call.rest) }),
    ...(clientKey === undefined
      ? {}
      : { clientKey: (call: Call<Rest>) => clientKey(call.request, ...call.rest) }),
    ...(skip === undefined ? {} : { skip: (call: Call<Rest>) => skip(call.request) }),
    ...(cost === undefined ? {} : { cost: (call: Call<Rest>) => cost(call.request) }),
    ...(refund === undefined
      ? {}
      : { refund: (status: number, call: Call<Rest>) => refund(status, call.request) }),
    ...(limitedResponse === undefined
      ? {}
      : {
          limitedResponse: (info: LimitedRequestInfo<Call<Rest>>) =>
            limitedResponse({ ...info, request: info.request.request }),
        }),
  };
}

/**
 * Records a client that goes away before the response is complete, at that moment, as 499. On
 * `@hono/node-server` through Node's response (its `close` event, as the Express guard does:
 * reading `request.signal` there would make an AbortController per request); elsewhere through
 * `request.signal`, which Bun, Deno and `@hono/node-server` abort when the client disconnects.
 */
function watchDisconnect(
  ticket: GuardTicket,
  request: Request,
  outgoing: Partial<NodeOutgoing> | undefined,
): void {
  if (typeof outgoing?.on === 'function' && typeof outgoing.writableFinished === 'boolean') {
    const response = outgoing as NodeOutgoing;
    response.on('close', () => {
      if (!response.writableFinished)
        ticket.finish(CLIENT_CLOSED_REQUEST, reportedRoutes.get(request));
    });
    return;
  }
  const signal = request.signal as AbortSignal | undefined;
  if (signal === undefined || signal === null) return;
  signal.addEventListener(
    'abort',
    () => ticket.finish(CLIENT_CLOSED_REQUEST, reportedRoutes.get(request)),
    { once: true },
  );
}

function isPromiseLike(value: unknown): value is PromiseLike<Response> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** The health endpoints' handlers, each `(request) => Response` like every Fetch handler. */
export interface FetchHealthHandlers {
  /** `GET /health`: status and uptime. */
  readonly health: (request: Request) => Response;
  /** `GET /health/live`: alive, without any I/O. */
  readonly live: (request: Request) => Response;
  /** `GET /health/ready`: 200 when every check passes in time, else 503 naming the failing ones. */
  readonly ready: (request: Request) => Promise<Response>;
}

/**
 * Fetch handlers for `GET /health`, `/health/live` and `/health/ready`, in the same
 * `(request) => Response` shape as every handler of `greenslo/fetch`, so that each can be a route
 * of Bun, Deno or a Fetch router as it is.
 *
 * @param options - readiness checks, their timeout and a low-power mode to report
 * @returns `{ health, live, ready }` handlers returning a `Response`
 * @throws TypeError or RangeError at once for an invalid option
 * @example
 * ```ts
 * import { healthHandlers } from 'greenslo/fetch';
 *
 * const { health, live, ready } = healthHandlers({ checks: { cache: () => Promise.resolve() } });
 * const routes: Record<string, (request: Request) => Response | Promise<Response>> = {
 *   '/health': health,
 *   '/health/live': live,
 *   '/health/ready': ready,
 * };
 * ```
 */
export function healthHandlers(options: HealthOptions = {}): FetchHealthHandlers {
  const endpoints = createHealthEndpoints(options);
  return {
    health: (_request) => toResponse(endpoints.health()),
    live: (_request) => toResponse(endpoints.live()),
    ready: async (_request) => toResponse(await endpoints.ready()),
  };
}

/**
 * Fetch handler for `GET /metrics`: Prometheus text by default, the JSON reports with
 * `?format=json`.
 *
 * @param options - the tracker, energy monitor, limits and low-power mode to export
 * @throws TypeError or RangeError at once for an invalid option
 * @example
 * ```ts
 * const metrics = metricsHandler({ slo, energy, limits });
 * Bun.serve({ routes: { '/metrics': metrics } });
 * ```
 */
export function metricsHandler(options: MetricsOptions = {}): (request: Request) => Response {
  const endpoint = createMetricsEndpoint(options);
  return (request) =>
    toResponse(
      endpoint.respond(
        new URL(request.url).searchParams.get('format') === 'json' ? 'json' : 'prometheus',
      ),
    );
}

/**
 * Fetch handler for the live status page: one self-contained HTML document (inline CSS and SVG,
 * strict Content-Security-Policy, reloads itself), or its data with `?format=json`.
 *
 * @param options - the tracker, energy monitor, limits and low-power mode to show
 * @throws TypeError or RangeError at once for an invalid option
 * @example
 * ```ts
 * const status = statusPage({ slo, energy, limits });
 * Deno.serve((request) => (new URL(request.url).pathname === '/status' ? status(request) : app.fetch(request)));
 * ```
 */
export function statusPage(options: StatusPageOptions = {}): (request: Request) => Response {
  const page = createStatusPage(options);
  return (request) =>
    toResponse(page.respond(statusPageFormat(new URL(request.url).searchParams.get('format'))));
}

export type {
  GuardFailureKind,
  GuardHeaders,
  LimitedRequestInfo,
  LimitedResponseInit,
} from '../http/guard-options.js';
export {
  fetchClientKeys as clientKeys,
  type ClientKeys,
  type FetchClientKey,
} from '../http/client-keys.js';
export type { HealthOptions, ReadinessCheck } from '../http/health.js';
export type { MetricsOptions } from '../http/metrics-endpoint.js';
export type { StatusPageOptions } from '../status/status-page.js';
