/**
 * Parsing of `nvidia-smi --format=csv,noheader,nounits` lines and the running energy of one GPU.
 *
 * Internal module: its names are not part of the public API unless an entry exports them.
 */

/** How a GPU's energy is measured: the driver's energy counter, the integrated power draw, or not at all. */
export type GpuEnergyMethod = 'energy-counter' | 'power-draw' | 'none';

/** One GPU as the probe found it. */
export interface GpuInfo {
  /** The GPU's index, as `nvidia-smi -i` takes it. */
  readonly index: number;
  /** The product name (`'NVIDIA H100 80GB HBM3'`). */
  readonly name: string;
  /** How its energy is measured: the counter when the driver offers it, else `power.draw`. */
  readonly method: GpuEnergyMethod;
}

/** One line of the loop's output: `timestamp, index, total_energy_consumption, power.draw`. */
export interface GpuLine {
  /** The line's timestamp, in ms (only differences between lines are used). */
  readonly atMs: number;
  readonly index: number;
  /** The driver's energy counter in millijoules, when the field is supported. */
  readonly energyMj: number | undefined;
  /** The power draw in watts, when the field is supported. */
  readonly powerW: number | undefined;
}

/** The fields the loop asks for, in this order. */
export const LOOP_FIELDS = 'timestamp,index,total_energy_consumption,power.draw';
/** The fields the probe asks for, in this order. */
export const PROBE_FIELDS = 'index,name,total_energy_consumption,power.draw';

/** A number field, or undefined for `[N/A]`, `[Not Supported]` or anything else that is not a number >= 0. */
export function numberField(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.startsWith('[')) return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

const TIMESTAMP = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/;

/** `2026/12/07 13:04:41.123` as milliseconds (read as UTC: only differences are used). */
export function timestampMs(text: string): number | undefined {
  const match = TIMESTAMP.exec(text.trim());
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second, fraction = '0'] = match;
  const ms = Number(fraction.padEnd(3, '0'));
  return Date.UTC(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour),
    Number(minute),
    Number(second),
    ms,
  );
}

/** Parses one loop line; undefined for a line that is not one (a header, a message, a blank). */
export function parseLoopLine(line: string, arrivedAtMs: number): GpuLine | undefined {
  const fields = line.split(',');
  if (fields.length !== 4) return undefined;
  const index = numberField(fields[1]);
  if (index === undefined || !Number.isInteger(index)) return undefined;
  return {
    atMs: timestampMs(fields[0]!) ?? arrivedAtMs,
    index,
    energyMj: numberField(fields[2]),
    powerW: numberField(fields[3]),
  };
}

/** Parses the probe's output: one `index, name, total_energy_consumption, power.draw` line per GPU. */
export function parseProbe(output: string): GpuInfo[] {
  const gpus: GpuInfo[] = [];
  for (const line of output.split('\n')) {
    const fields = line.split(',');
    if (fields.length < 4) continue;
    const index = numberField(fields[0]);
    if (index === undefined || !Number.isInteger(index)) continue;
    const powerW = numberField(fields[fields.length - 1]);
    const energyMj = numberField(fields[fields.length - 2]);
    const name = fields.slice(1, -2).join(',').trim();
    const method: GpuEnergyMethod =
      energyMj !== undefined ? 'energy-counter' : powerW !== undefined ? 'power-draw' : 'none';
    gpus.push({ index, name, method });
  }
  return gpus;
}

/**
 * The energy one GPU used since its first line, in joules. Between two lines it takes the difference
 * of the driver's energy counter when both lines have it (also across a restart of `nvidia-smi`,
 * since the counter runs in the driver); otherwise the trapezoid of the two power draws over the time
 * between them (not across a restart: that gap is unknown). A counter that went back (driver
 * reloaded) starts over from the new value.
 */
export class GpuEnergy {
  joules = 0;
  /** The latest power draw, in watts (0 before the first one). */
  powerW = 0;
  #lastAtMs = Number.NaN;
  #lastEnergyMj: number | undefined;
  #lastPowerW: number | undefined;
  #lastRun = 0;

  /** Adds a line printed by the `nvidia-smi` child started after `run` restarts. */
  add(line: GpuLine, run: number): void {
    const resumed = run !== this.#lastRun;
    this.#lastRun = run;
    const elapsedMs = line.atMs - this.#lastAtMs;
    if (
      line.energyMj !== undefined &&
      this.#lastEnergyMj !== undefined &&
      line.energyMj >= this.#lastEnergyMj
    ) {
      this.joules += (line.energyMj - this.#lastEnergyMj) / 1000;
    } else if (!resumed && elapsedMs > 0) {
      this.joules += trapezoidJ(this.#lastPowerW, line.powerW, elapsedMs);
    }
    if (line.energyMj !== undefined) this.#lastEnergyMj = line.energyMj;
    else if (line.powerW !== undefined) this.#lastEnergyMj = undefined;
    this.#lastPowerW = line.powerW;
    if (line.powerW !== undefined) this.powerW = line.powerW;
    if (!(line.atMs < this.#lastAtMs)) this.#lastAtMs = line.atMs;
  }
}

/** Energy between two power readings `elapsedMs` apart; one missing reading counts as the other. */
function trapezoidJ(fromW: number | undefined, toW: number | undefined, elapsedMs: number): number {
  if (fromW === undefined && toW === undefined) return 0;
  return (((fromW ?? toW!) + (toW ?? fromW!)) / 2) * (elapsedMs / 1000);
}
