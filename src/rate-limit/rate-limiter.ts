/**
 * A token bucket per client, kept in a store.
 */
import { systemClock, type Clock } from '../core/clock.js';
import {
  clockOption,
  describeValue,
  nonEmptyString,
  optionsObject,
  positiveNumber,
  RATE_LIMIT_OPTION_HINTS,
} from '../core/validate.js';
import { ClockReader } from './clock-reader.js';
import { bucketPolicy, failCost, isCost, storeOption } from './checks.js';
import { DEFAULT_MAX_KEYS, MemoryStore } from './memory-store.js';
import type { RateLimitStore, StoreAnswer } from './store.js';
import type { BucketPolicy, RateLimitDecision } from './types.js';

const OWNER = 'RateLimiter';
const KNOWN_OPTIONS = [
  'rate',
  'perSeconds',
  'burst',
  'clock',
  'store',
  'maxKeys',
  'keyPrefix',
] as const;
const MS_PER_SECOND = 1000;

/** Options of {@link RateLimiter}. */
export interface RateLimiterOptions<S extends RateLimitStore = RateLimitStore> {
  /** Tokens (requests of cost 1) each client gains per `perSeconds`; a finite number > 0. */
  readonly rate: number;
  /** The period of `rate`, in seconds; a finite number > 0. */
  readonly perSeconds: number;
  /** Bucket capacity: most requests admitted at once; defaults to `rate`. */
  readonly burst?: number;
  /** Source of time, read once per check; defaults to `systemClock`. */
  readonly clock?: Clock;
  /** Where buckets live; defaults to a new `MemoryStore({ maxKeys })`. */
  readonly store?: S;
  /** Bound on buckets of the default store; defaults to {@link DEFAULT_MAX_KEYS}. Ignored with `store`. */
  readonly maxKeys?: number;
  /** Text put before every client id to form the store key, to share one store; defaults to `''`. */
  readonly keyPrefix?: string;
}

/**
 * Rate limits clients with one token bucket each: capacity `burst`, refill `rate / perSeconds` tokens
 * per second, starting full. Over any interval of `d` seconds a client is admitted at most
 * `burst + rate * d / perSeconds` tokens' worth of requests.
 *
 * With the default `MemoryStore` every method is synchronous and returns plain values; with an
 * asynchronous store (Redis) they return Promises. The clock is read once per call and floored to
 * whole milliseconds.
 *
 * @typeParam S - the store's type, which decides whether answers are plain values or Promises
 * @example
 * ```ts
 * const limiter = new RateLimiter({ rate: 60, perSeconds: 60 });
 * if (!limiter.allowRequest(clientIp)) return tooManyRequests();
 *
 * const decision = limiter.check(clientIp, 5); // a request costing 5 tokens
 * decision.remaining; decision.retryAfterMs;
 * ```
 */
export class RateLimiter<S extends RateLimitStore = MemoryStore> {
  /** Tokens each client gains per `perSeconds`. */
  readonly rate: number;
  /** The period of `rate`, in seconds. */
  readonly perSeconds: number;
  /** Bucket capacity. */
  readonly burst: number;
  /** The bucket parameters passed to the store on every call. */
  readonly policy: BucketPolicy;
  /** The store holding the buckets. */
  readonly store: S;
  /** Text put before every client id to form the store key. */
  readonly keyPrefix: string;
  readonly #clock: ClockReader;
  readonly #memory: MemoryStore | undefined;

  /**
   * @param options - rate, period, burst, clock, store
   * @throws TypeError when an option has the wrong type or an option key is unknown (reported first,
   *   with the option to use for express-rate-limit's and rate-limiter-flexible's names)
   * @throws RangeError when `rate`, `perSeconds` or `burst` is not a finite number > 0, or
   *   `maxKeys` is not an integer >= 1
   */
  constructor(options: RateLimiterOptions<S>) {
    optionsObject(OWNER, options, KNOWN_OPTIONS, RATE_LIMIT_OPTION_HINTS);
    this.rate = positiveNumber(OWNER, 'rate', options.rate);
    this.perSeconds = positiveNumber(OWNER, 'perSeconds', options.perSeconds);
    this.burst = positiveNumber(OWNER, 'burst', options.burst ?? this.rate);
    this.#clock = new ClockReader(clockOption(OWNER, options.clock ?? systemClock));
    this.policy = bucketPolicy(
      OWNER,
      'burst',
      this.burst,
      this.rate,
      this.perSeconds * MS_PER_SECOND,
    );
    this.keyPrefix = prefixOption(options.keyPrefix);
    this.store =
      options.store !== undefined
        ? storeOption(OWNER, options.store)
        : (new MemoryStore({
            maxKeys: options.maxKeys ?? DEFAULT_MAX_KEYS,
          }) as RateLimitStore as S);
    this.#memory = this.store instanceof MemoryStore ? this.store : undefined;
  }

