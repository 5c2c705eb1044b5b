import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LOW_POWER_PROFILE,
  DEFAULT_NORMAL_PROFILE,
  EnergyMonitor,
  LowPowerMode,
  type LowPowerChange,
  type PowerProfile,
} from '../../src/energy/index.js';
import { ManualClock, ManualPowerSource } from '../../src/testing/index.js';

function monitored(watts: number, powerWindowMs = 10_000) {
  const clock = new ManualClock(0);
  const source = new ManualPowerSource({ clock, watts });
  const monitor = new EnergyMonitor({
    powerSource: source,
    clock,
    powerWindowMs,
    sampleIntervalMs: 1000,
  });
  monitor.startTracking();
  /** Runs `seconds` of traffic at `watts`, one request per second, so samples and windows complete. */
  const runFor = (seconds: number, atWatts = source.watts) => {
    source.setWatts(atWatts);
    for (let i = 0; i < seconds; i++) {
      clock.advanceMs(1000);
      monitor.beginRequest().end();
    }
  };
  return { clock, source, monitor, runFor };
}

describe('LowPowerMode: profiles', () => {
  it('starts in normal mode with the default profiles', () => {
    const mode = new LowPowerMode({ clock: new ManualClock() });
    expect(mode.enabled).toBe(false);
    expect(mode.settings).toEqual(DEFAULT_NORMAL_PROFILE);
    expect(mode.lowPower).toEqual(DEFAULT_LOW_POWER_PROFILE);
    expect(mode.lowPower.batchSize).toBeLessThan(mode.normal.batchSize);
    expect(mode.lowPower.cacheTtlMs).toBeGreaterThan(mode.normal.cacheTtlMs);
  });

  it('fills missing fields from the defaults, keeps extra fields, and ignores explicit undefined', () => {
    const mode = new LowPowerMode({
      clock: new ManualClock(),
      normal: { batchSize: 64, model: 'large', cacheTtlMs: undefined },
      lowPower: { precision: 'int8', model: 'small' },
    });
    expect(mode.normal).toEqual({ ...DEFAULT_NORMAL_PROFILE, batchSize: 64, model: 'large' });
    expect(mode.lowPower).toEqual({
      ...DEFAULT_LOW_POWER_PROFILE,
      precision: 'int8',
      model: 'small',
    });
    mode.enable();
    const model: string = mode.settings.model;
    expect(model).toBe('small');
    expect(Object.isFrozen(mode.settings)).toBe(true);
  });

  it('stays a LowPowerMode with extra fields, so adapters and reports accept it', () => {
    const mode = new LowPowerMode({
      clock: new ManualClock(),
      normal: { model: 'large' },
      lowPower: { model: 'small' },
    });
    const seen: string[] = [];
    mode.onChange((change) => seen.push(change.settings.model));
    const base: LowPowerMode = mode; // checked by the type checker
    base.enable();
    expect(seen).toEqual(['small']);
    expect(mode.normal.model).toBe('large');
  });

  it('gives the low-power profile the extra fields of the normal one it does not set', () => {
    const mode = new LowPowerMode({
      clock: new ManualClock(),
      normal: { model: 'large', region: 'eu' },
      lowPower: { model: 'small' },
    });
    expect(mode.lowPower).toEqual({ ...DEFAULT_LOW_POWER_PROFILE, model: 'small', region: 'eu' });
  });

  it('rejects bad profiles and options', () => {
    const clock = new ManualClock();
    expect(() => new LowPowerMode({ clock, lowPower: { batchSize: 0 } })).toThrow(
      new RangeError('LowPowerMode: `lowPower.batchSize` must be an integer >= 1, got 0.'),
    );
    expect(
      () => new LowPowerMode({ clock, normal: { precision: 'fp8' as PowerProfile['precision'] } }),
    ).toThrow(RangeError);
    expect(
      () => new LowPowerMode({ clock, normal: { quantize: 'yes' as unknown as boolean } }),
    ).toThrow(TypeError);
    expect(() => new LowPowerMode({ clock, normal: { cacheTtlMs: -1 } })).toThrow(RangeError);
    expect(() => new LowPowerMode({ clock, targetReduction: 30 })).toThrow(
      new RangeError(
        'LowPowerMode: `targetReduction` must be a finite number from 0 to 1, got 30.',
      ),
    );
    expect(() => new LowPowerMode({ clock, auto: {} })).toThrow(TypeError);
    expect(() => new LowPowerMode({ clock, auto: { maxPowerW: -5 } })).toThrow(RangeError);
    expect(
      () => new LowPowerMode({ clock, auto: { maxPowerW: 5, minDwellMs: Number.NaN } }),
    ).toThrow(RangeError);
  });
});

