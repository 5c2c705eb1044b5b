import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isGreensloError } from '../../src/core/errors.js';
import { EnergyMonitor } from '../../src/energy/index.js';
import {
  nodeSysfsReader,
  probeRapl,
  raplPowerSource,
  type SysfsReader,
} from '../../src/node/index.js';
import { ManualClock } from '../../src/testing/index.js';
import { FakePowercap, type FakeZone } from './fake-powercap.js';

const trees: FakePowercap[] = [];
function tree(zones: readonly FakeZone[]): FakePowercap {
  const fake = new FakePowercap(zones);
  trees.push(fake);
  return fake;
}
afterEach(() => {
  for (const fake of trees.splice(0)) fake.dispose();
});

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** A typical Intel laptop: package with core, uncore and dram subzones, plus psys. */
const CLIENT_LAYOUT: FakeZone[] = [
  { id: 'intel-rapl:0', name: 'package-0', energyUj: 1_000_000 },
  { id: 'intel-rapl:0:0', name: 'core', energyUj: 500_000 },
  { id: 'intel-rapl:0:1', name: 'uncore', energyUj: 100_000 },
  { id: 'intel-rapl:0:2', name: 'dram', energyUj: 300_000 },
  { id: 'intel-rapl:1', name: 'psys', energyUj: 9_000_000 },
];

describe('probeRapl: telling why RAPL cannot be used', () => {
  it('says there is no RAPL here when the powercap folder does not exist', () => {
    const fake = tree([]);
    const probe = probeRapl({ root: join(fake.root, 'missing') });
    expect(probe).toMatchObject({ available: false, code: 'no_powercap' });
    expect(probe.reason).toContain('does not exist');
    const error = thrownBy(() => raplPowerSource({ root: join(fake.root, 'missing') }));
    expect(isGreensloError(error) && error.code).toBe('rapl_unavailable');
  });

  it('says there are no RAPL zones when the folder holds none', () => {
    const fake = tree([]);
    expect(probeRapl({ root: fake.root })).toMatchObject({
      available: false,
      code: 'no_rapl_zones',
    });
  });

  it('refuses a tree with neither package nor psys zones', () => {
    const fake = tree([{ id: 'intel-rapl:0:0', name: 'core' }]);
    expect(probeRapl({ root: fake.root })).toMatchObject({
      available: false,
      code: 'no_usable_zones',
    });
  });

  // Tests run as root, which reads any file whatever its mode: chmod 0400 cannot reproduce the
  // CVE-2020-8694 situation, so an injected reader answers EACCES for energy_uj as the kernel does.
  it('tells "present but root-only" apart from "absent", with the fix', () => {
    const fake = tree(CLIENT_LAYOUT);
    const rootOnly: SysfsReader = {
      readdir: (path) => nodeSysfsReader.readdir(path),
      readFile: (path) => {
        if (path.endsWith('energy_uj'))
          throw Object.assign(new Error(`EACCES: permission denied, open '${path}'`), {
            code: 'EACCES',
          });
        return nodeSysfsReader.readFile(path);
      },
    };
    const probe = probeRapl({ root: fake.root, sysfs: rootOnly });
    expect(probe).toMatchObject({ available: false, code: 'permission_denied' });
    expect(probe.reason).toContain(
      'RAPL is present (package-0 (intel-rapl:0) + dram (intel-rapl:0:2))',
    );
    expect(probe.reason).toContain('CVE-2020-8694');
    expect(probe.reason).toContain(`sudo chmod o+r ${fake.root}/intel-rapl:*/energy_uj`);
  });

  it('reports a counter file that does not hold a number', () => {
    const fake = tree([{ id: 'intel-rapl:0', name: 'package-0' }]);
    fake.set('intel-rapl:0', Number.NaN);
    expect(probeRapl({ root: fake.root })).toMatchObject({ available: false, code: 'unreadable' });
  });
});

