import { describe, expect, it, vi } from 'vitest';
import {
  constantPower,
  EnergyMonitor,
  POWER_HISTORY_SIZE,
  type EnergyFault,
  type EnergyWarning,
} from '../../src/energy/index.js';
import { ManualClock, ManualPowerSource } from '../../src/testing/index.js';

const WH = 3600;

function setup(
  options: {
    watts?: number;
    sampleIntervalMs?: number;
    powerThresholdW?: number;
    powerWindowMs?: number;
  } = {},
) {
  const clock = new ManualClock(1_000_000);
  const { watts = 100, ...monitorOptions } = options;
  const source = new ManualPowerSource({ clock, watts });
  const monitor = new EnergyMonitor({ powerSource: source, clock, ...monitorOptions });
  return { clock, source, monitor };
}

describe('EnergyMonitor: exact figures', () => {
  it('100 W for 36 s is 1 Wh and 0.475 g CO2e at 475 g/kWh and PUE 1, split evenly among 3 concurrent requests', () => {
    const clock = new ManualClock(0);
    const monitor = new EnergyMonitor({ powerSource: constantPower(100), clock });
    monitor.startTracking();
    const requests = [monitor.beginRequest(), monitor.beginRequest(), monitor.beginRequest()];
    clock.advanceMs(36_000);
    const energies = requests.map((request) => request.end().energyWh);
    const metrics = monitor.metrics();

    expect(metrics.totalEnergyWh).toBeCloseTo(1, 12);
    expect(metrics.totalEmissionsG).toBeCloseTo(0.475, 12);
    expect(metrics.totalEmissionsKg).toBeCloseTo(0.000475, 15);
    expect(metrics.averagePowerW).toBeCloseTo(100, 9);
    for (const energyWh of energies) expect(energyWh).toBeCloseTo(1 / 3, 12);
    expect(requests[0]!.emissionsG).toBeCloseTo(0.475 / 3, 12);
    expect(metrics.unattributedWh).toBe(0);
    expect(metrics.requestsTracked).toBe(3);
    expect(metrics.energyPerRequestWh).toBeCloseTo(1 / 3, 12);
    expect(metrics.emissionsPerRequestG).toBeCloseTo(0.475 / 3, 12);
    expect(metrics.requestsPerWh).toBeCloseTo(3, 9);
    expect(metrics).toMatchObject({ powerSource: 'constant', carbonIntensityGPerKWh: 475, pue: 1 });
  });

  it('splits staggered requests by time in flight and keeps idle energy unattributed', () => {
    // 100 W over 36 s = 3600 J. A runs 4-16 s, B 8-20 s, C 12-24 s; idle 0-4 s and 24-36 s.
    const { clock, monitor } = setup({ watts: 100 });
    const t0 = clock.nowMs();
    monitor.startTracking();
    const at = (seconds: number) => clock.setMs(t0 + seconds * 1000);
    at(4);
    const a = monitor.beginRequest();
    at(8);
    const b = monitor.beginRequest();
    at(12);
    const c = monitor.beginRequest();
    at(16);
    a.end();
    at(20);
    b.end();
    at(24);
    c.end();
    at(36);
    const metrics = monitor.metrics();
    // Each 4 s slice is 400 J, shared by whoever is in flight.
    const expectedA = 400 + 400 / 2 + 400 / 3;
    const expectedB = 400 / 2 + 400 / 3 + 400 / 2;
    const expectedC = 400 / 3 + 400 / 2 + 400;
    expect(a.energyWh * WH).toBeCloseTo(expectedA, 9);
    expect(b.energyWh * WH).toBeCloseTo(expectedB, 9);
    expect(c.energyWh * WH).toBeCloseTo(expectedC, 9);
    expect(metrics.unattributedWh * WH).toBeCloseTo(400 + 1200, 9);
    expect(metrics.totalEnergyWh).toBeCloseTo(1, 12);
    expect(a.durationMs).toBe(12_000);
    expect(metrics.estimateCorrectionWh).toBe(0);
  });

  it('applies PUE and intensity to emissions only', () => {
    const clock = new ManualClock(0);
    const monitor = new EnergyMonitor({
      powerSource: constantPower(100),
      clock,
      carbonIntensityGPerKWh: 200,
      pue: 1.5,
    });
    monitor.startTracking();
    clock.advanceMs(36_000);
    const summary = monitor.stopTracking();
    expect(summary.energyWh).toBeCloseTo(1, 12);
    expect(summary.emissionsG).toBeCloseTo((1 * 1.5 * 200) / 1000, 12);
    expect(summary.averagePowerW).toBeCloseTo(100, 9);
    expect(summary.durationMs).toBe(36_000);
    expect(summary.startedAtMs).toBe(0);
  });
});

