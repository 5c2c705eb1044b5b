import { execFile, execFileSync } from 'node:child_process';
import { GreensloError } from '../core/errors.js';
import {
  integerAtLeast,
  nonEmptyString,
  optionalFunction,
  positiveNumber,
} from '../core/validate.js';
import type { PowerSource } from '../energy/index.js';
import { knownOptions } from '../energy/options.js';
import {
  GpuEnergy,
  LOOP_FIELDS,
  parseLoopLine,
  parseProbe,
  PROBE_FIELDS,
  type GpuEnergyMethod,
  type GpuInfo,
} from './nvidia-smi-lines.js';
import { SmiLoop } from './nvidia-smi-process.js';
import { errorCode } from './sysfs.js';

export type { GpuEnergyMethod, GpuInfo } from './nvidia-smi-lines.js';

/**
 * Default time between two lines of `nvidia-smi` per GPU (its `-lms` loop), in ms.
 *
 * @defaultValue `1000`
 */
export const DEFAULT_GPU_INTERVAL_MS = 1000;

/** Options of {@link nvidiaGpuPowerSource}. */
export interface NvidiaGpuOptions {
  /** Indices of the GPUs to count (as `nvidia-smi -i` takes them). @defaultValue every GPU */
  readonly gpus?: readonly number[];
  /** Time between two readings of each GPU, in ms (`nvidia-smi -lms`), an integer >= 1. @defaultValue {@link DEFAULT_GPU_INTERVAL_MS} (1000) */
  readonly intervalMs?: number;
  /** The program to run. @defaultValue `'nvidia-smi'`, looked up on `PATH` */
  readonly command?: string;
  /** Told when `nvidia-smi` dies (it is then restarted). @defaultValue one `console.warn` per source */
  readonly onError?: (error: GreensloError) => void;
  /** Wait before the first restart, in ms; it doubles at each failure in a row. @defaultValue `1000` */
  readonly restartDelayMs?: number;
  /** Longest wait between two restarts, in ms. @defaultValue `60_000` */
  readonly maxRestartDelayMs?: number;
  /** How long the first `nvidia-smi` query (the probe) may take, in ms. @defaultValue `10_000` */
  readonly probeTimeoutMs?: number;
}

const OPTION_KEYS = [
  'gpus',
  'intervalMs',
  'command',
  'onError',
  'restartDelayMs',
  'maxRestartDelayMs',
  'probeTimeoutMs',
] as const;

/** A {@link PowerSource} on NVIDIA GPUs, as {@link nvidiaGpuPowerSource} returns it. */
export interface NvidiaGpuPowerSource extends PowerSource {
  /** The GPUs counted, as the probe found them. */
  readonly gpus: readonly GpuInfo[];
  /** What is measured and how, in a sentence fit for a log line or a status page. */
  readonly reason: string;
  /** The sum of the latest power draws reported, in watts (0 before the first line). */
  readonly powerW: number;
  /** Lines of `nvidia-smi` output counted so far. */
  readonly linesRead: number;
  /** Times `nvidia-smi` was restarted after it died. */
  readonly restarts: number;
  /** The process id of the running `nvidia-smi`, if one runs. */
  readonly pid: number | undefined;
  /** Stops `nvidia-smi` (and any pending restart); resolves once the child has exited. */
  close(): Promise<void>;
}

/** What {@link probeNvidiaGpus} found. */
export type GpuProbe =
  | {
      /** GPUs were found. */
      readonly available: true;
      /** The GPUs found. */
      readonly gpus: readonly GpuInfo[];
      /** How they were found. */
      readonly reason: string;
    }
  | {
      /** No GPU can be read. */
      readonly available: false;
      /** Why not. */
      readonly reason: string;
    };

interface Settings {
  readonly command: string;
  readonly indices: readonly number[] | undefined;
  readonly intervalMs: number;
  readonly onError: ((error: GreensloError) => void) | undefined;
  readonly restartDelayMs: number;
  readonly maxRestartDelayMs: number;
  readonly probeTimeoutMs: number;
}

