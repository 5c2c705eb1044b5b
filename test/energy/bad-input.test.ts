import { describe, expect, it } from 'vitest';
import {
  constantPower,
  EnergyMonitor,
  generateSustainabilityReport,
  LowPowerMode,
  powerFromWatts,
} from '../../src/energy/index.js';

const BAD_READINGS = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -1,
  8.64e15 + 1,
];

/** A clock whose next reading the test chooses. */
class SettableClock {
  ms = 1_000_000;
  nowMs(): number {
    return this.ms;
  }
}

function setup() {
  const clock = new SettableClock();
  const monitor = new EnergyMonitor({
    powerSource: constantPower(100),
    clock,
    sampleIntervalMs: 1000,
  });
  return { clock, monitor };
}

describe('EnergyMonitor: clock readings are checked where they are read', () => {
  for (const bad of BAD_READINGS) {
    it(`startTracking() refuses ${bad} and starts nothing`, () => {
      const { clock, monitor } = setup();
      clock.ms = bad;
      expect(() => monitor.startTracking()).toThrow(RangeError);
      expect(() => monitor.startTracking()).toThrow(
        /EnergyMonitor\.startTracking: `clock\.nowMs\(\)` must return a finite number from 0 to 8640000000000000/,
      );
      expect(monitor.tracking).toBe(false);
    });

    it(`beginRequest(), end(), metrics() and stopTracking() refuse ${bad} and change nothing`, () => {
      const { clock, monitor } = setup();
      monitor.startTracking();
      const handle = monitor.beginRequest();
      clock.ms += 500;
      const before = monitor.metrics();
      clock.ms = bad;
      expect(() => monitor.beginRequest()).toThrow(/EnergyMonitor\.beginRequest/);
      expect(() => handle.end()).toThrow(/RequestEnergyHandle\.end/);
      expect(() => monitor.metrics()).toThrow(/EnergyMonitor\.metrics/);
      expect(() => monitor.stopTracking()).toThrow(/EnergyMonitor\.stopTracking/);
      expect(() => monitor.trackRequestEnergy(() => 1)).toThrow(RangeError);
      expect(handle.ended).toBe(false);
      clock.ms = 1_000_500;
      expect(monitor.metrics()).toEqual(before);
      expect(monitor.tracking).toBe(true);
      clock.ms = 1_001_000;
      expect(handle.end().energyWh * 3600).toBeCloseTo(100, 9);
    });

    it(`beginRequest(nowMs) and end(nowMs) refuse ${bad} given by the caller`, () => {
      const { monitor } = setup();
      expect(() => monitor.beginRequest(bad)).toThrow(
        /EnergyMonitor\.beginRequest: `nowMs` must be a finite number from 0 to 8640000000000000/,
      );
      expect(monitor.tracking).toBe(false);
      const handle = monitor.beginRequest(1_000_000);
      expect(() => handle.end(bad)).toThrow(RangeError);
      expect(monitor.metrics().requestsInFlight).toBe(1);
    });
  }

  it('takes a clock step to the largest date in one step, with no loop over the time skipped', () => {
    const { clock, monitor } = setup();
    monitor.startTracking();
    const handle = monitor.beginRequest();
    clock.ms = 8.64e15;
    expect(handle.end().energyWh).toBeGreaterThan(0);
    const metrics = monitor.metrics();
    expect(Number.isFinite(metrics.totalEnergyWh)).toBe(true);
    expect(monitor.powerHistory().length).toBe(1);
  });
});

describe('LowPowerMode: clock readings are checked where they are read', () => {
  it('enable(), disable() and evaluate() refuse a bad reading and keep the mode', () => {
    const clock = new SettableClock();
    const mode = new LowPowerMode({ clock, auto: { maxPowerW: 10, minDwellMs: 0 } });
    clock.ms = Number.NaN;
    expect(() => mode.enable()).toThrow(/LowPowerMode\.enable: `clock\.nowMs\(\)`/);
    expect(() => mode.evaluate({ powerW: 50 })).toThrow(/LowPowerMode\.evaluate/);
    expect(mode.enabled).toBe(false);
    clock.ms = 5;
    expect(mode.enable()).toBe(true);
    clock.ms = -3;
    expect(() => mode.disable()).toThrow(/LowPowerMode\.disable/);
    expect(mode.enabled).toBe(true);
  });
});

describe('energy options: unknown keys are refused', () => {
  it('EnergyMonitor names the key, with a hint for CodeCarbon names and typos', () => {
    const powerSource = constantPower(1);
    expect(() => new EnergyMonitor({ powerSource, measure_power_secs: 15 } as never)).toThrow(
      /EnergyMonitor: `measure_power_secs` is not an option \(use `sampleIntervalMs`, in milliseconds\)/,
    );
    expect(() => new EnergyMonitor({ powerSource, sampleIntervalMS: 15 } as never)).toThrow(
      /`sampleIntervalMS` is not an option \(did you mean `sampleIntervalMs`\?\)/,
    );
  });

  it('reports an unknown key before a missing power source', () => {
    expect(() => new EnergyMonitor({ source: constantPower(1) } as never)).toThrow(
      /`source` is not an option \(use `powerSource`\)/,
    );
  });

  it('LowPowerMode, its auto rule and evaluate() name the key', () => {
    expect(() => new LowPowerMode({ targetReducton: 0.2 } as never)).toThrow(
      /LowPowerMode: `targetReducton` is not an option \(did you mean `targetReduction`\?\)/,
    );
    expect(() => new LowPowerMode({ auto: { maxPowerWatts: 5 } } as never)).toThrow(
      /LowPowerMode\.auto: `maxPowerWatts` is not an option/,
    );
    const mode = new LowPowerMode({ auto: { maxPowerW: 5 } });
    expect(() => mode.evaluate({ power: 3 } as never)).toThrow(
      /LowPowerMode\.evaluate: `power` is not an option/,
    );
  });

  it('the power source factories and the report name the key', () => {
    expect(() => constantPower(5, { label: 'x' } as never)).toThrow(
      /constantPower: `label` is not an option/,
    );
    expect(() => powerFromWatts(() => 1, { nam: 'x' } as never)).toThrow(
      /powerFromWatts: `nam` is not an option \(did you mean `name`\?\)/,
    );
    expect(() => generateSustainabilityReport({ energy: 1 } as never)).toThrow(
      /generateSustainabilityReport: `energy` is not an option/,
    );
  });
});

describe('energy arguments of the wrong type: the standard message shows the value received', () => {
  it('EnergyMonitor without options, and a function argument that is not one', () => {
    expect(() => new EnergyMonitor(null as never)).toThrow(
      new TypeError('EnergyMonitor: `options` must be an object with a `powerSource`, got null.'),
    );
    const { monitor } = setup();
    expect(() => monitor.trackRequestEnergy(5 as never)).toThrow(
      new TypeError('EnergyMonitor.trackRequestEnergy: `fn` must be a function, got 5.'),
    );
    expect(() => monitor.onWarning('log' as never)).toThrow(
      new TypeError('EnergyMonitor: `listener` must be a function, got "log".'),
    );
  });

  it('a time given as a string is a TypeError that quotes it', () => {
    const { monitor } = setup();
    expect(() => monitor.beginRequest('5' as never)).toThrow(
      new TypeError(
        'EnergyMonitor.beginRequest: `nowMs` must be a finite number from 0 to 8640000000000000, got "5".',
      ),
    );
  });
});