describe('EnergyMonitor: sampling', () => {
  it('reads the power source at most once per sampling interval, never per request', () => {
    const { clock, source, monitor } = setup({ sampleIntervalMs: 1000 });
    monitor.startTracking();
    const readsAtStart = source.reads;
    for (let i = 0; i < 500; i++) {
      monitor.beginRequest().end();
      clock.advanceMs(10);
    }
    // 500 requests over 5 s: one reading by the first end() after time passed (no power known yet),
    // then at most one per full second.
    expect(source.reads - readsAtStart).toBe(5);
  });

  it('estimates the part after the last reading at the last power and settles it at the next reading', () => {
    const { clock, source, monitor } = setup({ watts: 100, sampleIntervalMs: 10_000 });
    monitor.startTracking();
    clock.advanceMs(10_000);
    const first = monitor.beginRequest(); // samples: the last 10 s ran at 100 W
    source.setWatts(40);
    clock.advanceMs(2_000);
    first.end();
    expect(first.energyWh * WH).toBeCloseTo(100 * 2, 9); // estimated at the previous 100 W
    clock.advanceMs(8_000);
    const metrics = monitor.metrics(); // settles the interval at its true 40 W
    expect(metrics.attributedWh * WH).toBeCloseTo(40 * 2, 9);
    expect(metrics.estimateCorrectionWh * WH).toBeCloseTo(40 * 2 - 100 * 2, 9);
    expect(metrics.unattributedWh * WH).toBeCloseTo(100 * 10 + 40 * 8, 9);
    expect(metrics.attributedWh + metrics.unattributedWh).toBeCloseTo(metrics.totalEnergyWh, 12);
    expect(
      metrics.requestsEnergyWh + metrics.estimateCorrectionWh + metrics.inFlightEnergyWh,
    ).toBeCloseTo(metrics.attributedWh, 12);
  });

  it('accepts the time from the caller instead of reading its clock', () => {
    let clockReads = 0;
    const clock = { nowMs: () => (clockReads++, 0) };
    const monitor = new EnergyMonitor({
      powerSource: constantPower(36),
      clock,
      sampleIntervalMs: 0,
    });
    monitor.startTracking();
    const readsBefore = clockReads;
    const handle = monitor.beginRequest(1000);
    const energy = handle.end(3000);
    expect(clockReads).toBe(readsBefore);
    expect(energy.durationMs).toBe(2000);
    expect(energy.energyWh * WH).toBeCloseTo(36 * 2, 9);
    expect(() => monitor.beginRequest(Number.NaN)).toThrow(
      new RangeError(
        'EnergyMonitor.beginRequest: `nowMs` must be a finite number from 0 to 8640000000000000, got NaN.',
      ),
    );
  });

  it('returns the same figures when end() is called twice', () => {
    const { clock, monitor } = setup();
    const handle = monitor.beginRequest();
    clock.advanceMs(1000);
    const first = handle.end().energyWh;
    clock.advanceMs(1000);
    expect(handle.end().energyWh).toBe(first);
    expect(monitor.metrics().requestsTracked).toBe(1);
  });
});