  /**
   * Admits or refuses one request of `cost` tokens from `clientId`, taking the tokens when admitted.
   * With a `MemoryStore` and no `keyPrefix` it allocates nothing.
   *
   * @param clientId - the client's key (see `normalizeClientAddress` for IP addresses)
   * @param cost - tokens the request costs, from `burst × 2^-52` to `burst`
   * @returns whether the request is allowed (a Promise of it with an asynchronous store)
   * @throws TypeError when `clientId` is not a non-empty string
   * @throws RangeError when `cost` is not a finite number in `(0, burst]` or so small that it would
   *   take nothing (below `burst × 2^-52`), or when the clock reads NaN, ±Infinity, a negative time
   *   or one past 8.64e15; nothing changes then
   */
  allowRequest(clientId: string, cost = 1): StoreAnswer<S, boolean> {
    this.#checkArguments(clientId, cost);
    const nowMs = this.#clock.nowMs(OWNER);
    const key = this.#key(clientId);
    if (this.#memory !== undefined)
      return this.#memory.tryConsume(key, this.policy, cost, nowMs) as StoreAnswer<S, boolean>;
    const answer = this.store.consume(key, this.policy, cost, nowMs);
    if (this.store.synchronous)
      return (answer as RateLimitDecision).allowed as StoreAnswer<S, boolean>;
    return Promise.resolve(answer).then(isAllowed) as StoreAnswer<S, boolean>;
  }

  /**
   * Admits or refuses one request of `cost` tokens from `clientId` and describes the outcome.
   *
   * @param clientId - the client's key
   * @param cost - tokens the request costs, from `burst × 2^-52` to `burst`
   * @returns the decision `{ allowed, limit, remaining, resetAtMs, retryAfterMs }` (a Promise of it
   *   with an asynchronous store); `limit` is `burst`
   * @throws TypeError when `clientId` is not a non-empty string
   * @throws RangeError as {@link RateLimiter.allowRequest} does
   */
  check(clientId: string, cost = 1): StoreAnswer<S, RateLimitDecision> {
    this.#checkArguments(clientId, cost);
    const nowMs = this.#clock.nowMs(OWNER);
    const answer = this.store.consume(this.#key(clientId), this.policy, cost, nowMs);
    return (this.store.synchronous ? answer : Promise.resolve(answer)) as StoreAnswer<
      S,
      RateLimitDecision
    >;
  }

  /**
   * Whole tokens `clientId` has now, without taking any (`burst` rounded down for a new client).
   *
   * @param clientId - the client's key
   * @throws TypeError when `clientId` is not a non-empty string
   */
  getRemaining(clientId: string): StoreAnswer<S, number> {
    if (typeof clientId !== 'string' || clientId.length === 0)
      nonEmptyString(OWNER, 'clientId', clientId);
    const nowMs = this.#clock.nowMs(OWNER);
    const answer = this.store.remaining(this.#key(clientId), this.policy, nowMs);
    return (this.store.synchronous ? answer : Promise.resolve(answer)) as StoreAnswer<S, number>;
  }

  /**
   * Refills the bucket of `clientId`, or of every client of this limiter when called without one.
   *
   * @param clientId - the client's key; omit it to reset all clients (keys starting with `keyPrefix`)
   * @throws TypeError when `clientId` is given but is not a non-empty string
   */
  reset(clientId?: string): StoreAnswer<S, void> {
    if (clientId !== undefined) nonEmptyString(OWNER, 'clientId', clientId);
    const answer =
      clientId === undefined
        ? this.store.clear(this.keyPrefix)
        : this.store.reset(this.keyPrefix + clientId);
    return (this.store.synchronous ? answer : Promise.resolve(answer)) as StoreAnswer<S, void>;
  }

  /** The store key of `clientId`; without a prefix the id itself, so that nothing is concatenated per check. */
  #key(clientId: string): string {
    return this.keyPrefix === '' ? clientId : this.keyPrefix + clientId;
  }

  #checkArguments(clientId: string, cost: number): void {
    if (typeof clientId !== 'string' || clientId.length === 0)
      nonEmptyString(OWNER, 'clientId', clientId);
    if (!isCost(cost, this.burst)) failCost(OWNER, 'cost', cost, this.burst);
  }
}

function isAllowed(decision: RateLimitDecision): boolean {
  return decision.allowed;
}

function prefixOption(keyPrefix: unknown): string {
  if (keyPrefix === undefined) return '';
  if (typeof keyPrefix !== 'string')
    throw new TypeError(
      `${OWNER}: \`keyPrefix\` must be a string, got ${describeValue(keyPrefix)}.`,
    );
  return keyPrefix;
}
