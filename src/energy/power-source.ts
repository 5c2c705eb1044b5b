import { GreensloError } from '../core/errors.js';
import { nonEmptyString, nonNegativeNumber, optionalFunction } from '../core/validate.js';
import { knownOptions } from './options.js';

/**
 * Where energy figures come from: a cumulative energy counter in joules.
 *
 * `readJoules(nowMs)` returns the energy used since some fixed origin, at the time `nowMs` (epoch
 * milliseconds, from the caller's clock). Readings never decrease. A source may throw a
 * `GreensloError` when it cannot be read; {@link EnergyMonitor} reports that as a fault and carries on.
 *
 * Reading may cost microseconds (a file read, `process.cpuUsage()`): an `EnergyMonitor` reads its
 * source at most once per `sampleIntervalMs`, never once per request.
 *
 * @example
 * ```ts
 * import { constantPower } from 'greenslo';
 * const source = constantPower(40);
 * source.readJoules(0); // 0
 * source.readJoules(1000); // 40 (one second at 40 W)
 * ```
 */
export interface PowerSource {
  /** A short name for reports and labels, such as `'rapl'`, `'cpu-model'` or `'constant'`. */
  readonly name: string;
  /**
   * Cumulative energy in joules at `nowMs`.
   *
   * @param nowMs - the current time in epoch milliseconds, from the caller's clock
   * @returns joules since the source's origin; never less than an earlier reading
   */
  readJoules(nowMs: number): number;
  /** The latest instantaneous power the source knows, in watts, when it reports one (a GPU's draw, the CPU model's). */
  readonly powerW?: number | undefined;
  /** The sources this one adds up, when it is a sum (as `sumPowerSources` makes). */
  readonly sources?: readonly PowerSource[] | undefined;
}

/** One part of a power source, as `EnergyMetrics.powerSources` lists it. */
export interface PowerSourcePart {
  /** The part's name (`'rapl'`, `'cpu-model'`, `'nvidia-gpu'`...). */
  readonly name: string;
  /** Its latest power in watts, when it reports one. */
  readonly powerW: number | undefined;
}

/** The leaves of a power source: the sources of a sum, recursively, else the source itself. */
export function powerSourceParts(source: PowerSource): PowerSourcePart[] {
  const sources = source.sources;
  if (sources !== undefined && sources.length > 0)
    return sources.flatMap((part) => powerSourceParts(part));
  const powerW = source.powerW;
  return [
    {
      name: source.name,
      powerW: typeof powerW === 'number' && Number.isFinite(powerW) ? powerW : undefined,
    },
  ];
}

/** Options of {@link constantPower}. */
export interface ConstantPowerOptions {
  /**
   * Name reported by the source.
   * @defaultValue `'constant'`
   */
  readonly name?: string;
}

/** Options of {@link powerFromWatts}. */
export interface PowerFromWattsOptions {
  /**
   * Name reported by the source.
   * @defaultValue `'watts'`
   */
  readonly name?: string;
}

/**
 * A source that draws the same power all the time: energy is `watts x elapsed seconds` from its first
 * reading. Useful as an assumption when nothing can be measured, and in tests.
 *
 * @param watts - the constant power in watts, a finite number >= 0
 * @param options - see {@link ConstantPowerOptions}
 * @returns a {@link PowerSource} whose first reading is 0 J
 * @throws TypeError or RangeError when `watts` is not a finite number >= 0, TypeError for an unknown option
 *
 * @example
 * ```ts
 * const monitor = new EnergyMonitor({ powerSource: constantPower(65) });
 * ```
 */
export function constantPower(watts: number, options: ConstantPowerOptions = {}): PowerSource {
  const powerW = nonNegativeNumber('constantPower', 'watts', watts);
  const name = nonEmptyString(
    'constantPower',
    'name',
    knownOptions('constantPower', options, ['name']).name ?? 'constant',
  );
  let originMs = Number.NaN;
  let latestMs = Number.NaN;
  return {
    name,
    readJoules(nowMs: number): number {
      if (Number.isNaN(originMs)) originMs = latestMs = nowMs;
      // A clock that steps back must not make the counter decrease.
      if (nowMs > latestMs) latestMs = nowMs;
      return (powerW * (latestMs - originMs)) / 1000;
    },
  };
}

/**
 * A source built from an instantaneous power reading (a smart plug, a BMC, a GPU's reported draw):
 * it integrates the readings over time with the trapezoid rule. The first call starts the counter
 * at 0 J; each later call reads `readW` once and adds the energy since the call before.
 *
 * @param readW - returns the current power in watts (a finite number >= 0); receives the time in
 *   epoch milliseconds
 * @param options - see {@link PowerFromWattsOptions}
 * @returns a {@link PowerSource}; its `readJoules` throws a `GreensloError` with code
 *   `'invalid_power_reading'` when `readW` returns a negative or non-finite number
 * @throws TypeError when `readW` is not a function or an option is unknown
 *
 * @example
 * ```ts
 * const source = powerFromWatts(() => plug.currentWatts());
 * ```
 */
export function powerFromWatts(
  readW: (nowMs: number) => number,
  options: PowerFromWattsOptions = {},
): PowerSource {
  if (optionalFunction('powerFromWatts', 'readW', readW) === undefined) {
    throw new TypeError('powerFromWatts: `readW` must be a function, got undefined.');
  }
  const name = nonEmptyString(
    'powerFromWatts',
    'name',
    knownOptions('powerFromWatts', options, ['name']).name ?? 'watts',
  );
  let previousMs = Number.NaN;
  let previousW = 0;
  let joules = 0;
  return {
    name,
    readJoules(nowMs: number): number {
      if (!Number.isNaN(previousMs) && nowMs <= previousMs) return joules;
      const powerW = readW(nowMs);
      if (typeof powerW !== 'number' || !Number.isFinite(powerW) || powerW < 0) {
        throw new GreensloError(
          'invalid_power_reading',
          `powerFromWatts: \`readW\` returned ${String(powerW)}; a power reading must be a finite number of watts >= 0.`,
        );
      }
      if (!Number.isNaN(previousMs))
        joules += ((previousW + powerW) / 2) * ((nowMs - previousMs) / 1000);
      previousMs = nowMs;
      previousW = powerW;
      return joules;
    },
  };
}