describe('EnergyMonitor: tracking sessions', () => {
  it('starts tracking on the first request and counts from there', () => {
    const { clock, monitor } = setup({ watts: 10 });
    expect(monitor.tracking).toBe(false);
    expect(monitor.metrics().totalEnergyWh).toBe(0);
    clock.advanceMs(5000);
    const handle = monitor.beginRequest();
    expect(monitor.tracking).toBe(true);
    clock.advanceMs(3600);
    expect(handle.end().energyWh).toBeCloseTo(((10 / 1000) * 3600) / WH, 12);
    expect(monitor.metrics().totalEnergyWh * WH).toBeCloseTo(36, 9);
  });

  it('freezes at stopTracking: requests still in flight keep the energy up to the stop', () => {
    const { clock, monitor } = setup({ watts: 100 });
    monitor.startTracking();
    const handle = monitor.beginRequest();
    clock.advanceMs(2000);
    const summary = monitor.stopTracking();
    clock.advanceMs(5000);
    expect(handle.end().energyWh * WH).toBeCloseTo(200, 9);
    expect(summary.energyWh * WH).toBeCloseTo(200, 9);
    expect(monitor.stopTracking()).toEqual(summary);
    expect(monitor.metrics().totalEnergyWh * WH).toBeCloseTo(200, 9);
    expect(monitor.tracking).toBe(false);
  });

  it('starts a fresh session after a stop', () => {
    const { clock, monitor } = setup({ watts: 100 });
    monitor.startTracking();
    clock.advanceMs(1000);
    monitor.stopTracking();
    clock.advanceMs(1000);
    monitor.startTracking();
    clock.advanceMs(500);
    const metrics = monitor.metrics();
    expect(metrics.totalEnergyWh * WH).toBeCloseTo(50, 9);
    expect(metrics.durationMs).toBe(500);
  });

  it('returns an empty summary when it never tracked', () => {
    const { monitor } = setup();
    expect(monitor.stopTracking()).toEqual({
      startedAtMs: undefined,
      durationMs: 0,
      energyWh: 0,
      emissionsG: 0,
      averagePowerW: 0,
    });
  });

  it('reports zero totals before it ever tracked, without reading the power source', () => {
    const { monitor, source } = setup();
    const readJoules = vi.spyOn(source, 'readJoules');
    expect(monitor.metrics()).toMatchObject({
      tracking: false,
      startedAtMs: undefined,
      durationMs: 0,
      totalEnergyWh: 0,
      totalEmissionsG: 0,
      averagePowerW: 0,
      requestsTracked: 0,
      requestsInFlight: 0,
      requestsEnergyWh: 0,
      energyPerRequestWh: 0,
      attributedWh: 0,
      unattributedWh: 0,
      inFlightEnergyWh: 0,
      estimateCorrectionWh: 0,
      sciGPerRequest: 0,
    });
    expect(readJoules).not.toHaveBeenCalled();
  });
});

describe('EnergyMonitor: trackRequestEnergy', () => {
  it('measures a synchronous function', () => {
    const { clock, monitor } = setup({ watts: 100, sampleIntervalMs: 0 });
    const { result, energy } = monitor.trackRequestEnergy(() => {
      clock.advanceMs(360);
      return 'done';
    });
    expect(result).toBe('done');
    expect(energy.energyWh * WH).toBeCloseTo(36, 9);
  });

  it('measures an async function and returns a promise', async () => {
    const { clock, monitor } = setup({ watts: 100, sampleIntervalMs: 0 });
    const tracked = monitor.trackRequestEnergy(async () => {
      await Promise.resolve();
      clock.advanceMs(720);
      return 42;
    });
    expect(tracked).toBeInstanceOf(Promise);
    const { result, energy } = await tracked;
    expect(result).toBe(42);
    expect(energy.energyWh * WH).toBeCloseTo(72, 9);
  });

  it('propagates errors of sync and async functions and still records their energy', async () => {
    const { clock, monitor } = setup({ watts: 100, sampleIntervalMs: 0 });
    const failure = new Error('boom');
    expect(() =>
      monitor.trackRequestEnergy(() => {
        clock.advanceMs(100);
        throw failure;
      }),
    ).toThrow(failure);
    await expect(
      monitor.trackRequestEnergy(async () => {
        clock.advanceMs(200);
        await Promise.resolve();
        throw failure;
      }),
    ).rejects.toBe(failure);
    const metrics = monitor.metrics();
    expect(metrics.requestsTracked).toBe(2);
    expect(metrics.requestsEnergyWh * WH).toBeCloseTo(30, 9);
    expect(metrics.requestsInFlight).toBe(0);
  });

  it('rejects a non-function', () => {
    const { monitor } = setup();
    expect(() => monitor.trackRequestEnergy(42 as unknown as () => number)).toThrow(TypeError);
  });
});

