/**
 * The options every adapter's `guard` takes, their defaults, and their checks.
 */
import type { Clock } from '../core/clock.js';
import { fail, nonEmptyString, oneOf, optionalFunction, optionsObject } from '../core/validate.js';
import type { EnergyMonitor } from '../energy/energy-monitor.js';
import type {
  EndpointDecision,
  EndpointRateLimiter,
  EndpointRuleMatch,
} from '../rate-limit/endpoint-rate-limiter.js';
import type { RateLimitStore } from '../rate-limit/store.js';
import type { SLOTracker } from '../slo/slo-tracker.js';

/** Which rate-limit header fields a guard writes: `X-RateLimit-*` (`'legacy'`), IETF (`'draft'`), both, or none. */
export type GuardHeaders = 'legacy' | 'draft' | 'both' | 'none';

/** What failed inside a guard, as passed to `onError`. `'hook'`: `skip`, `cost`, `refund` or `limitedResponse` threw. */
export type GuardFailureKind = 'slo' | 'energy' | 'limits' | 'endpoint' | 'clientKey' | 'hook';

/** What `limitedResponse` is told about a refused request. */
export interface LimitedRequestInfo<Req> {
  /** The framework's request (Koa and Hono: the context). */
  readonly request: Req;
  /** The path the rule was matched against. */
  readonly endpoint: string;
  /** The client key that was charged. */
  readonly clientKey: string;
  /** The rule that refused the request: its name, pattern, rate and window. */
  readonly rule: EndpointRuleMatch;
  /** The refusal: `remaining`, `resetAtMs`, `retryAfterMs`. */
  readonly decision: EndpointDecision;
}

/** A response of one's own for a refused request, as `limitedResponse` returns it. */
export interface LimitedResponseInit {
  /** The status to answer, an integer from 200 to 599 (usually 429). */
  readonly status: number;
  /** Header fields; they override the guard's, except `Retry-After`, which stays. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** The body: a string is sent as it is (`text/plain` unless `headers` say otherwise), anything else as JSON. */
  readonly body: unknown;
}

/** Options every adapter's `guard` takes; `Req` is the framework's request type (Koa, Hono: the context). */
export interface GuardOptions<Req> {
  /** Tracker that records each request's latency and outcome under its endpoint key. */
  readonly slo?: SLOTracker | undefined;
  /** Per-endpoint rate limits, checked before the request reaches the application. */
  readonly limits?: EndpointRateLimiter<RateLimitStore> | undefined;
  /** Energy monitor that attributes energy to each request. */
  readonly energy?: EnergyMonitor | undefined;
  /** Endpoint key of a request, overriding the adapter's route pattern or path. */
  readonly endpoint?: ((request: Req) => string) | undefined;
  /** Client key of a request, overriding the adapter's address (required by the Fetch adapter). */
  readonly clientKey?: ((request: Req) => string) | undefined;
  /**
   * Whether a response status counts as an error for the SLOs (a client that went away counts as 499).
   * @defaultValue `status >= 500`
   */
  readonly isError?: ((status: number) => boolean) | undefined;
  /**
   * Rate-limit header fields on every limited endpoint's responses, admitted and refused: the
   * seed's `X-RateLimit-Limit/Remaining/Reset` and the IETF `RateLimit`/`RateLimit-Policy` by
   * default. A refused request always carries `Retry-After`.
   * @defaultValue `'both'`
   */
  readonly headers?: GuardHeaders | undefined;
  /** Prefix of the 429 message, such as a product name. */
  readonly brand?: string | undefined;
  /**
   * The one clock of a guarded request: read once when it begins and once when it ends, and the
   * times are given to the limiter, the tracker and the energy monitor, whose own clocks are not
   * read then. Give every part the same clock (in tests, one `ManualClock`).
   * @defaultValue `systemClock`
   */
  readonly clock?: Clock | undefined;
  /**
   * Receives failures of tracking, energy accounting, key resolution and hooks; the response proceeds.
   * @defaultValue one `console.warn` per kind of failure
   */
  readonly onError?: ((error: unknown, kind: GuardFailureKind) => void) | undefined;
  /** `true` lets a request bypass the rate limit (it takes no tokens and is still tracked). */
  readonly skip?: ((request: Req) => boolean) | undefined;
  /** Tokens a request costs, `0 < cost <= burst` (LLM tokens, say). @defaultValue 1 */
  readonly cost?: ((request: Req) => number) | undefined;
  /**
   * `true` gives an admitted request's tokens back once its status is known, before the response
   * is sent, so that the client's next request already sees them: `refund: (status) => status < 400`
   * counts only failed logins.
   */
  readonly refund?: ((status: number, request: Req) => boolean) | undefined;
  /** A response of one's own for a refused request, in place of the seed's JSON 429. */
  readonly limitedResponse?: ((info: LimitedRequestInfo<Req>) => LimitedResponseInit) | undefined;
}

