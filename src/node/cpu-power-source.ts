import { nonNegativeNumber, optionalFunction } from '../core/validate.js';
import type { PowerSource } from '../energy/index.js';
import { knownOptions } from '../energy/options.js';

/**
 * Default power of one fully busy CPU core (hardware thread) in the CPU model, in watts: the figure
 * CodeCarbon assumes per thread for a CPU it does not know.
 *
 * @defaultValue `4`
 */
export const DEFAULT_WATTS_PER_CORE = 4;

/**
 * Default power the CPU model charges while the process is idle, in watts: 0 keeps the machine's idle
 * power out of the process's figures, as Kepler and Scaphandre do.
 *
 * @defaultValue `0`
 */
export const DEFAULT_IDLE_W = 0;

/**
 * Default minimum time between two calls of `process.cpuUsage()` by the CPU model, in ms.
 *
 * @defaultValue `1000`
 */
export const DEFAULT_CPU_SAMPLE_INTERVAL_MS = 1000;

/** CPU time used by the process, in microseconds, as `process.cpuUsage()` returns it. */
export interface CpuUsage {
  /** Microseconds of user CPU time. */
  readonly user: number;
  /** Microseconds of system CPU time. */
  readonly system: number;
}

/** Options of {@link cpuPowerSource}. */
export interface CpuPowerSourceOptions {
  /**
   * Power of one fully busy core, in watts.
   * @defaultValue {@link DEFAULT_WATTS_PER_CORE} (4)
   */
  readonly wattsPerCore?: number;
  /**
   * Power charged at all times, in watts.
   * @defaultValue {@link DEFAULT_IDLE_W} (0)
   */
  readonly idleW?: number;
  /**
   * Minimum time between two reads of the CPU time, in ms.
   * @defaultValue {@link DEFAULT_CPU_SAMPLE_INTERVAL_MS} (1000)
   */
  readonly sampleIntervalMs?: number;
  /**
   * Reads the process's CPU time (tests pass their own).
   * @defaultValue `process.cpuUsage`
   */
  readonly cpuUsage?: () => CpuUsage;
}

/** A {@link PowerSource} modelled on the process's CPU time, as {@link cpuPowerSource} returns it. */
export interface CpuPowerSource extends PowerSource {
  /** Power of one fully busy core, in watts. */
  readonly wattsPerCore: number;
  /** Power charged at all times, in watts. */
  readonly idleW: number;
  /** Minimum time between two reads of the CPU time, in ms. */
  readonly sampleIntervalMs: number;
  /** The modelled power over the latest sampled interval, in watts (`idleW` before the first). */
  readonly powerW: number;
}

/**
 * A power source modelled on the process's own CPU time: `idleW + wattsPerCore x busy cores`, where
 * busy cores = CPU time used / wall time over each sampled interval (2.0 for two cores kept busy).
 * It works everywhere Node.js runs, including virtual machines without RAPL, but it is a model, not a
 * measurement: it ignores memory, disks, the GPU and other processes.
 *
 * `process.cpuUsage()` (a few microseconds) is called at most once per `sampleIntervalMs`; between two
 * calls the reading grows at `idleW` (the least the model can say), and the next call adds the rest
 * of the interval's energy. Readings never decrease. Readings start at 0 J.
 *
 * @param options - see {@link CpuPowerSourceOptions}
 * @returns the source, named `'cpu-model'`
 * @throws TypeError or RangeError when `wattsPerCore`, `idleW` or `sampleIntervalMs` is not a finite
 *   number >= 0, or `cpuUsage` is not a function
 *
 * @example
 * ```ts
 * import { cpuPowerSource } from 'greenslo/node';
 * const monitor = new EnergyMonitor({ powerSource: cpuPowerSource({ wattsPerCore: 8, idleW: 2 }) });
 * ```
 */
export function cpuPowerSource(options: CpuPowerSourceOptions = {}): CpuPowerSource {
  const owner = 'cpuPowerSource';
  knownOptions(owner, options, ['wattsPerCore', 'idleW', 'sampleIntervalMs', 'cpuUsage']);
  const wattsPerCore = nonNegativeNumber(
    owner,
    'wattsPerCore',
    options.wattsPerCore ?? DEFAULT_WATTS_PER_CORE,
  );
  const idleW = nonNegativeNumber(owner, 'idleW', options.idleW ?? DEFAULT_IDLE_W);
  const sampleIntervalMs = nonNegativeNumber(
    owner,
    'sampleIntervalMs',
    options.sampleIntervalMs ?? DEFAULT_CPU_SAMPLE_INTERVAL_MS,
  );
  const cpuUsage =
    optionalFunction(owner, 'cpuUsage', options.cpuUsage) ?? (() => process.cpuUsage());
  return new CpuModel(wattsPerCore, idleW, sampleIntervalMs, cpuUsage);
}

class CpuModel implements CpuPowerSource {
  readonly name = 'cpu-model';
  powerW: number;
  #lastMs = Number.NaN;
  #lastCpuUs = 0;
  #joules = 0;
  readonly #cpuUsage: () => CpuUsage;

  constructor(
    readonly wattsPerCore: number,
    readonly idleW: number,
    readonly sampleIntervalMs: number,
    cpuUsage: () => CpuUsage,
  ) {
    this.powerW = idleW;
    this.#cpuUsage = cpuUsage;
  }

  readJoules(nowMs: number): number {
    if (Number.isNaN(this.#lastMs)) {
      this.#lastMs = nowMs;
      this.#lastCpuUs = this.#readCpuUs();
      return 0;
    }
    const elapsedMs = nowMs - this.#lastMs;
    if (!(elapsedMs > 0)) return this.#joules;
    if (elapsedMs < this.sampleIntervalMs) return this.#joules + (this.idleW * elapsedMs) / 1000;
    const cpuUs = this.#readCpuUs();
    const busyCores = Math.max(0, cpuUs - this.#lastCpuUs) / 1000 / elapsedMs;
    this.powerW = this.idleW + this.wattsPerCore * busyCores;
    this.#joules += (this.powerW * elapsedMs) / 1000;
    this.#lastMs = nowMs;
    this.#lastCpuUs = cpuUs;
    return this.#joules;
  }

  #readCpuUs(): number {
    const usage = this.#cpuUsage();
    return usage.user + usage.system;
  }
}