describe('LowPowerMode: switching by hand', () => {
  it('switches profiles, tells listeners once per change, and unsubscribes', () => {
    const clock = new ManualClock(500);
    const mode = new LowPowerMode({ clock });
    const changes: LowPowerChange<PowerProfile>[] = [];
    const unsubscribe = mode.onChange((change) => changes.push(change));
    expect(mode.enable('battery')).toBe(true);
    expect(mode.enable('again')).toBe(false);
    expect(mode.settings).toBe(mode.lowPower);
    expect(mode.reason).toBe('battery');
    expect(changes).toEqual([
      { enabled: true, settings: mode.lowPower, reason: 'battery', automatic: false, atMs: 500 },
    ]);
    unsubscribe();
    expect(mode.disable()).toBe(true);
    expect(changes).toHaveLength(1);
    expect(mode.settings).toBe(mode.normal);
  });

  it('runs every listener even when one throws, then re-throws the first error', () => {
    const mode = new LowPowerMode({ clock: new ManualClock() });
    const seen: boolean[] = [];
    mode.onChange(() => {
      throw new Error('first');
    });
    mode.onChange((change) => seen.push(change.enabled));
    expect(() => mode.enable()).toThrow('first');
    expect(seen).toEqual([true]);
    expect(mode.enabled).toBe(true);
  });
});

describe('LowPowerMode: automatic switching', () => {
  it('switches on above maxPowerW and off only below the hysteresis level', () => {
    const clock = new ManualClock(0);
    const mode = new LowPowerMode({
      clock,
      auto: { maxPowerW: 100, minDwellMs: 0, hysteresisRatio: 0.2 },
    });
    expect(mode.evaluate({ powerW: 100 })).toBe(false);
    expect(mode.evaluate({ powerW: 101 })).toBe(true);
    expect(mode.reason).toBe('power 101 W above 100 W');
    expect(mode.evaluate({ powerW: 95 })).toBe(true); // under the limit, above 80 W
    expect(mode.evaluate({ powerW: 81 })).toBe(true);
    expect(mode.evaluate({ powerW: 80 })).toBe(false);
  });

  it('never switches twice within minDwellMs, however the signal oscillates', () => {
    const clock = new ManualClock(0);
    const mode = new LowPowerMode({ clock, auto: { maxPowerW: 100, minDwellMs: 60_000 } });
    const switches: number[] = [];
    mode.onChange((change) => switches.push(change.atMs));
    for (let second = 0; second < 300; second++) {
      mode.evaluate({ powerW: second % 2 === 0 ? 150 : 10 });
      clock.advanceMs(1000);
    }
    expect(switches.length).toBeGreaterThan(1);
    for (let i = 1; i < switches.length; i++)
      expect(switches[i]! - switches[i - 1]!).toBeGreaterThanOrEqual(60_000);
  });

  it('switches on carbon intensity fed in by the caller', () => {
    const clock = new ManualClock(0);
    const mode = new LowPowerMode({
      clock,
      auto: { maxCarbonIntensityGPerKWh: 400, minDwellMs: 0 },
    });
    expect(mode.evaluate({ carbonIntensityGPerKWh: 450 })).toBe(true);
    expect(mode.evaluate({ carbonIntensityGPerKWh: 350 })).toBe(false);
    expect(mode.reason).toBe('carbon intensity 350 gCO2e/kWh at or below 360 gCO2e/kWh');
    expect(() => mode.evaluate({ carbonIntensityGPerKWh: -1 })).toThrow(RangeError);
  });

  it('does nothing when no signal is known, or without auto', () => {
    const mode = new LowPowerMode({
      clock: new ManualClock(),
      auto: { maxPowerW: 100, minDwellMs: 0 },
    });
    expect(mode.evaluate()).toBe(false);
    const manual = new LowPowerMode({ clock: new ManualClock() });
    expect(manual.evaluate({ powerW: 1e6 })).toBe(false);
  });

  it("switches by itself on the monitor's power windows, with no timer", () => {
    const { monitor, runFor, clock } = monitored(50);
    const mode = new LowPowerMode({
      energy: monitor,
      auto: { maxPowerW: 120, minDwellMs: 30_000 },
    });
    const changes: LowPowerChange<PowerProfile>[] = [];
    mode.onChange((change) => changes.push(change));
    runFor(10);
    expect(mode.enabled).toBe(false);
    runFor(10, 200);
    expect(mode.enabled).toBe(true);
    expect(changes[0]).toMatchObject({ enabled: true, automatic: true, atMs: 20_000 });
    runFor(10, 60); // low again, but within the dwell time
    expect(mode.enabled).toBe(true);
    runFor(20, 60);
    expect(mode.enabled).toBe(false);
    expect(changes.map((change) => change.enabled)).toEqual([true, false]);
    expect(clock.nowMs()).toBe(50_000);
    mode.dispose();
    runFor(20, 500);
    expect(mode.enabled).toBe(false);
  });
});

