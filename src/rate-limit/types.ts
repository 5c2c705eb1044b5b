/**
 * Result and parameter types shared by every rate limiter and store.
 */

/**
 * The outcome of one rate-limit check. Expected outcomes are results, not exceptions: a limited
 * request is `allowed: false`, never a thrown error.
 *
 * All numbers are exact and deterministic (see `decideBucket` for the arithmetic):
 * a memory store and a Redis store given the same inputs return the same decision.
 */
export interface RateLimitDecision {
  /** Whether the request may proceed; its `cost` was taken from the bucket only when `true`. */
  readonly allowed: boolean;
  /**
   * The bucket's capacity in tokens (`burst`), the most requests of cost 1 admitted at once.
   * `Infinity` for an unlimited endpoint (see `UNLIMITED_DECISION`).
   */
  readonly limit: number;
  /** Whole tokens left after this check (the bucket's tokens, rounded down), `0..limit`. */
  readonly remaining: number;
  /** Epoch milliseconds at which the bucket is full again (equal to the check's time when it is full). */
  readonly resetAtMs: number;
  /** `0` when allowed; otherwise milliseconds (a whole number) until `cost` tokens are available. */
  readonly retryAfterMs: number;
}

/**
 * The parameters of one token bucket, passed by the limiter to its store on every call, so that
 * stores keep no policy of their own. The refill rate is the exact fraction
 * `refillTokens / refillIntervalMs` tokens per millisecond: keeping it as a fraction (rather than
 * one rounded "tokens per ms" number) is what makes the arithmetic exact.
 *
 * A `RateLimiter({ rate, perSeconds, burst })` uses `{ capacity: burst, refillTokens: rate,
 * refillIntervalMs: perSeconds * 1000 }`.
 */
export interface BucketPolicy {
  /** Most tokens the bucket holds (the burst); a missing bucket counts as full. */
  readonly capacity: number;
  /** Tokens added to the bucket during each `refillIntervalMs`, continuously. */
  readonly refillTokens: number;
  /** The period, in milliseconds, over which `refillTokens` tokens are added. */
  readonly refillIntervalMs: number;
}

/** A value, or a Promise of it: what a store method may return. */
export type MaybePromise<T> = T | Promise<T>;
