import { nonNegativeNumber } from '../core/validate.js';
import { constantPower, DEFAULT_ASSUMED_POWER_W, type PowerSource } from '../energy/index.js';
import { cpuPowerSource, type CpuPowerSourceOptions } from './cpu-power-source.js';
import { knownOptions } from '../energy/options.js';
import {
  probeNvidiaGpus,
  startGpuSource,
  type GpuProbe,
  type NvidiaGpuOptions,
} from './nvidia-gpu-power-source.js';
import {
  probeRapl,
  raplPowerSource,
  type RaplOptions,
  type RaplProbe,
} from './rapl-power-source.js';
import { sumPowerSources } from './sum-power-sources.js';

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
  /**
   * Options of the NVIDIA GPU source; `false` does not look for GPUs.
   * @defaultValue `{}` (every GPU `nvidia-smi` lists)
   */
  readonly gpu?: NvidiaGpuOptions | false;
}

/** A {@link PowerSource} that says which source it uses and why, as {@link autoPowerSource} returns it. */
export interface AutoPowerSource extends PowerSource {
  /** The CPU source chosen (GPUs, when found, are added to it). */
  readonly choice: PowerSourceChoice;
  /** Why, in a sentence fit for a log line or a status page (with the fix when RAPL needs root). */
  readonly reason: string;
  /** What the RAPL probe found. */
  readonly rapl: RaplProbe;
  /** What the GPU probe found. */
  readonly gpu: GpuProbe;
  /** The chosen source itself (the sum of the CPU and GPU sources when GPUs were found). */
  readonly source: PowerSource;
  /** The CPU source and, when GPUs were found, the GPU source. */
  readonly sources: readonly PowerSource[];
  /** Stops the GPU source's `nvidia-smi`, if one runs. */
  close(): Promise<void>;
}

interface Choice {
  readonly choice: PowerSourceChoice;
  readonly reason: string;
  readonly source: PowerSource;
}

const OPTION_KEYS = ['root', 'sysfs', 'cpu', 'constantW', 'gpu'] as const;

/**
 * The best power source this machine offers: RAPL energy counters when they can be read; else the
 * CPU model on `process.cpuUsage()`; else a constant assumption; plus the NVIDIA GPUs that
 * `nvidia-smi` lists, when there are any (their energy is added, see {@link nvidiaGpuPowerSource}).
 * `choice` and `reason` say which and why: on a virtual machine without `/sys/class/powercap` the
 * reason says RAPL is absent; where RAPL exists but only root may read it, the reason gives the
 * command that fixes it; the GPU part says how many GPUs are measured and how, or why none is.
 *
 * Asking `nvidia-smi` blocks until it answers (at most `gpu.probeTimeoutMs`): call it at start-up.
 *
 * @param options - see {@link AutoPowerSourceOptions}
 * @returns the chosen source, with `choice`, `reason`, the RAPL and GPU probes and `close()`
 * @throws TypeError or RangeError when an option is invalid
 *
 * @example
 * ```ts
 * import { autoPowerSource } from 'greenslo/node';
 * const powerSource = autoPowerSource();
 * console.log(`energy from ${powerSource.name}: ${powerSource.reason}`);
 * const monitor = new EnergyMonitor({ powerSource });
 * ```
 */
export function autoPowerSource(options: AutoPowerSourceOptions = {}): AutoPowerSource {
  knownOptions('autoPowerSource', options, OPTION_KEYS);
  const raplOptions: RaplOptions = {
    ...(options.root === undefined ? {} : { root: options.root }),
    ...(options.sysfs === undefined ? {} : { sysfs: options.sysfs }),
  };
  const rapl = probeRapl(raplOptions);
  const cpu = cpuChoice(options, rapl, raplOptions);
  const gpuOptions = options.gpu;
  const gpu: GpuProbe =
    gpuOptions === false
      ? { available: false, reason: 'GPUs not probed (gpu: false)' }
      : probeNvidiaGpus(gpuOptions);
  if (!gpu.available) {
    const reason = gpuOptions === false ? cpu.reason : `${cpu.reason}; ${gpu.reason}`;
    return {
      ...cpu,
      name: cpu.source.name,
      reason,
      rapl,
      gpu,
      sources: [cpu.source],
      readJoules: (nowMs) => cpu.source.readJoules(nowMs),
      close: () => Promise.resolve(),
    };
  }
  const source = sumPowerSources(
    cpu.source,
    startGpuSource(gpu, gpuOptions === false ? undefined : gpuOptions),
  );
  return {
    choice: cpu.choice,
    name: source.name,
    reason: `${cpu.reason}; plus ${gpu.reason}`,
    rapl,
    gpu,
    source,
    sources: source.sources,
    readJoules: (nowMs) => source.readJoules(nowMs),
    close: () => source.close(),
  };
}

function cpuChoice(
  options: AutoPowerSourceOptions,
  rapl: RaplProbe,
  raplOptions: RaplOptions,
): Choice {
  const constantW = nonNegativeNumber(
    'autoPowerSource',
    'constantW',
    options.constantW ?? DEFAULT_ASSUMED_POWER_W,
  );
  if (rapl.available)
    return {
      choice: 'rapl',
      reason: `measured: ${rapl.reason}`,
      source: raplPowerSource(raplOptions),
    };
  if (options.cpu !== false && typeof process.cpuUsage === 'function') {
    const cpu = cpuPowerSource(options.cpu ?? {});
    const model = `modelled from process.cpuUsage(): ${cpu.wattsPerCore} W per busy core + ${cpu.idleW} W idle`;
    return { choice: 'cpu-model', reason: `${rapl.reason}; ${model}`, source: cpu };
  }
  const why =
    options.cpu === false ? 'the CPU model is switched off' : 'process.cpuUsage() is not available';
  return {
    choice: 'constant',
    reason: `${rapl.reason}; ${why}; assuming a constant ${constantW} W`,
    source: constantPower(constantW),
  };
}
