import { join } from 'node:path';
import { GreensloError } from '../core/errors.js';
import { nonEmptyString } from '../core/validate.js';
import type { PowerSource } from '../energy/index.js';
import { chooseRaplZones, type RaplUnavailableCode, type RaplZone } from './rapl-zones.js';
import { errorCode, nodeSysfsReader, type SysfsReader } from './sysfs.js';
import { knownOptions } from '../energy/options.js';

/**
 * Where Linux exposes powercap zones.
 *
 * @defaultValue `'/sys/class/powercap'`
 */
export const DEFAULT_POWERCAP_ROOT = '/sys/class/powercap';

/** Options of {@link raplPowerSource} and {@link probeRapl}. */
export interface RaplOptions {
  /**
   * The powercap folder (tests point it at a fake tree).
   * @defaultValue {@link DEFAULT_POWERCAP_ROOT}
   */
  readonly root?: string;
  /**
   * How files are read.
   * @defaultValue {@link nodeSysfsReader}
   */
  readonly sysfs?: SysfsReader;
}

/** A {@link probeRapl} outcome where RAPL can be used. */
export interface RaplAvailable {
  /** RAPL can be used. */
  readonly available: true;
  /** The zones that would be summed. */
  readonly selected: readonly RaplZone[];
  /** Every RAPL zone found. */
  readonly zones: readonly RaplZone[];
  /** Human-readable list of the zones summed. */
  readonly layout: string;
  /** One sentence naming the zones summed. */
  readonly reason: string;
}

/** A {@link probeRapl} outcome where RAPL cannot be used. */
export interface RaplUnavailable {
  /** RAPL cannot be used. */
  readonly available: false;
  /** Why, as a machine-readable code. */
  readonly code: RaplUnavailableCode;
  /** Every RAPL zone found (possibly none). */
  readonly zones: readonly RaplZone[];
  /** Why, in one sentence, with the fix when there is one. */
  readonly reason: string;
}

/** The outcome of {@link probeRapl}: the zones to sum, or why RAPL cannot be used, with the fix. */
export type RaplProbe = RaplAvailable | RaplUnavailable;

/** The keys of {@link RaplOptions}. */
export const RAPL_OPTIONS = ['root', 'sysfs'] as const;

/** A {@link PowerSource} on RAPL energy counters, as {@link raplPowerSource} returns it. */
export interface RaplPowerSource extends PowerSource {
  /** The zones summed. */
  readonly zones: readonly RaplZone[];
  /** Human-readable list of the zones summed. */
  readonly layout: string;
  /** Counter wrap-arounds whose energy was dropped because `max_energy_range_uj` could not be read. */
  readonly droppedSamples: number;
}

function readMicrojoules(reader: SysfsReader, zone: RaplZone, file: string): number {
  const text = reader.readFile(join(zone.path, file)).trim();
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value))
    throw new GreensloError(
      'power_source_unreadable',
      `RAPL: ${zone.id}/${file} holds ${JSON.stringify(text)}, not a count of microjoules.`,
    );
  return value;
}

function permissionReason(root: string, layout: string, zone: RaplZone): string {
  return (
    `RAPL is present (${layout}) but ${join(zone.path, 'energy_uj')} is readable only by root since the fix for CVE-2020-8694 ` +
    `(Linux 5.10 and backports). Run the process as root, or let it read the counters: ` +
    `sudo chmod o+r ${root}/intel-rapl:*/energy_uj (again after each boot, for example from a systemd-tmpfiles or udev rule)`
  );
}

/**
 * Looks for usable RAPL energy counters and tells which zones would be summed, or why none can be
 * used: no powercap folder (virtual machines, most containers), no RAPL zones, or counters readable
 * only by root (with the command that fixes it). Reads a few small files synchronously; call it at
 * start-up, not per request.
 *
 * @param options - see {@link RaplOptions}
 * @returns the probe's outcome
 * @throws TypeError when `root` is not a non-empty string or an option is unknown
 */
