import { join } from 'node:path';
import { errorCode, type SysfsReader } from './sysfs.js';

/** What a RAPL zone measures, from its `name` file. */
export type RaplZoneKind = 'package' | 'dram' | 'psys' | 'core' | 'uncore' | 'other';

/** One powercap RAPL zone found under the root. */
export interface RaplZone {
  /** Directory name, such as `'intel-rapl:0'` or `'intel-rapl:0:1'`. */
  readonly id: string;
  /** Content of its `name` file, such as `'package-0'` or `'dram'`. */
  readonly name: string;
  /** What it measures. */
  readonly kind: RaplZoneKind;
  /** Whether it belongs to the `intel-rapl-mmio` interface (a duplicate of the MSR one). */
  readonly mmio: boolean;
  /** Its position: `[0]` for `intel-rapl:0`, `[0, 1]` for `intel-rapl:0:1`; ids are hexadecimal. */
  readonly index: readonly number[];
  /** Full path of the zone's directory. */
  readonly path: string;
}

/** Why RAPL cannot be used, as a machine-readable code. */
export type RaplUnavailableCode =
  'no_powercap' | 'no_rapl_zones' | 'no_usable_zones' | 'permission_denied' | 'unreadable';

/** Zones found and the ones to sum, or why there are none. */
export type RaplZoneChoice =
  | {
      readonly ok: true;
      readonly zones: readonly RaplZone[];
      readonly selected: readonly RaplZone[];
      readonly layout: string;
    }
  | {
      readonly ok: false;
      readonly code: RaplUnavailableCode;
      readonly reason: string;
      readonly zones: readonly RaplZone[];
    };

const ZONE_DIRECTORY = /^intel-rapl(-mmio)?:([0-9a-f]+(?::[0-9a-f]+)*)$/i;

function kindOf(name: string): RaplZoneKind {
  if (/^package-\d+(-die-\d+)?$/.test(name)) return 'package';
  if (name === 'dram' || name === 'core' || name === 'uncore' || name === 'psys') return name;
  return 'other';
}

function compareIndex(a: RaplZone, b: RaplZone): number {
  if (a.mmio !== b.mmio) return a.mmio ? 1 : -1;
  for (let i = 0; i < Math.max(a.index.length, b.index.length); i++) {
    const difference = (a.index[i] ?? -1) - (b.index[i] ?? -1);
    if (difference !== 0) return difference;
  }
  return 0;
}

function readZone(root: string, id: string, reader: SysfsReader): RaplZone | undefined {
  const match = ZONE_DIRECTORY.exec(id);
  if (!match) return undefined;
  const path = join(root, id);
  let name: string;
  try {
    name = reader.readFile(join(path, 'name')).trim();
  } catch {
    return undefined;
  }
  const index = match[2]!.split(':').map((part) => Number.parseInt(part, 16));
  return { id, name, kind: kindOf(name), mmio: match[1] !== undefined, index, path };
}

/** Lists the RAPL zones under `root`, sorted by interface and hexadecimal id. */
export function listRaplZones(
  root: string,
  reader: SysfsReader,
): { zones: RaplZone[] } | { error: unknown } {
  let entries: string[];
  try {
    entries = reader.readdir(root);
  } catch (error) {
    return { error };
  }
  const zones = entries
    .map((id) => readZone(root, id, reader))
    .filter((zone): zone is RaplZone => zone !== undefined);
  return { zones: zones.sort(compareIndex) };
}

/**
 * Chooses the zones whose energies add up to the machine's without double counting: every
 * `package-*` zone plus every `dram` zone (packages exclude DRAM), never `core` or `uncore` (inside
 * the package); `psys` (the whole SoC, packages and DRAM included) only when there is no package
 * zone, and then alone. MMIO zones that repeat an MSR zone's name are skipped.
 */
export function chooseRaplZones(root: string, reader: SysfsReader): RaplZoneChoice {
  const listed = listRaplZones(root, reader);
  if ('error' in listed) return unlisted(root, listed.error);
  const zones = listed.zones;
  if (zones.length === 0) {
    return {
      ok: false,
      code: 'no_rapl_zones',
      zones,
      reason: `no RAPL here: ${root} has no intel-rapl zones (no RAPL in this CPU, or the intel_rapl_msr / intel_rapl_common kernel modules are not loaded)`,
    };
  }
  const msrNames = new Set(zones.filter((zone) => !zone.mmio).map((zone) => zone.name));
  const usable = zones.filter((zone) => !zone.mmio || !msrNames.has(zone.name));
  const packages = usable.filter((zone) => zone.kind === 'package' && zone.index.length === 1);
  const drams = usable.filter((zone) => zone.kind === 'dram');
  if (packages.length > 0) {
    const selected = [...packages, ...drams];
    return { ok: true, zones, selected, layout: describeZones(selected) };
  }
  const psys = usable.find((zone) => zone.kind === 'psys' && zone.index.length === 1);
  if (psys)
    return {
      ok: true,
      zones,
      selected: [psys],
      layout: `${describeZones([psys])} alone (no package zone)`,
    };
  return {
    ok: false,
    code: 'no_usable_zones',
    zones,
    reason: `RAPL zones under ${root} (${describeZones(zones)}) include no package or psys zone to measure the machine with`,
  };
}

function unlisted(root: string, error: unknown): RaplZoneChoice {
  const code = errorCode(error);
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return {
      ok: false,
      code: 'no_powercap',
      zones: [],
      reason: `no RAPL here: ${root} does not exist (typical of virtual machines and most containers)`,
    };
  }
  if (code === 'EACCES' || code === 'EPERM')
    return {
      ok: false,
      code: 'permission_denied',
      zones: [],
      reason: `${root} cannot be listed (${code})`,
    };
  return {
    ok: false,
    code: 'unreadable',
    zones: [],
    reason: `${root} cannot be listed: ${error instanceof Error ? error.message : String(error)}`,
  };
}

/** `package-0 (intel-rapl:0) + dram (intel-rapl:0:2)`. */
export function describeZones(zones: readonly RaplZone[]): string {
  return zones.map((zone) => `${zone.name} (${zone.id})`).join(' + ');
}
