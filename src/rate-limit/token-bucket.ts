/**
 * A single token bucket, for throttling one resource (an outgoing API, a job queue).
 */
import { systemClock, type Clock } from '../core/clock.js';
import {
  clockOption,
  nonNegativeNumber,
  optionsObject,
  positiveNumber,
  RATE_LIMIT_OPTION_HINTS,
  type OptionHints,
} from '../core/validate.js';
import { decideBucket, levelAt, msUntilLevel } from './bucket-math.js';
import { bucketPolicy, failCost, isCost } from './checks.js';
import { ClockReader } from './clock-reader.js';
import type { BucketPolicy, RateLimitDecision } from './types.js';

const OWNER = 'TokenBucket';
const KNOWN_OPTIONS = ['capacity', 'refillPerSecond', 'clock', 'initialTokens'] as const;
/** limiter's and other buckets' names for these options. */
const TOKEN_BUCKET_HINTS: OptionHints = Object.freeze({
  bucketSize: 'use `capacity`',
  size: 'use `capacity`',
  tokensPerInterval: 'use `refillPerSecond`, tokens per second',
  refillRate: 'use `refillPerSecond`, tokens per second',
  interval: 'use `refillPerSecond`, tokens per second',
});
const MS_PER_SECOND = 1000;

/** Options of {@link TokenBucket}. */
export interface TokenBucketOptions {
  /** Most tokens the bucket holds; a finite number > 0. */
  readonly capacity: number;
  /** Tokens added per second, continuously; a finite number > 0. */
  readonly refillPerSecond: number;
  /** Source of time; defaults to `systemClock`. */
  readonly clock?: Clock;
  /** Tokens at construction, `0..capacity`; defaults to `capacity` (a full bucket). */
  readonly initialTokens?: number;
}

/**
 * One token bucket: holds up to `capacity` tokens, gains `refillPerSecond` tokens per second, and
 * admits a request of `tokens` tokens when it holds that many. Synchronous and timer-free; it uses
 * the same exact arithmetic as `RateLimiter` (see `decideBucket`), with time in whole milliseconds.
 *
 * @example
 * ```ts
 * const bucket = new TokenBucket({ capacity: 10, refillPerSecond: 2 });
 * if (!bucket.tryConsume()) console.log(`wait ${bucket.msUntilAvailable(1)} ms`);
 * ```
 */
export class TokenBucket {
  /** Most tokens the bucket holds. */
  readonly capacity: number;
  /** Tokens added per second. */
  readonly refillPerSecond: number;
  /** The bucket's parameters in the form stores use (`refillIntervalMs` is 1000). */
  readonly policy: BucketPolicy;
  readonly #clock: ClockReader;
  #scaledTokens: number;
  #updatedAtMs: number;

  /**
   * @param options - capacity, refill rate, clock and initial tokens
   * @throws TypeError when an option has the wrong type or an option key is unknown (reported first)
   * @throws RangeError when `capacity` or `refillPerSecond` is not a finite number > 0, or
   *   `initialTokens` is not within `0..capacity`
   */
  constructor(options: TokenBucketOptions) {
    optionsObject(OWNER, options, KNOWN_OPTIONS, {
      ...RATE_LIMIT_OPTION_HINTS,
      ...TOKEN_BUCKET_HINTS,
    });
    this.capacity = positiveNumber(OWNER, 'capacity', options.capacity);
    this.refillPerSecond = positiveNumber(OWNER, 'refillPerSecond', options.refillPerSecond);
    this.#clock = new ClockReader(clockOption(OWNER, options.clock ?? systemClock));
    this.policy = bucketPolicy(
      OWNER,
      'capacity',
      this.capacity,
      this.refillPerSecond,
      MS_PER_SECOND,
    );
    const initialTokens = nonNegativeNumber(
      OWNER,
      'initialTokens',
      options.initialTokens ?? this.capacity,
    );
    if (initialTokens > this.capacity)
      failCost(OWNER, 'initialTokens', initialTokens, this.capacity);
    this.#scaledTokens = initialTokens * MS_PER_SECOND;
    this.#updatedAtMs = this.#clock.nowMs(OWNER);
  }

  /**
   * Takes `tokens` tokens if the bucket holds that many.
   *
   * @param tokens - tokens to take, from `capacity × 2^-52` to `capacity`
   * @returns `true` when taken, `false` (and nothing taken) otherwise
   * @throws RangeError when `tokens` is not a finite number in `(0, capacity]`, or is so small that
   *   it would take nothing (below `capacity × 2^-52`); or when the clock reads NaN, ±Infinity, a
   *   negative time or one past 8.64e15 (nothing changes then)
   */
  tryConsume(tokens = 1): boolean {
    if (!isCost(tokens, this.capacity)) failCost(OWNER, 'tokens', tokens, this.capacity);
    const nowMs = this.#clock.nowMs(OWNER);
    const atMs = nowMs > this.#updatedAtMs ? nowMs : this.#updatedAtMs;
    const level = levelAt(this.#scaledTokens, this.#updatedAtMs, atMs, this.policy);
    const needed = tokens * MS_PER_SECOND;
    if (level < needed) return false;
    this.#scaledTokens = level - needed;
    this.#updatedAtMs = atMs;
    return true;
  }

  /**
   * Takes `tokens` tokens if the bucket holds that many and describes the outcome.
   *
   * @param tokens - tokens to take, from `capacity × 2^-52` to `capacity`
   * @returns the decision: `limit` is `capacity`, `remaining` whole tokens left, `resetAtMs` when the
   *   bucket is full again, `retryAfterMs` until `tokens` tokens are available (0 when allowed)
   * @throws RangeError as {@link TokenBucket.tryConsume} does
   */
  consume(tokens = 1): RateLimitDecision {
    if (!isCost(tokens, this.capacity)) failCost(OWNER, 'tokens', tokens, this.capacity);
    const nowMs = this.#clock.nowMs(OWNER);
    const state = { scaledTokens: this.#scaledTokens, updatedAtMs: this.#updatedAtMs };
    const { decision, next } = decideBucket(state, this.policy, tokens, nowMs);
    if (next !== undefined) {
      this.#scaledTokens = next.scaledTokens;
      this.#updatedAtMs = next.updatedAtMs;
    }
    return decision;
  }

  /** Tokens in the bucket now, possibly fractional, `0..capacity`. */
  get availableTokens(): number {
    return this.#levelNow(this.#clock.nowMs(OWNER)) / MS_PER_SECOND;
  }

  /**
   * Milliseconds (a whole number) until the bucket holds `tokens` tokens; 0 when it already does.
   *
   * @param tokens - tokens wanted, `0 < tokens <= capacity`
   * @throws RangeError when `tokens` is not a finite number in `(0, capacity]`
   */
  msUntilAvailable(tokens = 1): number {
    if (!isCost(tokens, this.capacity)) failCost(OWNER, 'tokens', tokens, this.capacity);
    const nowMs = this.#clock.nowMs(OWNER);
    const atMs = nowMs > this.#updatedAtMs ? nowMs : this.#updatedAtMs;
    const waitMs = msUntilLevel(
      this.#levelNow(nowMs),
      tokens * MS_PER_SECOND,
      this.refillPerSecond,
    );
    return waitMs === 0 ? 0 : atMs + waitMs - nowMs;
  }

  #levelNow(nowMs: number): number {
    const atMs = nowMs > this.#updatedAtMs ? nowMs : this.#updatedAtMs;
    return levelAt(this.#scaledTokens, this.#updatedAtMs, atMs, this.policy);
  }
}
