/**
 * The framework-free request lifecycle behind every adapter: resolve the client, check the rate
 * limit, write its headers or the 429, start the request's energy accounting, and at the end record
 * latency and outcome. Adapters only translate their framework's request and response to it.
 */
import { systemClock, type Clock } from '../core/clock.js';
import { clockOption, describeValue, oneOf, optionalFunction } from '../core/validate.js';
import type { EnergyMonitor } from '../energy/energy-monitor.js';
import type { RequestEnergyHandle } from '../energy/request-energy-handle.js';
import { normalizeClientAddress } from '../rate-limit/client-address.js';
import type { EndpointRuleMatch, EndpointRateLimiter } from '../rate-limit/endpoint-rate-limiter.js';
import { getRateLimitHeaders, RateLimitHeaderWriter, type RateLimitHeaderStandard } from '../rate-limit/rate-limit-headers.js';
import type { RateLimitStore } from '../rate-limit/store.js';
import { create429Response, type TooManyRequestsResponse } from '../rate-limit/too-many-requests.js';
import type { RateLimitDecision } from '../rate-limit/types.js';
import type { SLOTracker } from '../slo/slo-tracker.js';

/** Which rate-limit header fields a guard writes: a standard, or `'none'`. */
export type GuardHeaders = RateLimitHeaderStandard | 'none';

/** What failed inside a guard, as passed to `onError`. */
export type GuardFailureKind = 'slo' | 'energy' | 'limits' | 'endpoint' | 'clientKey';

/** Options every adapter's `guard` takes; `Req` is the framework's request type. */
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
   * Whether a response status counts as an error for the SLOs.
   * @defaultValue `status >= 500`
   */
  readonly isError?: ((status: number) => boolean) | undefined;
  /**
   * Rate-limit header fields on every limited endpoint's response: the IETF draft's `RateLimit` and
   * `RateLimit-Policy` by default, `'both'` to add the legacy `X-RateLimit-*` fields as well.
   * @defaultValue `'draft'`
   */
  readonly headers?: GuardHeaders | undefined;
  /** Prefix of the 429 message, such as a product name. */
  readonly brand?: string | undefined;
  /** Source of time for latency; defaults to `systemClock`. */
  readonly clock?: Clock | undefined;
  /**
   * Receives failures of tracking, energy accounting and key resolution; the response proceeds.
   * @defaultValue one `console.warn` per kind of failure
   */
  readonly onError?: ((error: unknown, kind: GuardFailureKind) => void) | undefined;
}

/**
 * The key under which requests that matched no route (404s) are tracked, so that random paths
 * cannot create endpoints.
 *
 * @defaultValue '(unmatched)'
 */
export const UNMATCHED_ENDPOINT = '(unmatched)';

/** The client key used when a request carries no address that can be read. */
export const UNKNOWN_CLIENT = 'unknown';

/**
 * Rate-limit header fields a guard writes unless told otherwise: the IETF draft's two fields.
 *
 * @defaultValue 'draft'
 */
export const DEFAULT_GUARD_HEADERS: GuardHeaders = 'draft';

const MS_PER_SECOND = 1000;

const defaultIsError = (status: number): boolean => status >= 500;

/** A request let through: the headers to set, and `finish` to call once the response is complete. */
export interface AdmittedRequest {
  /** Always `true`: the request may proceed. */
  readonly allowed: true;
  /** Rate-limit header fields to set on the response (empty on unlimited endpoints). */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * Records the request's latency, outcome and energy; later calls do nothing.
   * @param status - the response status
   * @param route - the matched route pattern, when the framework knows it
   * @param thrown - whether the handler threw
   */
  finish(status: number, route?: string, thrown?: boolean): void;
}

/** A request refused by the rate limit: the 429 to send. */
export interface RefusedRequest {
  /** Always `false`: answer with `response` instead of running the application. */
  readonly allowed: false;
  /** Status 429, the header fields (rate-limit fields included) and the JSON body. */
  readonly response: TooManyRequestsResponse;
}

/** The outcome of {@link RequestGuard.admit}. */
export type Admission = AdmittedRequest | RefusedRequest;

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});
// The two outcomes a request records, made once rather than per request.
const FAILED = Object.freeze({ error: true });
const SUCCEEDED = Object.freeze({ error: false });

class Ticket<Req> implements AdmittedRequest {
  readonly allowed = true;
  #done = false;
  constructor(
    private readonly guard: RequestGuard<Req>,
    private readonly request: Req,
    private readonly path: string,
    private readonly startMs: number,
    private readonly energy: RequestEnergyHandle | undefined,
    readonly headers: Readonly<Record<string, string>>,
  ) {}