/** Every key of {@link GuardOptions}, for adapters that check their options. */
export const GUARD_OPTION_KEYS: readonly (keyof GuardOptions<unknown>)[] = Object.freeze([
  'slo',
  'limits',
  'energy',
  'endpoint',
  'clientKey',
  'isError',
  'headers',
  'brand',
  'clock',
  'onError',
  'skip',
  'cost',
  'refund',
  'limitedResponse',
]);

/** What to use instead of other rate-limit middleware's option names. */
export const GUARD_OPTION_HINTS: Readonly<Record<string, string>> = Object.freeze({
  keyGenerator: 'use `clientKey`',
  standardHeaders: "use `headers: 'draft'` or `'both'`",
  legacyHeaders: "use `headers: 'legacy'` or `'both'`",
  max: 'set rules in `limits: new EndpointRateLimiter({ rules })`',
  limit: 'set rules in `limits: new EndpointRateLimiter({ rules })`',
  windowMs: 'set rules in `limits: new EndpointRateLimiter({ rules })`, with `perSeconds`',
  handler: 'use `limitedResponse`',
  message: 'use `limitedResponse`',
  skipSuccessfulRequests: 'use `refund: (status) => status < 400`',
  limiter: 'use `limits`',
});

/**
 * Header fields a guard writes unless told otherwise: the seed's and the IETF ones.
 *
 * @defaultValue 'both'
 */
export const DEFAULT_GUARD_HEADERS: GuardHeaders = 'both';

/**
 * Checks a guard's options as received.
 *
 * @param owner - the adapter's name for error messages (`'greenslo/express guard'`)
 * @param options - the options
 * @param known - the keys the adapter accepts
 * @returns the header fields to write
 * @throws TypeError when an option is unknown, a function option is not a function or `brand` is
 *   not a non-empty string
 * @throws RangeError when `headers` is not one of its values
 */
export function checkGuardOptions(
  owner: string,
  options: GuardOptions<never>,
  known: readonly string[] = GUARD_OPTION_KEYS,
): GuardHeaders {
  optionsObject(owner, options, known as (keyof GuardOptions<never>)[], GUARD_OPTION_HINTS);
  for (const name of [
    'isError',
    'endpoint',
    'clientKey',
    'onError',
    'skip',
    'cost',
    'refund',
    'limitedResponse',
  ] as const)
    optionalFunction(owner, name, options[name]);
  if (
    options.limits !== undefined &&
    (typeof options.limits !== 'object' ||
      typeof (options.limits as { check?: unknown }).check !== 'function')
  )
    fail(TypeError, owner, 'limits', 'an EndpointRateLimiter', options.limits);
  if (options.brand !== undefined) nonEmptyString(owner, 'brand', options.brand);
  return oneOf(owner, 'headers', options.headers ?? DEFAULT_GUARD_HEADERS, [
    'legacy',
    'draft',
    'both',
    'none',
  ]);
}
