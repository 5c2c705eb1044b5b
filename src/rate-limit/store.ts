/**
 * The storage contract behind `RateLimiter` and `EndpointRateLimiter`.
 */
import type { BucketPolicy, MaybePromise, RateLimitDecision } from './types.js';

/**
 * Where token buckets live: `MemoryStore` in one process, a Redis store across processes.
 *
 * A store keeps one bucket per key and no policy: the limiter passes the bucket's parameters
 * (`policy`), the request's `cost` and the time (`nowMs`) on every call, and the store applies the
 * arithmetic of `decideBucket` (see `bucket-math.ts`) to them. Two stores given the same stored
 * state and the same arguments must return identical decisions.
 *
 * ## Rules every implementation follows
 * - **Atomic.** `consume` reads, decides and writes one bucket as one step: no other call on the
 *   same key may interleave (Redis: one Lua script per call, keys passed in `KEYS`).
 * - **Missing means full.** A key with no state is a full bucket. A bucket whose `resetAtMs` has
 *   passed decides exactly as a missing one, so a store may drop it at any time (Redis: set
 *   `PEXPIREAT key resetAtMs` on every write). Dropping a bucket that is not yet full loses
 *   information; a bounded store that must do so counts it.
 * - **Write only what is admitted.** A denied check changes nothing in the stored state.
 * - **Time.** `nowMs` is a whole number of epoch milliseconds from the limiter's clock. A store with
 *   an authoritative clock of its own (Redis `TIME`: `seconds × 1000 + floor(microseconds / 1000)`)
 *   may use that in place of `nowMs`, consistently for every call; decisions then carry times on
 *   that clock.
 * - **Arguments are valid.** The limiter has already checked `policy.capacity × 2^-52 <= cost <=
 *   policy.capacity` (`isCost`: a smaller cost could take nothing from a full bucket) and that `key`
 *   is a non-empty string; stores need not check again (`MemoryStore` checks the cost anyway, since
 *   it may be called directly).
 * - **Synchronous or not.** `synchronous: true` promises that every method returns its answer
 *   directly, never a Promise (the limiter then returns plain values too and never awaits). With
 *   `synchronous: false` methods may return a Promise or a value; the limiter always hands its caller
 *   a Promise.
 *
 * ## Notes for a Redis implementation
 * - Store per key a hash `{ s: scaledTokens, u: updatedAtMs }` and expire it at `resetAtMs`; return
 *   the five decision numbers from the script as integers or strings (Redis truncates Lua numbers
 *   returned as replies to integers).
 * - Lua turns numbers passed to `redis.call` into text with 14 significant digits: write state with
 *   `string.format('%.17g', x)` so it survives the round trip exactly.
 * - Scaled tokens depend on `refillIntervalMs`: include the policy (or the rule's name) in the key so
 *   a changed policy starts from fresh buckets.
 * - Failures (timeouts, connection loss) are infrastructure failures: reject with a
 *   `GreensloError` whose `code` says what failed; never answer "allowed" silently.
 */
export interface RateLimitStore {
  /** `true` when every method returns its answer directly, never a Promise. */
  readonly synchronous: boolean;

  /**
   * Takes `cost` tokens from the bucket at `key` if it holds that many, atomically, and returns the
   * decision computed as `decideBucket` does.
   *
   * @param key - the bucket's key, a non-empty string (a client id, perhaps with a prefix)
   * @param policy - the bucket's parameters
   * @param cost - tokens to take, `0 < cost <= policy.capacity`
   * @param nowMs - the time of the check, whole epoch milliseconds
   */
  consume(
    key: string,
    policy: BucketPolicy,
    cost: number,
    nowMs: number,
  ): MaybePromise<RateLimitDecision>;

  /**
   * Whole tokens the bucket at `key` holds at `nowMs`, without taking any
   * (`wholeTokens(levelAt(...), policy.refillIntervalMs)`; a missing bucket holds `policy.capacity`
   * rounded down).
   *
   * @param key - the bucket's key
   * @param policy - the bucket's parameters
   * @param nowMs - the time, whole epoch milliseconds
   */
  remaining(key: string, policy: BucketPolicy, nowMs: number): MaybePromise<number>;

  /**
   * Gives `cost` tokens back to the bucket at `key` (a refunded request), capped at the capacity,
   * atomically; a missing bucket is full already and stays missing. Optional: a limiter asked to
   * refund on a store without it throws a TypeError.
   *
   * @param key - the bucket's key
   * @param policy - the bucket's parameters
   * @param cost - tokens to give back, as the admitted `consume` took them
   */
  refund?(key: string, policy: BucketPolicy, cost: number): MaybePromise<void>;

  /**
   * Forgets the bucket at `key`, which is full again afterwards.
   *
   * @param key - the bucket's key
   */
  reset(key: string): MaybePromise<void>;

  /**
   * Forgets every bucket whose key starts with `keyPrefix` (every bucket for `''`).
   *
   * @param keyPrefix - the prefix the keys to forget start with; `''` for all
   */
  clear(keyPrefix: string): MaybePromise<void>;
}

/** A store that answers synchronously: every method returns its value, never a Promise. */
export interface SyncRateLimitStore extends RateLimitStore {
  /** Always `true`. */
  readonly synchronous: true;
  /** {@inheritDoc RateLimitStore.consume} */
  consume(key: string, policy: BucketPolicy, cost: number, nowMs: number): RateLimitDecision;
  /** {@inheritDoc RateLimitStore.remaining} */
  remaining(key: string, policy: BucketPolicy, nowMs: number): number;
  /** {@inheritDoc RateLimitStore.refund} */
  refund?(key: string, policy: BucketPolicy, cost: number): void;
  /** {@inheritDoc RateLimitStore.reset} */
  reset(key: string): void;
  /** {@inheritDoc RateLimitStore.clear} */
  clear(keyPrefix: string): void;
}

/**
 * What a limiter method returns for a store of type `S`: the plain value `T` for a synchronous
 * store (such as `MemoryStore`), a `Promise<T>` otherwise.
 */
export type StoreAnswer<S extends RateLimitStore, T> = S extends {
  /** A store that promises plain answers. */
  readonly synchronous: true;
}
  ? T
  : Promise<T>;
