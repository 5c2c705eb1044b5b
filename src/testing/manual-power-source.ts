import type { Clock } from '../core/clock.js';
import {
  clockOption,
  finiteNumber,
  nonEmptyString,
  nonNegativeNumber,
  optionsObject,
} from '../core/validate.js';
import type { PowerSource } from '../energy/power-source.js';

/** Options of {@link ManualPowerSource}. */
export interface ManualPowerSourceOptions {
  /** The clock that says when a change of power happens (usually the test's `ManualClock`). */
  readonly clock: Clock;
  /**
   * Power drawn from the start, in watts.
   * @defaultValue `0`
   */
  readonly watts?: number;
  /**
   * Reading at the start, in joules.
   * @defaultValue `0`
   */
  readonly joules?: number;
  /**
   * Name reported by the source.
   * @defaultValue `'manual'`
   */
  readonly name?: string;
}

/**
 * A power source that tests drive by hand: set the power in watts (energy then grows with the
 * clock), add or set joules directly, or even make the reading go back to test fault handling.
 *
 * @example
 * ```ts
 * import { ManualClock, ManualPowerSource } from 'greenslo/testing';
 * import { EnergyMonitor } from 'greenslo';
 *
 * const clock = new ManualClock();
 * const source = new ManualPowerSource({ clock, watts: 100 });
 * const monitor = new EnergyMonitor({ powerSource: source, clock });
 * monitor.startTracking();
 * clock.advanceMs(36_000);
 * monitor.metrics().totalEnergyWh; // 1
 * ```
 */
export class ManualPowerSource implements PowerSource {
  /** Name reported by the source. */
  readonly name: string;
  /** How many times `readJoules` was called. */
  reads = 0;
  readonly #clock: Clock;
  #watts: number;
  /** Joules at `#sinceMs`; energy grows from there at `#watts`. */
  #baseJ: number;
  #sinceMs: number;

  /**
   * @param options - see {@link ManualPowerSourceOptions}
   * @throws TypeError when `clock` has no `nowMs()` method, an option has the wrong type or a key is unknown
   * @throws RangeError when `watts` is negative or a number is not finite
   */
  constructor(options: ManualPowerSourceOptions) {
    optionsObject('ManualPowerSource', options, ['clock', 'watts', 'joules', 'name']);
    this.#clock = clockOption('ManualPowerSource', options.clock);
    this.#watts = nonNegativeNumber('ManualPowerSource', 'watts', options.watts ?? 0);
    this.#baseJ = finiteNumber('ManualPowerSource', 'joules', options.joules ?? 0);
    this.name = nonEmptyString('ManualPowerSource', 'name', options.name ?? 'manual');
    this.#sinceMs = this.#clock.nowMs();
  }

  /** The power drawn now, in watts. */
  get watts(): number {
    return this.#watts;
  }

  /**
   * Cumulative joules at `nowMs`: the base reading plus `watts` over the time since the last change
   * (never less than the base, also for a time before the change).
   */
  readJoules(nowMs: number): number {
    this.reads++;
    return this.#baseJ + (this.#watts * Math.max(0, nowMs - this.#sinceMs)) / 1000;
  }

  /**
   * Changes the power from the clock's current time on.
   *
   * @param watts - the new power, a finite number >= 0
   * @throws RangeError when `watts` is negative or not finite
   */
  setWatts(watts: number): void {
    const next = nonNegativeNumber('ManualPowerSource', 'watts', watts);
    this.#rebase();
    this.#watts = next;
  }

  /**
   * Adds energy at once, as if a burst happened in an instant.
   *
   * @param joules - energy to add, a finite number >= 0
   * @throws RangeError when `joules` is negative or not finite
   */
  addJoules(joules: number): void {
    const added = nonNegativeNumber('ManualPowerSource', 'joules', joules);
    this.#rebase();
    this.#baseJ += added;
  }

  /**
   * Sets the reading at the clock's current time, also lower than before, to test how consumers
   * handle a counter that goes back.
   *
   * @param joules - the new reading, a finite number
   * @throws RangeError when `joules` is not finite
   */
  setJoules(joules: number): void {
    const next = finiteNumber('ManualPowerSource', 'joules', joules);
    this.#rebase();
    this.#baseJ = next;
  }

  #rebase(): void {
    const nowMs = this.#clock.nowMs();
    this.#baseJ += (this.#watts * Math.max(0, nowMs - this.#sinceMs)) / 1000;
    this.#sinceMs = Math.max(this.#sinceMs, nowMs);
  }
}
