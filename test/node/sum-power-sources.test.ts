import { describe, expect, it } from 'vitest';
import { isGreensloError } from '../../src/core/errors.js';
import { constantPower, EnergyMonitor, type PowerSource } from '../../src/energy/index.js';
import { sumPowerSources } from '../../src/node/index.js';
import { ManualClock, ManualPowerSource } from '../../src/testing/index.js';

describe('sumPowerSources', () => {
  it('adds the cumulative joules of its sources exactly, read at the same time', () => {
    const clock = new ManualClock(0);
    const cpu = new ManualPowerSource({ clock, watts: 40 });
    const gpu = constantPower(300, { name: 'gpu' });
    const sum = sumPowerSources(cpu, gpu);
    expect(sum.name).toBe('manual+gpu');
    expect(sum.readJoules(0)).toBe(cpu.readJoules(0) + gpu.readJoules(0));
    clock.advanceMs(2500);
    expect(sum.readJoules(2500)).toBe(40 * 2.5 + 300 * 2.5);
    const monitor = new EnergyMonitor({
      powerSource: sumPowerSources(new ManualPowerSource({ clock, watts: 60 }), constantPower(140)),
      clock,
    });
    monitor.startTracking();
    clock.advanceMs(36_000);
    expect(monitor.metrics().totalEnergyWh).toBeCloseTo(2, 12);
  });

  it('names the source that could not be read, and closes those that can be closed', async () => {
    const broken: PowerSource = {
      name: 'broken',
      readJoules() {
        throw new Error('sensor gone');
      },
    };
    let closed = 0;
    const closable = Object.assign(constantPower(1, { name: 'closable' }), {
      close: () => void closed++,
    });
    const sum = sumPowerSources(closable, broken);
    let caught: unknown;
    try {
      sum.readJoules(0);
    } catch (error) {
      caught = error;
    }
    expect(isGreensloError(caught) && caught.code).toBe('power_source_unreadable');
    expect((caught as Error).message).toBe(
      'sumPowerSources: power source "broken" could not be read: sensor gone',
    );
    await sum.close();
    expect(closed).toBe(1);
  });

  it('refuses no source and things that are not power sources', () => {
    expect(() => sumPowerSources()).toThrow(TypeError);
    expect(() => sumPowerSources(constantPower(1), {} as never)).toThrow(
      /sumPowerSources: `powerSource` must be an object with a name and a readJoules/,
    );
  });
});
