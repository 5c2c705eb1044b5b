import { GreensloError } from '../core/errors.js';
import type { PowerSource } from '../energy/index.js';
import { powerSourceOption } from '../energy/options.js';

/** A {@link PowerSource} made of several, as {@link sumPowerSources} returns it. */
export interface SummedPowerSource extends PowerSource {
  /** The sources added, in the order given. */
  readonly sources: readonly PowerSource[];
  /** Closes every source that has a `close()` method (a GPU source's `nvidia-smi` child, for one). */
  close(): Promise<void>;
}

/**
 * Adds the cumulative energy of several power sources, such as the CPU's and the GPUs': each
 * `readJoules(nowMs)` reads every source once at `nowMs` and returns the exact sum. The name joins
 * the sources' names with `+` (`'rapl+nvidia-gpu'`).
 *
 * When one source cannot be read, the sum cannot be known: `readJoules` throws a `GreensloError`
 * (`'power_source_unreadable'`) naming that source, with its error as `cause`, and an
 * `EnergyMonitor` reports it as a fault and carries on.
 *
 * @param sources - at least one power source
 * @returns the summed source
 * @throws TypeError when no source is given or one is not a power source
 *
 * @example
 * ```ts
 * import { cpuPowerSource, nvidiaGpuPowerSource, sumPowerSources } from 'greenslo/node';
 * const powerSource = sumPowerSources(cpuPowerSource(), await nvidiaGpuPowerSource());
 * ```
 */
export function sumPowerSources(...sources: PowerSource[]): SummedPowerSource {
  if (sources.length === 0) throw new TypeError('sumPowerSources: give at least one power source.');
  const parts = sources.map((source) => powerSourceOption('sumPowerSources', source));
  return {
    name: parts.map((source) => source.name).join('+'),
    sources: parts,
    readJoules(nowMs: number): number {
      let totalJ = 0;
      for (const source of parts) totalJ += readOne(source, nowMs);
      return totalJ;
    },
    async close(): Promise<void> {
      await Promise.all(parts.map((source) => (source as Partial<Closable>).close?.call(source)));
    },
  };
}

interface Closable {
  close(): unknown;
}

function readOne(source: PowerSource, nowMs: number): number {
  let joules: unknown;
  try {
    joules = source.readJoules(nowMs);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new GreensloError(
      'power_source_unreadable',
      `sumPowerSources: power source "${source.name}" could not be read: ${reason}`,
      { cause: error },
    );
  }
  if (typeof joules === 'number' && Number.isFinite(joules)) return joules;
  throw new GreensloError(
    'invalid_power_reading',
    `sumPowerSources: power source "${source.name}" returned ${String(joules)} instead of a finite number of joules.`,
  );
}
