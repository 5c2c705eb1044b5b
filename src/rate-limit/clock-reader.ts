/**
 * Reads a limiter's clock once per check, in whole milliseconds.
 *
 * Internal module: its names are not part of the public API unless an entry exports them.
 */
import { readSystemClock, systemClock, type Clock } from '../core/clock.js';
import { clockReading, MAX_CLOCK_MS } from '../core/validate.js';

/**
 * A clock as the limiters read it: floored to whole milliseconds; a reading that is not a finite
 * number from 0 to 8.64e15 (the last instant a `Date` holds) refused. `systemClock` is read without
 * looking up its `nowMs`, any other clock with one call (a closure around it would be a second
 * call on every check: about 1.2x the check's time on a counting clock in `npm run bench -- rate`).
 */
export class ClockReader {
  /** The clock, or `undefined` for `systemClock`. */
  readonly #clock: Clock | undefined;

  constructor(clock: Clock) {
    this.#clock = clock === systemClock ? undefined : clock;
  }

  /**
   * The clock's reading, floored to whole milliseconds.
   *
   * @param owner - the class named in the error
   * @throws RangeError (TypeError for a non-number) when the reading is not a finite number from 0 to 8.64e15
   */
  nowMs(owner: string): number {
    const clock = this.#clock;
    const nowMs = Math.floor(clock === undefined ? readSystemClock() : clock.nowMs());
    if (!(nowMs >= 0 && nowMs <= MAX_CLOCK_MS)) clockReading(owner, nowMs);
    return nowMs;
  }
}