describe('EnergyMonitor: power threshold', () => {
  function thresholdSetup() {
    const context = setup({
      watts: 100,
      powerThresholdW: 150,
      powerWindowMs: 10_000,
      sampleIntervalMs: 1000,
    });
    const warnings: EnergyWarning[] = [];
    const unsubscribe = context.monitor.onWarning((warning) => warnings.push(warning));
    context.monitor.startTracking();
    const runWindowAt = (watts: number) => {
      context.source.setWatts(watts);
      for (let i = 0; i < 10; i++) {
        context.clock.advanceMs(1000);
        context.monitor.beginRequest().end();
      }
    };
    return { ...context, warnings, unsubscribe, runWindowAt };
  }

  it('warns once per crossing, not once per window', () => {
    const { monitor, warnings, runWindowAt } = thresholdSetup();
    runWindowAt(100);
    expect(monitor.isOverThreshold()).toBe(false);
    runWindowAt(200);
    runWindowAt(210);
    runWindowAt(190);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ thresholdW: 150, durationMs: 10_000 });
    expect(warnings[0]!.powerW).toBeCloseTo(200, 9);
    expect(monitor.isOverThreshold()).toBe(true);
    expect(monitor.metrics().overThreshold).toBe(true);
  });

  it('re-arms only after the power falls below the hysteresis level', () => {
    const { monitor, warnings, runWindowAt } = thresholdSetup();
    runWindowAt(200);
    runWindowAt(140); // under 150 but above 135 (10 % hysteresis): still over
    expect(monitor.isOverThreshold()).toBe(true);
    runWindowAt(160);
    expect(warnings).toHaveLength(1);
    runWindowAt(130); // at or under 135: cleared
    expect(monitor.isOverThreshold()).toBe(false);
    runWindowAt(160);
    expect(warnings).toHaveLength(2);
  });

  it('stops calling a listener once unsubscribed, and keeps a history of windows', () => {
    const { monitor, warnings, unsubscribe, runWindowAt } = thresholdSetup();
    unsubscribe();
    runWindowAt(200);
    expect(warnings).toHaveLength(0);
    expect(monitor.powerHistory().map((window) => Math.round(window.powerW))).toEqual([200]);
    expect(monitor.recentPowerW).toBeCloseTo(200, 9);
  });

  it('keeps the latest 60 windows, oldest first', () => {
    const { clock, source, monitor } = setup({ powerWindowMs: 1000, sampleIntervalMs: 1000 });
    monitor.startTracking();
    for (let watts = 1; watts <= 65; watts++) {
      source.setWatts(watts);
      clock.advanceMs(1000);
      monitor.beginRequest().end();
    }
    const history = monitor.powerHistory();
    expect(history).toHaveLength(POWER_HISTORY_SIZE);
    expect(history.map((window) => Math.round(window.powerW))).toEqual(
      Array.from({ length: 60 }, (_, i) => i + 6),
    );
    expect(history.at(-1)!.endMs).toBe(clock.nowMs());
  });

  it('is never over without a threshold', () => {
    const { clock, monitor } = setup({ watts: 1000, powerWindowMs: 1000 });
    monitor.startTracking();
    clock.advanceMs(5000);
    monitor.beginRequest().end();
    expect(monitor.isOverThreshold()).toBe(false);
  });
});