  finish(status: number, route?: string, thrown = false): void {
    if (this.#done) return;
    this.#done = true;
    this.guard.complete(this.request, this.path, this.startMs, this.energy, status, route, thrown);
  }
}

/**
 * The request lifecycle shared by the Express, Koa and Fetch adapters. Nothing in it throws into
 * the request: failures of tracking go to `onError`, and only the rate-limit decision can stop a
 * request.
 *
 * @typeParam Req - the framework's request type, passed to the `endpoint` and `clientKey` options
 */
export class RequestGuard<Req> {
  readonly #options: GuardOptions<Req>;
  readonly #clock: Clock;
  readonly #isError: (status: number) => boolean;
  readonly #headers: GuardHeaders;
  readonly #warned = new Set<GuardFailureKind>();
  /** Header writers by rule, built on first use; the last one used is kept at hand. */
  readonly #writers = new Map<EndpointRuleMatch, RateLimitHeaderWriter>();
  #lastMatch: EndpointRuleMatch | undefined;
  #lastWriter: RateLimitHeaderWriter | undefined;
  /** The last client address normalized, and its key. */
  #lastAddress: string | undefined;
  #lastAddressKey = UNKNOWN_CLIENT;

  /**
   * @param owner - the adapter's name for error messages (`'express guard'`)
   * @param options - the guard's options
   * @throws TypeError when an option has the wrong type
   * @throws RangeError when `headers` is not one of its values
   */
  constructor(owner: string, options: GuardOptions<Req>) {
    if (typeof options !== 'object' || options === null) throw new TypeError(`${owner}: options must be an object, got ${describeValue(options)}.`);
    this.#options = options;
    this.#clock = clockOption(owner, options.clock ?? systemClock);
    this.#isError = optionalFunction(owner, 'isError', options.isError) ?? defaultIsError;
    this.#headers = oneOf(owner, 'headers', options.headers ?? DEFAULT_GUARD_HEADERS, ['legacy', 'draft', 'both', 'none']);
    optionalFunction(owner, 'endpoint', options.endpoint);
    optionalFunction(owner, 'clientKey', options.clientKey);
    optionalFunction(owner, 'onError', options.onError);
  }

  /** Whether `admit` reads the `address` argument, so adapters can skip looking it up. */
  get needsAddress(): boolean {
    return this.#options.limits !== undefined && this.#options.clientKey === undefined;
  }

