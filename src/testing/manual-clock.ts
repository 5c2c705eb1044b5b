import type { Clock } from '../core/clock.js';
import { finiteNumber, nonNegativeNumber } from '../core/validate.js';

/**
 * A clock that moves only when told to, for tests: no real sleeps, no elapsed-time tolerances.
 *
 * @example
 * ```ts
 * import { ManualClock } from 'greenslo/testing';
 * import { TokenBucket } from 'greenslo';
 *
 * const clock = new ManualClock();
 * const bucket = new TokenBucket({ capacity: 1, refillPerSecond: 1, clock });
 * bucket.tryConsume(); // true
 * bucket.tryConsume(); // false
 * clock.advanceMs(1000);
 * bucket.tryConsume(); // true
 * ```
 */
export class ManualClock implements Clock {
  #nowMs: number;

  /**
   * @param startMs - the time the clock shows first, in epoch milliseconds
   * @throws RangeError when `startMs` is not a finite number
   */
  constructor(startMs = 0) {
    this.#nowMs = finiteNumber('ManualClock', 'startMs', startMs);
  }

  /** The time the clock shows, in epoch milliseconds. */
  nowMs(): number {
    return this.#nowMs;
  }

  /**
   * Moves the clock forward.
   *
   * @param ms - milliseconds to add; must be finite and >= 0
   * @returns the new time in epoch milliseconds
   * @throws RangeError when `ms` is negative or not finite
   */
  advanceMs(ms: number): number {
    this.#nowMs += nonNegativeNumber('ManualClock', 'ms', ms);
    return this.#nowMs;
  }

  /**
   * Sets the clock to any time, also an earlier one, to test code against a clock that steps back.
   *
   * @param ms - the new time in epoch milliseconds
   * @throws RangeError when `ms` is not finite
   */
  setMs(ms: number): void {
    this.#nowMs = finiteNumber('ManualClock', 'ms', ms);
  }
}