describe('EnergyMonitor: faults', () => {
  it('reports a power source whose reading goes back, and never counts negative energy', () => {
    const { clock, source, monitor } = setup({ watts: 100, sampleIntervalMs: 0 });
    const faults: EnergyFault[] = [];
    monitor.onFault((fault) => faults.push(fault));
    monitor.startTracking();
    const handle = monitor.beginRequest();
    clock.advanceMs(1000);
    expect(monitor.metrics().totalEnergyWh * WH).toBeCloseTo(100, 9);
    source.setJoules(0); // the counter goes back from 100 J to 0 J
    clock.advanceMs(500);
    const energy = handle.end(); // reads 50 J: lower than 100 J
    clock.advanceMs(1000);
    const metrics = monitor.metrics(); // reads 150 J
    expect(faults.map((fault) => fault.code)).toEqual(['decreasing_power_reading']);
    expect(faults[0]!.message).toContain('from 100 J to 50 J');
    expect(energy.energyWh).toBeGreaterThan(0);
    expect(metrics.unattributedWh).toBeGreaterThanOrEqual(0);
    // The energy before the drop is lost; the interval counts from the new reading on: 100 + (150 - 50) J.
    expect(metrics.totalEnergyWh * WH).toBeCloseTo(200, 9);
    expect(metrics.attributedWh + metrics.unattributedWh).toBeCloseTo(metrics.totalEnergyWh, 12);
    expect(metrics.faults).toBe(1);
    expect(metrics.lastFault?.code).toBe('decreasing_power_reading');
  });

  it('reports a power source that throws or returns a non-number, and keeps serving requests', () => {
    const clock = new ManualClock(0);
    let mode: 'ok' | 'throw' | 'nan' = 'ok';
    const powerSource = {
      name: 'flaky',
      readJoules: (nowMs: number) => {
        if (mode === 'throw') throw new Error('unreadable');
        return mode === 'nan' ? Number.NaN : nowMs / 10;
      },
    };
    const monitor = new EnergyMonitor({ powerSource, clock, sampleIntervalMs: 0 });
    const codes: string[] = [];
    monitor.onFault((fault) => codes.push(fault.code));
    monitor.startTracking();
    mode = 'throw';
    clock.advanceMs(1000);
    expect(() => monitor.beginRequest().end()).not.toThrow();
    mode = 'nan';
    clock.advanceMs(1000);
    monitor.beginRequest().end();
    mode = 'ok';
    clock.advanceMs(1000);
    const metrics = monitor.metrics();
    expect(codes).toEqual([
      'power_source_failed',
      'power_source_failed',
      'invalid_power_reading',
      'invalid_power_reading',
    ]);
    expect(metrics.totalEnergyWh * WH).toBeCloseTo(300, 9); // 100 J/s over the 3 s, settled by the good reading
    expect(metrics.lastFault?.message).toContain('flaky');
  });

  it('reports a listener that throws instead of breaking the request', () => {
    const { clock, monitor } = setup({ powerWindowMs: 1000 });
    monitor.onPowerWindow(() => {
      throw new Error('listener bug');
    });
    monitor.startTracking();
    clock.advanceMs(2000);
    expect(() => monitor.beginRequest().end()).not.toThrow();
    expect(monitor.metrics().lastFault?.code).toBe('listener_failed');
  });
});

describe('EnergyMonitor: options', () => {
  const powerSource = constantPower(10);

  it('rejects bad options at construction, naming class, option and value', () => {
    expect(() => new EnergyMonitor({ powerSource, carbonIntensityGPerKWh: -1 })).toThrow(
      new RangeError(
        'EnergyMonitor: `carbonIntensityGPerKWh` must be a finite number >= 0, got -1.',
      ),
    );
    expect(() => new EnergyMonitor({ powerSource, carbonIntensityGPerKWh: Number.NaN })).toThrow(
      RangeError,
    );
    expect(() => new EnergyMonitor({ powerSource, pue: 0.9 })).toThrow(
      new RangeError('EnergyMonitor: `pue` must be a finite number >= 1, got 0.9.'),
    );
    expect(() => new EnergyMonitor({ powerSource, pue: Infinity })).toThrow(RangeError);
    expect(() => new EnergyMonitor({ powerSource, powerThresholdW: 0 })).toThrow(RangeError);
    expect(() => new EnergyMonitor({ powerSource, sampleIntervalMs: -5 })).toThrow(RangeError);
    expect(() => new EnergyMonitor({ powerSource, powerWindowMs: 0 })).toThrow(RangeError);
    expect(() => new EnergyMonitor({ powerSource, warningHysteresisRatio: 2 })).toThrow(RangeError);
    expect(() => new EnergyMonitor({ powerSource, pue: '1' as unknown as number })).toThrow(
      TypeError,
    );
    expect(() => new EnergyMonitor({ powerSource: { name: 'x' } as never })).toThrow(TypeError);
    expect(() => new EnergyMonitor({ powerSource, clock: {} as never })).toThrow(TypeError);
  });

  it('uses 475 g/kWh, PUE 1 and a 1 s sampling interval by default', () => {
    const monitor = new EnergyMonitor({ powerSource });
    expect([
      monitor.carbonIntensityGPerKWh,
      monitor.pue,
      monitor.sampleIntervalMs,
      monitor.powerThresholdW,
    ]).toEqual([475, 1, 1000, undefined]);
  });
});
