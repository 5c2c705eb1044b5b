/**
 * What `RedisStore` answers while Redis cannot: deny, allow, or ask an in-memory limiter or store.
 */
import { describeValue } from '../core/validate.js';
import { decideBucket, wholeTokens } from '../rate-limit/bucket-math.js';
import type { SyncRateLimitStore } from '../rate-limit/store.js';
import type { BucketPolicy, RateLimitDecision } from '../rate-limit/types.js';

/**
 * An in-memory `RateLimiter` (one with a synchronous store, such as the default `MemoryStore`),
 * seen through the members `RedisStore` uses when it stands in for Redis.
 */
export interface InsuranceRateLimiter {
  /** The limiter's bucket parameters. */
  readonly policy: BucketPolicy;
  /** Text the limiter puts before client ids. */
  readonly keyPrefix: string;
  /** The limiter's store, which must answer synchronously. */
  readonly store: SyncRateLimitStore;
  /**
   * Admits or refuses one request.
   *
   * @param clientId - the client's key
   * @param cost - tokens the request costs
   */
  check(clientId: string, cost?: number): RateLimitDecision;
  /**
   * Whole tokens the client has now.
   *
   * @param clientId - the client's key
   */
  getRemaining(clientId: string): number;
  /**
   * Refills one client's bucket.
   *
   * @param clientId - the client's key
   */
  reset(clientId?: string): void;
}

/**
 * How `RedisStore` decides while Redis is down, slower than `timeoutMs`, or answers garbage:
 * - `'deny'`: every check is refused, as by an empty bucket (`remaining: 0`, `retryAfterMs` the
 *   time an empty bucket needs to afford the request);
 * - `'allow'`: every check is admitted, as by a full bucket;
 * - an in-memory `RateLimiter`: it decides with its own policy and clock, keyed by the store key
 *   (usually a per-process share of the shared limit), until Redis answers again;
 * - a synchronous store (such as a `MemoryStore`): it decides with the policy of each call, so one
 *   store can stand in for several limiters or endpoint rules.
 *
 * Decisions made this way carry times on the limiter's clock (an insurance limiter's on its own),
 * not on the Redis server's.
 */
export type RedisStoreErrorPolicy = 'deny' | 'allow' | InsuranceRateLimiter | SyncRateLimitStore;

/**
 * The failure policy used when none is given.
 *
 * @defaultValue `'deny'`
 */
export const DEFAULT_STORE_ERROR_POLICY: RedisStoreErrorPolicy = 'deny';

/**
 * The answers of one failure policy.
 *
 * @internal
 */
export interface Fallback {
  consume(key: string, policy: BucketPolicy, cost: number, nowMs: number): RateLimitDecision;
  remaining(key: string, policy: BucketPolicy, nowMs: number): number;
  reset(key: string): void;
  clear(keyPrefix: string): void;
}

const nothing = (): void => undefined;

const DENY: Fallback = {
  consume: (_key, policy, cost, nowMs) => emptyBucketDecision(policy, cost, nowMs),
  remaining: () => 0,
  reset: nothing,
  clear: nothing,
};

const ALLOW: Fallback = {
  consume: (_key, policy, cost, nowMs) => decideBucket(undefined, policy, cost, nowMs).decision,
  remaining: (_key, policy) =>
    wholeTokens(policy.capacity * policy.refillIntervalMs, policy.refillIntervalMs),
  reset: nothing,
  clear: nothing,
};

/**
 * A refusal as an empty bucket gives it (also for a cost beyond the bucket's capacity).
 *
 * @internal
 */
export function emptyBucketDecision(
  policy: BucketPolicy,
  cost: number,
  nowMs: number,
): RateLimitDecision {
  return decideBucket({ scaledTokens: 0, updatedAtMs: nowMs }, policy, cost, nowMs).decision;
}

function limiterFallback(limiter: InsuranceRateLimiter): Fallback {
  return {
    consume: (key, _policy, cost, nowMs) =>
      cost <= limiter.policy.capacity
        ? limiter.check(key, cost)
        : emptyBucketDecision(limiter.policy, cost, nowMs),
    remaining: (key) => limiter.getRemaining(key),
    reset: (key) => limiter.reset(key),
    clear: (keyPrefix) => limiter.store.clear(limiter.keyPrefix + keyPrefix),
  };
}

function storeFallback(store: SyncRateLimitStore): Fallback {
  return {
    consume: (key, policy, cost, nowMs) => store.consume(key, policy, cost, nowMs),
    remaining: (key, policy, nowMs) => store.remaining(key, policy, nowMs),
    reset: (key) => store.reset(key),
    clear: (keyPrefix) => store.clear(keyPrefix),
  };
}

/**
 * Checks the `onStoreError` option and returns its answers.
 *
 * @internal
 * @throws TypeError when `value` is not `'deny'`, `'allow'`, an in-memory limiter or a synchronous store
 * @throws RangeError when `value` is another string
 */
export function storeErrorPolicy(owner: string, value: unknown): Fallback {
  if (value === 'deny') return DENY;
  if (value === 'allow') return ALLOW;
  const candidate = value as Partial<Record<string, unknown>> | null;
  if (typeof candidate === 'object' && candidate !== null) {
    const store = candidate.store as Partial<SyncRateLimitStore> | undefined;
    if (typeof candidate.check === 'function' && store?.synchronous === true)
      return limiterFallback(value as InsuranceRateLimiter);
    if (typeof candidate.consume === 'function' && candidate.synchronous === true)
      return storeFallback(value as SyncRateLimitStore);
  }
  const rule = "'deny', 'allow', an in-memory RateLimiter or a synchronous RateLimitStore";
  const Kind = typeof value === 'string' ? RangeError : TypeError;
  throw new Kind(`${owner}: \`onStoreError\` must be ${rule}, got ${describeValue(value)}.`);
}
