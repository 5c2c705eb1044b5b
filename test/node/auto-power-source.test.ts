import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_ASSUMED_POWER_W } from '../../src/energy/index.js';
import {
  autoPowerSource,
  DEFAULT_POWERCAP_ROOT,
  nodeSysfsReader,
  probeRapl,
} from '../../src/node/index.js';
import { FakePowercap } from './fake-powercap.js';

const trees: FakePowercap[] = [];
afterEach(() => {
  for (const fake of trees.splice(0)) fake.dispose();
});

describe('autoPowerSource', () => {
  it('on this machine says which source it chose and why (this VM has no powercap: the CPU model)', () => {
    const source = autoPowerSource();
    if (existsSync(DEFAULT_POWERCAP_ROOT)) {
      // Elsewhere, the choice follows what the probe finds; the fake trees below cover each case.
      expect(source.choice).toBe(probeRapl().available ? 'rapl' : 'cpu-model');
      return;
    }
    expect(source.choice).toBe('cpu-model');
    expect(source.name).toBe('cpu-model');
    expect(source.rapl).toMatchObject({ available: false, code: 'no_powercap' });
    expect(source.reason).toBe(
      'no RAPL here: /sys/class/powercap does not exist (typical of virtual machines and most containers); modelled from process.cpuUsage(): 4 W per busy core + 0 W idle; no NVIDIA GPU: nvidia-smi was not found on PATH',
    );
    expect(source.readJoules(0)).toBe(0);
  });

  it('chooses RAPL when the counters can be read', () => {
    const fake = new FakePowercap([{ id: 'intel-rapl:0', name: 'package-0', energyUj: 0 }]);
    trees.push(fake);
    const source = autoPowerSource({ root: fake.root, gpu: false });
    expect(source.choice).toBe('rapl');
    expect(source.reason).toBe('measured: RAPL energy counters: package-0 (intel-rapl:0)');
    fake.set('intel-rapl:0', 2_000_000);
    expect(source.readJoules(0)).toBe(2);
  });

  it('falls back to the CPU model when RAPL is root-only, and passes the fix on', () => {
    const fake = new FakePowercap([{ id: 'intel-rapl:0', name: 'package-0' }]);
    trees.push(fake);
    const sysfs = {
      readdir: (path: string) => nodeSysfsReader.readdir(path),
      readFile: (path: string) => {
        if (path.endsWith('/energy_uj'))
          throw Object.assign(new Error('permission denied'), { code: 'EACCES' });
        return nodeSysfsReader.readFile(path);
      },
    };
    const source = autoPowerSource({ root: fake.root, sysfs, cpu: { wattsPerCore: 7 } });
    expect(source.choice).toBe('cpu-model');
    expect(source.reason).toMatch(
      /^RAPL is present .* readable only by root .*CVE-2020-8694.*chmod o\+r .*; modelled from process.cpuUsage\(\): 7 W per busy core/,
    );
  });

  it('assumes a constant power when the CPU model is switched off', () => {
    const fake = new FakePowercap([]);
    trees.push(fake);
    const source = autoPowerSource({ root: fake.root, cpu: false });
    expect(source.choice).toBe('constant');
    expect(source.reason).toContain(`assuming a constant ${DEFAULT_ASSUMED_POWER_W} W`);
    source.readJoules(0);
    expect(source.readJoules(1000)).toBe(DEFAULT_ASSUMED_POWER_W);
    expect(autoPowerSource({ root: fake.root, cpu: false, constantW: 20 }).reason).toContain(
      'constant 20 W',
    );
    expect(() => autoPowerSource({ constantW: -1 })).toThrow(RangeError);
  });
});
