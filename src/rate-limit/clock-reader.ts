/**
 * Reads a limiter's clock once per check, in whole milliseconds.
 *
 * Internal module: its names are not part of the public API unless an entry exports them.
 */
import { clockReader, type Clock } from '../core/clock.js';
import { clockReading, MAX_CLOCK_MS } from '../core/validate.js';

/**
 * A clock as the limiters read it: floored to whole milliseconds; a reading that is not a finite
 * number from 0 to 8.64e15 (the last instant a `Date` holds) refused.
 */
export class ClockReader {
  readonly #read: () => number;

  constructor(clock: Clock) {
    this.#read = clockReader(clock);
  }

  /**
   * The clock's reading, floored to whole milliseconds.
   *
   * @param owner - the class named in the error
   * @throws RangeError (TypeError for a non-number) when the reading is not a finite number from 0 to 8.64e15
   */
  nowMs(owner: string): number {
    const nowMs = Math.floor(this.#read());
    if (!(nowMs >= 0 && nowMs <= MAX_CLOCK_MS)) clockReading(owner, nowMs);
    return nowMs;
  }
}