describe('raplPowerSource: which zones are summed', () => {
  it('sums package and dram, never core, uncore or psys', () => {
    const fake = tree(CLIENT_LAYOUT);
    const source = raplPowerSource({ root: fake.root });
    expect(source.layout).toBe('package-0 (intel-rapl:0) + dram (intel-rapl:0:2)');
    expect(source.readJoules(0)).toBe(0);
    fake.set('intel-rapl:0', 1_000_000 + 7_000_000); // +7 J
    fake.set('intel-rapl:0:0', 500_000 + 5_000_000); // core, inside the package
    fake.set('intel-rapl:0:1', 100_000 + 1_000_000); // uncore, inside the package
    fake.set('intel-rapl:0:2', 300_000 + 2_000_000); // +2 J
    fake.set('intel-rapl:1', 9_000_000 + 9_500_000); // psys includes both
    expect(source.readJoules(1000)).toBe(7 + 2);
    expect(source.name).toBe('rapl');
  });

  it('uses psys alone when there is no package zone', () => {
    const fake = tree([
      { id: 'intel-rapl:0', name: 'psys', energyUj: 0 },
      { id: 'intel-rapl:0:0', name: 'core', energyUj: 0 },
    ]);
    const source = raplPowerSource({ root: fake.root });
    expect(source.layout).toBe('psys (intel-rapl:0) alone (no package zone)');
    fake.set('intel-rapl:0', 4_000_000);
    fake.set('intel-rapl:0:0', 3_000_000);
    expect(source.readJoules(0)).toBe(4);
  });

  it('reads zone ids as hexadecimal and sums every package and dram of a two-socket server', () => {
    const fake = tree([
      { id: 'intel-rapl:a', name: 'package-10', energyUj: 0 },
      { id: 'intel-rapl:2', name: 'package-2', energyUj: 0 },
      { id: 'intel-rapl:a:1', name: 'dram', energyUj: 0 },
      { id: 'intel-rapl:2:0', name: 'dram', energyUj: 0 },
    ]);
    const probe = probeRapl({ root: fake.root });
    expect(probe.available && probe.selected.map((zone) => [zone.id, zone.index])).toEqual([
      ['intel-rapl:2', [2]],
      ['intel-rapl:a', [10]],
      ['intel-rapl:2:0', [2, 0]],
      ['intel-rapl:a:1', [10, 1]],
    ]);
    const source = raplPowerSource({ root: fake.root });
    fake.set('intel-rapl:a', 1_000_000);
    fake.set('intel-rapl:2', 2_000_000);
    fake.set('intel-rapl:a:1', 3_000_000);
    fake.set('intel-rapl:2:0', 4_000_000);
    expect(source.readJoules(0)).toBe(10);
  });

  it('skips the intel-rapl-mmio duplicate of a package', () => {
    const fake = tree([
      { id: 'intel-rapl:0', name: 'package-0', energyUj: 0 },
      { id: 'intel-rapl-mmio:0', name: 'package-0', energyUj: 17 },
    ]);
    const source = raplPowerSource({ root: fake.root });
    expect(source.zones.map((zone) => zone.id)).toEqual(['intel-rapl:0']);
    fake.set('intel-rapl:0', 6_000_000);
    fake.set('intel-rapl-mmio:0', 6_000_123);
    expect(source.readJoules(0)).toBe(6);
  });

  it('counts once the package zones that mirror each other, until they differ', () => {
    const fake = tree([
      { id: 'intel-rapl:0', name: 'package-0', energyUj: 5_000_000 },
      { id: 'intel-rapl:1', name: 'package-1', energyUj: 5_000_000 },
    ]);
    const source = raplPowerSource({ root: fake.root });
    fake.set('intel-rapl:0', 8_000_000);
    fake.set('intel-rapl:1', 8_000_000);
    expect(source.readJoules(0)).toBe(3);
    fake.set('intel-rapl:0', 9_000_000);
    fake.set('intel-rapl:1', 10_000_000); // they differ: two real packages after all
    expect(source.readJoules(0)).toBe(3 + 1 + 2);
  });
});

describe('raplPowerSource: counter wrap-around', () => {
  it('adds max_energy_range_uj - previous + current when the counter wraps', () => {
    const maxUj = 262_143_328_850;
    const fake = tree([
      { id: 'intel-rapl:0', name: 'package-0', energyUj: maxUj - 1_000_000, maxUj },
    ]);
    const source = raplPowerSource({ root: fake.root });
    fake.set('intel-rapl:0', 2_500_000);
    expect(source.readJoules(0)).toBe(3.5);
    fake.set('intel-rapl:0', 3_000_000);
    expect(source.readJoules(0)).toBe(4);
  });

  it('drops the interval, never negative, when max_energy_range_uj cannot be read', () => {
    const fake = tree([{ id: 'intel-rapl:0', name: 'package-0', energyUj: 50_000_000 }]);
    fake.remove('intel-rapl:0', 'max_energy_range_uj');
    const source = raplPowerSource({ root: fake.root });
    fake.set('intel-rapl:0', 1_000_000);
    expect(source.readJoules(0)).toBe(0);
    expect(source.droppedSamples).toBe(1);
    fake.set('intel-rapl:0', 4_000_000);
    expect(source.readJoules(0)).toBe(3);
  });
});

describe('raplPowerSource under an EnergyMonitor', () => {
  it('turns counter readings into energy and reports a counter that vanishes as a fault', () => {
    const fake = tree([{ id: 'intel-rapl:0', name: 'package-0', energyUj: 0 }]);
    const clock = new ManualClock(0);
    const monitor = new EnergyMonitor({ powerSource: raplPowerSource({ root: fake.root }), clock });
    monitor.startTracking();
    clock.advanceMs(36_000);
    fake.set('intel-rapl:0', 3_600_000_000); // 3600 J = 1 Wh
    expect(monitor.metrics().totalEnergyWh).toBe(1);
    fake.remove('intel-rapl:0', 'energy_uj');
    clock.advanceMs(1000);
    const metrics = monitor.metrics();
    expect(metrics.lastFault?.code).toBe('power_source_failed');
    expect(metrics.lastFault?.message).toContain('intel-rapl:0/energy_uj cannot be read');
    expect(metrics.totalEnergyWh).toBe(1);
  });
});