function settings(owner: string, options: NvidiaGpuOptions | undefined): Settings {
  const given = knownOptions(owner, options, OPTION_KEYS);
  const indices = given.gpus;
  if (indices !== undefined && (!Array.isArray(indices) || indices.length === 0))
    throw new TypeError(`${owner}: \`gpus\` must be a non-empty array of GPU indices.`);
  indices?.forEach((index, i) => integerAtLeast(owner, `gpus[${i}]`, index, 0));
  return {
    command: nonEmptyString(owner, 'command', given.command ?? 'nvidia-smi'),
    indices,
    intervalMs: integerAtLeast(owner, 'intervalMs', given.intervalMs ?? DEFAULT_GPU_INTERVAL_MS, 1),
    onError: optionalFunction(owner, 'onError', given.onError),
    restartDelayMs: positiveNumber(owner, 'restartDelayMs', given.restartDelayMs ?? 1000),
    maxRestartDelayMs: positiveNumber(
      owner,
      'maxRestartDelayMs',
      given.maxRestartDelayMs ?? 60_000,
    ),
    probeTimeoutMs: positiveNumber(owner, 'probeTimeoutMs', given.probeTimeoutMs ?? 10_000),
  };
}

function selection(indices: readonly number[] | undefined): string[] {
  return indices === undefined ? [] : ['-i', indices.join(',')];
}

function probeArgs(config: Settings): string[] {
  return [
    `--query-gpu=${PROBE_FIELDS}`,
    '--format=csv,noheader,nounits',
    ...selection(config.indices),
  ];
}

/** The probe's verdict from `nvidia-smi`'s output or the error of running it. */
function verdict(config: Settings, output: string | undefined, error: unknown): GpuProbe {
  if (error !== undefined) {
    const text = errorText(error);
    if (errorCode(error) === 'ENOENT')
      return { available: false, reason: `no NVIDIA GPU: ${config.command} was not found on PATH` };
    return { available: false, reason: `no NVIDIA GPU: ${config.command} failed (${text})` };
  }
  const gpus = parseProbe(output ?? '');
  if (gpus.length === 0)
    return {
      available: false,
      reason: `no NVIDIA GPU: ${config.command} listed none (${(output ?? '').trim() || 'empty output'})`,
    };
  const measured = gpus.filter((gpu) => gpu.method !== 'none');
  if (measured.length === 0)
    return {
      available: false,
      reason: `NVIDIA GPU${gpus.length > 1 ? 's' : ''} found, but none reports total_energy_consumption or power.draw`,
    };
  return { available: true, gpus, reason: describe(gpus) };
}

function describe(gpus: readonly GpuInfo[]): string {
  const by = (method: GpuEnergyMethod) =>
    gpus.filter((gpu) => gpu.method === method).map((gpu) => gpu.index);
  const parts = [
    [by('energy-counter'), "the driver's energy counter"],
    [by('power-draw'), 'integrated power.draw'],
    [by('none'), 'no power figure (counted as 0)'],
  ] as const;
  const said = parts
    .filter(([indices]) => indices.length > 0)
    .map(([indices, how]) => `GPU ${indices.join(', ')} by ${how}`);
  return `${gpus.length} NVIDIA GPU${gpus.length > 1 ? 's' : ''} via nvidia-smi: ${said.join('; ')}`;
}

function errorText(error: unknown): string {
  const stderr = (error as { stderr?: unknown }).stderr;
  const stdout = (error as { stdout?: unknown }).stdout;
  const output = [stderr, stdout]
    .map((text) =>
      typeof text === 'string'
        ? text.trim()
        : Buffer.isBuffer(text)
          ? text.toString('utf8').trim()
          : '',
    )
    .find((text) => text !== '');
  return output ?? (error instanceof Error ? error.message : String(error));
}

/**
 * Asks `nvidia-smi` once, synchronously, which GPUs there are and which power figures they report.
 * Blocks for as long as `nvidia-smi` takes (at most `probeTimeoutMs`): call it at start-up.
 *
 * @param options - see {@link NvidiaGpuOptions}
 * @returns whether GPUs can be measured, which, and why
 * @throws TypeError or RangeError when an option is invalid
 */
