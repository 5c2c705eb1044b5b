/**
 * Reads a limiter's clock once per check, in whole milliseconds.
 *
 * Internal module: its names are not part of the public API unless an entry exports them.
 */
import { systemClock, type Clock } from '../core/clock.js';
import { clockReading, MAX_CLOCK_MS } from '../core/validate.js';

/**
 * A clock as the limiters read it: floored to whole milliseconds; a reading that is not a finite
 * number from 0 to 8.64e15 (the last instant a `Date` holds) refused.
 *
 * For `systemClock` it computes what `systemClock.nowMs()` computes, `performance.timeOrigin +
 * performance.now()`, but with `performance` and `timeOrigin` (fixed for the life of the process)
 * looked up once, when the reader is made: the global `performance` and its `timeOrigin` are getters
 * whose cost, on every check, is about a third of the check's.
 */
export class ClockReader {
  readonly #clock: Clock;
  /** `performance` when the clock is `systemClock`, else undefined. */
  readonly #performance: Performance | undefined;
  readonly #timeOriginMs: number;

  /** @param clock - the clock to read, already checked */
  constructor(clock: Clock) {
    this.#clock = clock;
    const direct =
      clock === systemClock && typeof performance === 'object' ? performance : undefined;
    this.#performance = direct;
    this.#timeOriginMs = direct === undefined ? 0 : direct.timeOrigin;
  }

  /**
   * The clock's time, floored to whole epoch milliseconds.
   *
   * @param owner - the class named in the error
   * @throws RangeError when the clock returns NaN, an infinite or negative number, or one past 8.64e15
   */
  nowMs(owner: string): number {
    const direct = this.#performance;
    const nowMs = Math.floor(
      direct === undefined ? this.#clock.nowMs() : this.#timeOriginMs + direct.now(),
    );
    if (!(nowMs >= 0 && nowMs <= MAX_CLOCK_MS)) clockReading(owner, nowMs);
    return nowMs;
  }
}