  /**
   * Starts a request: checks the rate limit for `path` and the client, and starts energy accounting.
   * Returns synchronously unless the limiter's store is asynchronous.
   *
   * @param request - the framework's request, passed to the `clientKey` option
   * @param path - the request path without query string, matched against the limit rules
   * @param address - the client address the framework reports (`req.ip`), if any
   */
  admit(request: Req, path: string, address: string | undefined): Admission | Promise<Admission> {
    const startMs = this.#clock.nowMs();
    const limits = this.#options.limits;
    if (limits === undefined) return this.#admitted(request, path, startMs, NO_HEADERS);
    let decision: RateLimitDecision | Promise<RateLimitDecision>;
    try {
      decision = limits.check(path, this.#clientKey(request, address));
    } catch (error) {
      this.report(error, 'limits');
      return this.#admitted(request, path, startMs, NO_HEADERS);
    }
    if (!(decision instanceof Promise)) return this.#decide(request, path, startMs, decision);
    return decision.then(
      (settled) => this.#decide(request, path, startMs, settled),
      (error: unknown) => {
        this.report(error, 'limits');
        return this.#admitted(request, path, startMs, NO_HEADERS);
      },
    );
  }

  /** Reports a failure to `onError`, or warns once per kind; never throws. @internal */
  report(error: unknown, kind: GuardFailureKind): void {
    try {
      if (this.#options.onError) return this.#options.onError(error, kind);
      if (this.#warned.has(kind)) return;
      this.#warned.add(kind);
      console.warn(`greenslo: ${kind} failed and was skipped; the response is unaffected (further ${kind} failures are not shown).`, error);
    } catch {
      // An onError that throws must not break the request either.
    }
  }

  /** Records a finished request; called once by the admitted request's `finish`. @internal */
  complete(request: Req, path: string, startMs: number, energy: RequestEnergyHandle | undefined, status: number, route: string | undefined, thrown: boolean): void {
    const endMs = this.#clock.nowMs();
    if (energy !== undefined) {
      try {
        energy.end(endMs);
      } catch (error) {
        this.report(error, 'energy');
      }
    }
    const slo = this.#options.slo;
    if (slo === undefined) return;
    try {
      slo.record(this.#endpointKey(request, path, status, route), Math.max(0, endMs - startMs), thrown || this.#isError(status) ? FAILED : SUCCEEDED);
    } catch (error) {
      this.report(error, 'slo');
    }
  }

  #endpointKey(request: Req, path: string, status: number, route: string | undefined): string {
    const override = this.#options.endpoint;
    if (override !== undefined) {
      try {
        return override(request);
      } catch (error) {
        this.report(error, 'endpoint');
      }
    }
    if (route !== undefined) return route;
    return status === 404 ? UNMATCHED_ENDPOINT : path;
  }

  #clientKey(request: Req, address: string | undefined): string {
    try {
      const custom = this.#options.clientKey;
      if (custom !== undefined) return custom(request);
      // Keep-alive connections send request after request from one address.
      if (address === this.#lastAddress && address !== undefined) return this.#lastAddressKey;
      const key = normalizeClientAddress(address ?? '');
      this.#lastAddress = address;
      this.#lastAddressKey = key;
      return key;
    } catch (error) {
      this.report(error, 'clientKey');
      return UNKNOWN_CLIENT;
    }
  }

  #decide(request: Req, path: string, startMs: number, decision: RateLimitDecision): Admission {
    if (decision.allowed) return this.#admitted(request, path, startMs, this.#rateLimitHeaders(path, decision, startMs));
    let response: TooManyRequestsResponse;
    try {
      response = this.#tooManyRequests(path, decision);
    } catch (error) {
      // A refusal whose figures cannot be answered (a store's garbage) is a failure of the limiter.
      this.report(error, 'limits');
      return this.#admitted(request, path, startMs, NO_HEADERS);
    }
    const headers = { ...this.#rateLimitHeaders(path, decision, startMs), ...response.headers };
    return { allowed: false, response: { ...response, headers } };
  }

  #tooManyRequests(path: string, decision: RateLimitDecision): TooManyRequestsResponse {
    const rule = this.#options.limits?.match(path).rule;
    const limited = rule !== undefined && rule !== 'unlimited';
    // The message states the sustained rate ("Max 60 requests per minute"), not the burst.
    return create429Response({
      retryAfterSeconds: decision.retryAfterMs / MS_PER_SECOND,
      limit: limited ? rule.rate : decision.limit,
      endpoint: path,
      windowSeconds: limited ? rule.perSeconds : 60,
      ...(this.#options.brand === undefined ? {} : { brand: this.#options.brand }),
    });
  }

  #rateLimitHeaders(path: string, decision: RateLimitDecision, nowMs: number): Readonly<Record<string, string>> {
    if (this.#headers === 'none' || decision.limit === Infinity) return NO_HEADERS;
    const { remaining, resetAtMs, limit } = decision;
    const retryAfterSeconds = decision.allowed ? 0 : decision.retryAfterMs / MS_PER_SECOND;
    try {
      const writer = this.#writer(path, limit);
      // A store's figures are checked here once; the writer trusts them.
      if (writer !== undefined && remaining >= 0 && retryAfterSeconds >= 0 && Number.isFinite(remaining + resetAtMs + nowMs + retryAfterSeconds)) {
        return writer.write(remaining, resetAtMs, retryAfterSeconds, nowMs);
      }
      return getRateLimitHeaders({ limit, remaining, resetAtMs, retryAfterSeconds, windowSeconds: this.#windowSeconds(path), standard: this.#headers, nowMs });
    } catch (error) {
      this.report(error, 'limits');
      return NO_HEADERS;
    }
  }

  #windowSeconds(path: string): number {
    const rule = this.#options.limits?.match(path).rule;
    return rule === undefined || rule === 'unlimited' ? 60 : rule.perSeconds;
  }

  /** The header writer of the rule `path` resolves to, or `undefined` when `limit` is not its quota. */
  #writer(path: string, limit: number): RateLimitHeaderWriter | undefined {
    const match = this.#options.limits!.match(path);
    let writer = match === this.#lastMatch ? this.#lastWriter : this.#writers.get(match);
    if (writer === undefined) {
      if (this.#headers === 'none' || !(limit >= 0 && limit < Infinity)) return undefined;
      writer = new RateLimitHeaderWriter({ limit, windowSeconds: this.#windowSeconds(path), standard: this.#headers });
      this.#writers.set(match, writer);
    }
    this.#lastMatch = match;
    this.#lastWriter = writer;
    return writer.limit === limit ? writer : undefined;
  }

  #admitted(request: Req, path: string, startMs: number, headers: Readonly<Record<string, string>>): AdmittedRequest {
    let energy: RequestEnergyHandle | undefined;
    if (this.#options.energy !== undefined) {
      try {
        energy = this.#options.energy.beginRequest(startMs);
      } catch (error) {
        this.report(error, 'energy');
      }
    }
    return new Ticket(this, request, path, startMs, energy, headers);
  }
}