export function probeNvidiaGpus(options?: NvidiaGpuOptions): GpuProbe {
  const config = settings('probeNvidiaGpus', options);
  try {
    const output = execFileSync(config.command, probeArgs(config), {
      encoding: 'utf8',
      timeout: config.probeTimeoutMs,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return verdict(config, output, undefined);
  } catch (error) {
    return verdict(config, undefined, error);
  }
}

/**
 * A power source on NVIDIA GPUs through one long-lived `nvidia-smi` process in loop mode
 * (`--query-gpu=timestamp,index,total_energy_consumption,power.draw --format=csv,noheader,nounits
 * -lms N`), never a process per sample. Each GPU's energy comes from the driver's energy counter
 * (`total_energy_consumption`, Volta and newer) where it reports one, else from `power.draw`
 * integrated over the timestamps of its lines; `[N/A]` and `[Not Supported]` fields are skipped.
 * `readJoules` returns the sum over the GPUs up to the latest line read (at most `intervalMs` old)
 * and never waits.
 *
 * When `nvidia-smi` dies, `onError` is told and it is restarted after `restartDelayMs`, doubling up to
 * `maxRestartDelayMs` while it keeps failing; the energy counter covers the gap, `power.draw` cannot.
 * The child does not keep the process alive; `close()` stops it.
 *
 * Limits: `power.draw` is an average the driver refreshes; on A100/H100 the sensor samples about 25 %
 * of the time, so short bursts may be over- or under-counted. Prefer GPUs with the energy counter.
 *
 * @param options - see {@link NvidiaGpuOptions}
 * @returns the source, once `nvidia-smi` has listed the GPUs
 * @throws GreensloError (`'gpu_unavailable'`, the promise rejects) when `nvidia-smi` is missing,
 *   fails, lists no GPU, or no GPU reports a power figure; TypeError or RangeError for a bad option
 *
 * @example
 * ```ts
 * import { cpuPowerSource, nvidiaGpuPowerSource, sumPowerSources } from 'greenslo/node';
 * const gpus = await nvidiaGpuPowerSource({ intervalMs: 100 });
 * const monitor = new EnergyMonitor({ powerSource: sumPowerSources(cpuPowerSource(), gpus) });
 * process.on('SIGTERM', () => void gpus.close());
 * ```
 */
export async function nvidiaGpuPowerSource(
  options?: NvidiaGpuOptions,
): Promise<NvidiaGpuPowerSource> {
  const config = settings('nvidiaGpuPowerSource', options);
  const probe = await new Promise<GpuProbe>((resolve) => {
    execFile(
      config.command,
      probeArgs(config),
      { encoding: 'utf8', timeout: config.probeTimeoutMs },
      (error, stdout, stderr) => {
        resolve(
          verdict(
            config,
            stdout,
            error === null ? undefined : Object.assign(error, { stdout, stderr }),
          ),
        );
      },
    );
  });
  return startGpuSource(probe, options);
}

/**
 * Starts the loop for GPUs already probed ({@link probeNvidiaGpus}), synchronously.
 *
 * @throws GreensloError (`'gpu_unavailable'`) when the probe found no GPU to measure
 */
export function startGpuSource(probe: GpuProbe, options?: NvidiaGpuOptions): NvidiaGpuPowerSource {
  if (!probe.available)
    throw new GreensloError('gpu_unavailable', `nvidiaGpuPowerSource: ${probe.reason}.`);
  return new GpuSource(probe.gpus, probe.reason, settings('nvidiaGpuPowerSource', options));
}

class GpuSource implements NvidiaGpuPowerSource {
  readonly name = 'nvidia-gpu';
  readonly gpus: readonly GpuInfo[];
  readonly reason: string;
  linesRead = 0;
  readonly #energy = new Map<number, GpuEnergy>();
  readonly #loop: SmiLoop;

  constructor(gpus: readonly GpuInfo[], reason: string, config: Settings) {
    this.gpus = gpus;
    this.reason = reason;
    for (const gpu of gpus) this.#energy.set(gpu.index, new GpuEnergy());
    let warned = false;
    const onError =
      config.onError ??
      ((error: GreensloError) =>
        warned ? undefined : ((warned = true), console.warn(error.message)));
    this.#loop = new SmiLoop({
      command: config.command,
      args: [
        `--query-gpu=${LOOP_FIELDS}`,
        '--format=csv,noheader,nounits',
        ...selection(config.indices),
        '-lms',
        String(config.intervalMs),
      ],
      restartDelayMs: config.restartDelayMs,
      maxRestartDelayMs: config.maxRestartDelayMs,
      onLine: (line, run) => this.#line(line, run),
      onError,
    });
  }

  get powerW(): number {
    let sum = 0;
    for (const gpu of this.#energy.values()) sum += gpu.powerW;
    return sum;
  }

  get restarts(): number {
    return this.#loop.restarts;
  }

  get pid(): number | undefined {
    return this.#loop.pid;
  }

  readJoules(): number {
    let joules = 0;
    for (const gpu of this.#energy.values()) joules += gpu.joules;
    return joules;
  }

  close(): Promise<void> {
    return this.#loop.close();
  }

  #line(text: string, run: number): void {
    const line = parseLoopLine(text, Date.now());
    const gpu = line === undefined ? undefined : this.#energy.get(line.index);
    if (gpu === undefined) return;
    gpu.add(line!, run);
    this.linesRead++;
  }
}