export function probeRapl(options: RaplOptions = {}): RaplProbe {
  knownOptions('probeRapl', options, RAPL_OPTIONS);
  const root = nonEmptyString('probeRapl', 'root', options.root ?? DEFAULT_POWERCAP_ROOT);
  const reader = options.sysfs ?? nodeSysfsReader;
  const choice = chooseRaplZones(root, reader);
  if (!choice.ok)
    return { available: false, code: choice.code, zones: choice.zones, reason: choice.reason };
  for (const zone of choice.selected) {
    try {
      readMicrojoules(reader, zone, 'energy_uj');
    } catch (error) {
      const code = errorCode(error);
      if (code === 'EACCES' || code === 'EPERM')
        return {
          available: false,
          code: 'permission_denied',
          zones: choice.zones,
          reason: permissionReason(root, choice.layout, zone),
        };
      return {
        available: false,
        code: 'unreadable',
        zones: choice.zones,
        reason: `RAPL is present (${choice.layout}) but ${zone.id}/energy_uj cannot be read: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }
  return {
    available: true,
    selected: choice.selected,
    zones: choice.zones,
    layout: choice.layout,
    reason: `RAPL energy counters: ${choice.layout}`,
  };
}

/**
 * A power source on the Linux powercap RAPL energy counters of Intel and AMD CPUs: the sum of the
 * package zones and DRAM zones (or the psys zone alone when there is no package zone), never core or
 * uncore. Counter wrap-around is handled with `max_energy_range_uj`; when that cannot be read the
 * interval is dropped (counted in `droppedSamples`), never negative. Zones that repeat another one
 * (MMIO duplicates by name; per-die mirrors whose counters read the same value at every reading) are
 * counted once. Readings start at 0 J.
 *
 * Each `readJoules` reads one small sysfs file per zone synchronously (microseconds): use it through
 * an `EnergyMonitor`, which reads its source at most once per `sampleIntervalMs`.
 *
 * @param options - see {@link RaplOptions}
 * @returns the source; `readJoules` throws a `GreensloError` (`'power_source_unreadable'`) when a
 *   counter cannot be read
 * @throws GreensloError with code `'rapl_unavailable'` and the reason (see {@link probeRapl}) when
 *   RAPL cannot be used here
 *
 * @example
 * ```ts
 * import { raplPowerSource } from 'greenslo/node';
 * const monitor = new EnergyMonitor({ powerSource: raplPowerSource() });
 * ```
 */
export function raplPowerSource(options: RaplOptions = {}): RaplPowerSource {
  knownOptions('raplPowerSource', options, RAPL_OPTIONS);
  const probe = probeRapl(options);
  if (!probe.available)
    throw new GreensloError('rapl_unavailable', `raplPowerSource: ${probe.reason}.`);
  return new RaplCounters(probe.selected, probe.layout, options.sysfs ?? nodeSysfsReader);
}

/** Running sums of the chosen zones' counters. */
class RaplCounters implements RaplPowerSource {
  readonly name = 'rapl';
  readonly zones: readonly RaplZone[];
  readonly layout: string;
  droppedSamples = 0;
  readonly #reader: SysfsReader;
  readonly #previousUj: number[];
  readonly #maxUj: (number | undefined)[];
  /** For each zone, the earlier zone it has mirrored at every reading so far. */
  readonly #mirrorOf: (number | undefined)[];
  #totalUj = 0;

  constructor(zones: readonly RaplZone[], layout: string, reader: SysfsReader) {
    this.zones = zones;
    this.layout = layout;
    this.#reader = reader;
    this.#previousUj = this.#readAll();
    this.#maxUj = zones.map((zone) => this.#tryReadMax(zone));
    this.#mirrorOf = zones.map((zone, i) => {
      const mirror = zones.findIndex(
        (other, j) =>
          j < i && other.kind === zone.kind && this.#previousUj[j] === this.#previousUj[i],
      );
      return mirror === -1 ? undefined : mirror;
    });
  }

  readJoules(): number {
    const currentUj = this.#readAll();
    for (let i = 0; i < currentUj.length; i++) {
      const mirror = this.#mirrorOf[i];
      if (mirror !== undefined && currentUj[i] !== currentUj[mirror]) this.#mirrorOf[i] = undefined;
      if (this.#mirrorOf[i] === undefined) this.#totalUj += this.#delta(i, currentUj[i]!);
      this.#previousUj[i] = currentUj[i]!;
    }
    return this.#totalUj / 1e6;
  }

  #delta(i: number, currentUj: number): number {
    const previousUj = this.#previousUj[i]!;
    if (currentUj >= previousUj) return currentUj - previousUj;
    const maxUj = (this.#maxUj[i] ??= this.#tryReadMax(this.zones[i]!));
    if (maxUj === undefined || maxUj < previousUj) {
      this.droppedSamples++;
      return 0;
    }
    return maxUj - previousUj + currentUj;
  }

  #readAll(): number[] {
    return this.zones.map((zone) => {
      try {
        return readMicrojoules(this.#reader, zone, 'energy_uj');
      } catch (error) {
        if (error instanceof GreensloError) throw error;
        throw new GreensloError(
          'power_source_unreadable',
          `RAPL: ${zone.id}/energy_uj cannot be read: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      }
    });
  }

  #tryReadMax(zone: RaplZone): number | undefined {
    try {
      return readMicrojoules(this.#reader, zone, 'max_energy_range_uj');
    } catch {
      return undefined;
    }
  }
}
