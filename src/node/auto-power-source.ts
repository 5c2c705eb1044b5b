import { nonNegativeNumber } from '../core/validate.js';
import { constantPower, DEFAULT_ASSUMED_POWER_W, type PowerSource } from '../energy/index.js';
import { cpuPowerSource, type CpuPowerSourceOptions } from './cpu-power-source.js';
import { probeRapl, raplPowerSource, type RaplOptions, type RaplProbe } from './rapl-power-source.js';

/** Which source {@link autoPowerSource} chose. */
export type PowerSourceChoice = 'rapl' | 'cpu-model' | 'constant';

/** Options of {@link autoPowerSource}. */
export interface AutoPowerSourceOptions extends RaplOptions {
  /**
   * Options of the CPU model used when RAPL cannot be; `false` skips the model.
   * @defaultValue `{}` (the model's defaults)
   */
  readonly cpu?: CpuPowerSourceOptions | false;
  /**
   * Power assumed when neither RAPL nor the CPU model can be used, in watts.
   * @defaultValue {@link DEFAULT_ASSUMED_POWER_W} (85)
   */
  readonly constantW?: number;
}

/** A {@link PowerSource} that says which source it uses and why, as {@link autoPowerSource} returns it. */
export interface AutoPowerSource extends PowerSource {
  /** The source chosen. */
  readonly choice: PowerSourceChoice;
  /** Why, in a sentence fit for a log line or a status page (with the fix when RAPL needs root). */
  readonly reason: string;
  /** What the RAPL probe found. */
  readonly rapl: RaplProbe;
  /** The chosen source itself. */
  readonly source: PowerSource;
}

function chosen(choice: PowerSourceChoice, reason: string, rapl: RaplProbe, source: PowerSource): AutoPowerSource {
  return { name: source.name, choice, reason, rapl, source, readJoules: (nowMs) => source.readJoules(nowMs) };
}

/**
 * The best power source this machine offers: RAPL energy counters when they can be read; else the
 * CPU model on `process.cpuUsage()`; else a constant assumption. `choice` and `reason` say which and
 * why: on a virtual machine without `/sys/class/powercap` the reason says RAPL is absent; where RAPL
 * exists but only root may read it, the reason gives the command that fixes it.
 *
 * @param options - see {@link AutoPowerSourceOptions}
 * @returns the chosen source, with `choice`, `reason` and the RAPL probe
 * @throws TypeError or RangeError when an option is invalid
 *
 * @example
 * ```ts
 * import { autoPowerSource } from 'greenslo/node';
 * const powerSource = autoPowerSource();
 * console.log(`energy from ${powerSource.choice}: ${powerSource.reason}`);
 * const monitor = new EnergyMonitor({ powerSource });
 * ```
 */
export function autoPowerSource(options: AutoPowerSourceOptions = {}): AutoPowerSource {
  const constantW = nonNegativeNumber('autoPowerSource', 'constantW', options.constantW ?? DEFAULT_ASSUMED_POWER_W);
  const raplOptions: RaplOptions = { ...(options.root === undefined ? {} : { root: options.root }), ...(options.sysfs === undefined ? {} : { sysfs: options.sysfs }) };
  const rapl = probeRapl(raplOptions);
  if (rapl.available) return chosen('rapl', `measured: ${rapl.reason}`, rapl, raplPowerSource(raplOptions));
  if (options.cpu !== false && typeof process.cpuUsage === 'function') {
    const cpu = cpuPowerSource(options.cpu ?? {});
    const model = `modelled from process.cpuUsage(): ${cpu.wattsPerCore} W per busy core + ${cpu.idleW} W idle`;
    return chosen('cpu-model', `${rapl.reason}; ${model}`, rapl, cpu);
  }
  const why = options.cpu === false ? 'the CPU model is switched off' : 'process.cpuUsage() is not available';
  return chosen('constant', `${rapl.reason}; ${why}; assuming a constant ${constantW} W`, rapl, constantPower(constantW));
}
