import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ASSUMED_POWER_W,
  defaultEnergyMonitor,
  EnergyMonitor,
  generateSustainabilityReport,
  LowPowerMode,
  setDefaultEnergyMonitor,
  trackRequestEnergy,
} from '../../src/energy/index.js';
import { ManualClock, ManualPowerSource } from '../../src/testing/index.js';

describe('the default monitor behind the module-level functions', () => {
  it('is created once, on first use, with an assumed constant power', () => {
    const monitor = defaultEnergyMonitor();
    expect(defaultEnergyMonitor()).toBe(monitor);
    expect(monitor.powerSource.name).toBe('assumed-constant');
    expect(DEFAULT_ASSUMED_POWER_W).toBe(85);
    expect(monitor.powerSource.readJoules(0)).toBe(0);
    expect(monitor.powerSource.readJoules(1000)).toBe(85);
  });

  it('can be replaced, and then serves trackRequestEnergy and generateSustainabilityReport', async () => {
    const clock = new ManualClock(Date.UTC(2025, 0, 1));
    const monitor = new EnergyMonitor({
      powerSource: new ManualPowerSource({ clock, watts: 100 }),
      clock,
      sampleIntervalMs: 0,
    });
    setDefaultEnergyMonitor(monitor);
    expect(defaultEnergyMonitor()).toBe(monitor);

    const sync = trackRequestEnergy(() => {
      clock.advanceMs(18_000);
      return 'a';
    });
    const async = await trackRequestEnergy(async () => {
      clock.advanceMs(18_000);
      return Promise.resolve('b');
    });
    expect([sync.result, async.result]).toEqual(['a', 'b']);
    expect(sync.energy.energyWh + async.energy.energyWh).toBeCloseTo(1, 12);

    const lowPowerMode = new LowPowerMode({ energy: monitor });
    const report = generateSustainabilityReport({ lowPowerMode });
    expect(report.generatedAt).toBe('2025-01-01T00:00:36.000Z');
    expect(report.energy.totalEnergyWh).toBeCloseTo(1, 12);
    expect(report.energy.totalEmissionsG).toBeCloseTo(0.475, 12);
    expect(report.energy.requestsTracked).toBe(2);
    expect(report.lowPower).toMatchObject({ enabled: false, settings: lowPowerMode.normal });
    expect(generateSustainabilityReport().lowPower).toBeUndefined();
  });

  it('refuses something that is not a monitor', () => {
    expect(() => setDefaultEnergyMonitor({} as EnergyMonitor)).toThrow(TypeError);
  });
});
