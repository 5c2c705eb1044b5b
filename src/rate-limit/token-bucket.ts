/**
 * A single token bucket, for throttling one resource (an outgoing API, a job queue).
 */
import { systemClock, type Clock } from '../core/clock.js';
import { clockOption, nonNegativeNumber, positiveNumber } from '../core/validate.js';
import { decideBucket, levelAt, msUntilLevel } from './bucket-math.js';
import { bucketPolicy, failCost } from './checks.js';
import { ClockReader } from './clock-reader.js';
import type { BucketPolicy, RateLimitDecision } from './types.js';

const OWNER = 'TokenBucket';
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
   * @throws TypeError when an option has the wrong type
   * @throws RangeError when `capacity` or `refillPerSecond` is not a finite number > 0, or
   *   `initialTokens` is not within `0..capacity`
   */
  constructor(options: TokenBucketOptions) {
    this.capacity = positiveNumber(OWNER, 'capacity', options.capacity);
    this.refillPerSecond = positiveNumber(OWNER, 'refillPerSecond', options.refillPerSecond);
    this.#clock = new ClockReader(clockOption(OWNER, options.clock ?? systemClock));
    this.policy = bucketPolicy(OWNER, 'capacity', this.capacity, this.refillPerSecond, MS_PER_SECOND);
    const initialTokens = nonNegativeNumber(OWNER, 'initialTokens', options.initialTokens ?? this.capacity);
    if (initialTokens > this.capacity) failCost(OWNER, 'initialTokens', initialTokens, this.capacity);
    this.#scaledTokens = initialTokens * MS_PER_SECOND;
    this.#updatedAtMs = this.#clock.nowMs(OWNER);
  }

  /**
   * Takes `tokens` tokens if the bucket holds that many.
   *
   * @param tokens - tokens to take, `0 < tokens <= capacity`
   * @returns `true` when taken, `false` (and nothing taken) otherwise
   * @throws RangeError when `tokens` is not a finite number in `(0, capacity]`
   */
  tryConsume(tokens = 1): boolean {
    if (typeof tokens !== 'number' || !(tokens > 0 && tokens <= this.capacity)) failCost(OWNER, 'tokens', tokens, this.capacity);
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
   * @param tokens - tokens to take, `0 < tokens <= capacity`
   * @returns the decision: `limit` is `capacity`, `remaining` whole tokens left, `resetAtMs` when the
   *   bucket is full again, `retryAfterMs` until `tokens` tokens are available (0 when allowed)
   * @throws RangeError when `tokens` is not a finite number in `(0, capacity]`
   */
  consume(tokens = 1): RateLimitDecision {
    if (typeof tokens !== 'number' || !(tokens > 0 && tokens <= this.capacity)) failCost(OWNER, 'tokens', tokens, this.capacity);
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
    if (typeof tokens !== 'number' || !(tokens > 0 && tokens <= this.capacity)) failCost(OWNER, 'tokens', tokens, this.capacity);
    const nowMs = this.#clock.nowMs(OWNER);
    const atMs = nowMs > this.#updatedAtMs ? nowMs : this.#updatedAtMs;
    const waitMs = msUntilLevel(this.#levelNow(nowMs), tokens * MS_PER_SECOND, this.refillPerSecond);
    return waitMs === 0 ? 0 : atMs + waitMs - nowMs;
  }

  #levelNow(nowMs: number): number {
    const atMs = nowMs > this.#updatedAtMs ? nowMs : this.#updatedAtMs;
    return levelAt(this.#scaledTokens, this.#updatedAtMs, atMs, this.policy);
  }
}