describe('LowPowerMode: measured reduction', () => {
  it('compares average power while enabled with that while disabled, against the target', () => {
    const { monitor, runFor } = monitored(100);
    const mode = new LowPowerMode({ energy: monitor });
    runFor(120, 100);
    mode.enable();
    runFor(120, 65);
    const reduction = mode.measuredReduction();
    expect(reduction.disabledMs).toBe(120_000);
    expect(reduction.enabledMs).toBe(120_000);
    expect(reduction.disabledAveragePowerW).toBeCloseTo(100, 9);
    expect(reduction.enabledAveragePowerW).toBeCloseTo(65, 9);
    expect(reduction.disabledEnergyWh).toBeCloseTo((100 * 120) / 3600, 12);
    expect(reduction.reduction).toBeCloseTo(0.35, 12);
    expect(reduction).toMatchObject({ targetReduction: 0.3, enoughData: true, targetMet: true });
  });

  it('says the target was missed when the saving is smaller', () => {
    const { monitor, runFor } = monitored(100);
    const mode = new LowPowerMode({ energy: monitor, targetReduction: 0.3 });
    runFor(60, 100);
    mode.enable();
    runFor(30, 80);
    mode.disable();
    runFor(30, 100);
    mode.enable();
    runFor(30, 80);
    const reduction = mode.measuredReduction();
    expect(reduction.enabledMs).toBe(60_000);
    expect(reduction.disabledMs).toBe(90_000);
    expect(reduction.reduction).toBeCloseTo(0.2, 12);
    expect(reduction.targetMet).toBe(false);
  });

  it('withholds a verdict until both modes were measured for minMeasurementMs', () => {
    const { monitor, runFor } = monitored(100);
    const mode = new LowPowerMode({ energy: monitor, minMeasurementMs: 60_000 });
    runFor(120, 100);
    mode.enable();
    runFor(30, 50);
    const early = mode.measuredReduction();
    expect(early.reduction).toBeCloseTo(0.5, 12);
    expect(early.enoughData).toBe(false);
    expect(early.targetMet).toBeUndefined();
  });

  it('has nothing to measure without a monitor', () => {
    const mode = new LowPowerMode({ clock: new ManualClock() });
    mode.enable();
    expect(mode.measuredReduction()).toMatchObject({
      enabledMs: 0,
      disabledMs: 0,
      reduction: undefined,
      enoughData: false,
      targetMet: undefined,
    });
  });
});
