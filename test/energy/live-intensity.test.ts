import { describe, expect, it } from 'vitest';
import {
  constantPower,
  EnergyMonitor,
  LowPowerMode,
  type CarbonIntensityProvider,
} from '../../src/energy/index.js';
import { ManualClock, ManualPowerSource } from '../../src/testing/index.js';

/** Lets pending promise callbacks run (the provider's answers arrive as resolved promises). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A provider whose figure the test sets; records the times it was asked at. */
class SetIntensity implements CarbonIntensityProvider {
  readonly name = 'test-grid';
  readonly asked: number[] = [];
  constructor(
    public valueGPerKWh: number,
    readonly fallbackGPerKWh?: number,
  ) {}
  intensityGPerKWh(nowMs: number): Promise<number> {
    this.asked.push(nowMs);
    return Promise.resolve(this.valueGPerKWh);
  }
}

describe('EnergyMonitor with a carbon intensity provider', () => {
  it('charges each interval between readings at the figure asked for when it opened', async () => {
    const clock = new ManualClock(0);
    const source = new ManualPowerSource({ clock, watts: 100 });
    const grid = new SetIntensity(200, 999);
    const monitor = new EnergyMonitor({
      powerSource: source,
      clock,
      carbonIntensityGPerKWh: grid,
      carbonIntensityRefreshMs: 0,
      pue: 1.2,
    });
    monitor.startTracking();
    expect(monitor.carbonIntensityGPerKWh).toBe(999);
    await settle();
    expect(monitor.carbonIntensityGPerKWh).toBe(200);
    // Intervals (s): [0,10] at 100 W, then the grid goes to 500 and the power to 50 W for [10,30].
    const steps = [
      { seconds: 10, watts: 100, intensity: 500 },
      { seconds: 20, watts: 50, intensity: 80 },
      { seconds: 5, watts: 300, intensity: 80 },
    ];
    let expectedG = 0;
    let intensityInForce = 200;
    for (const step of steps) {
      source.setWatts(step.watts);
      clock.advanceMs(step.seconds * 1000);
      expectedG += ((step.watts * step.seconds) / 3.6e6) * intensityInForce * 1.2;
      grid.valueGPerKWh = step.intensity;
      monitor.metrics(); // a reading: settles the interval and asks the provider
      await settle();
      intensityInForce = step.intensity;
    }
    const metrics = monitor.metrics();
    expect(metrics.totalEmissionsG).toBeCloseTo(expectedG, 12);
    expect(metrics.carbonIntensitySource).toBe('test-grid');
    expect(metrics.carbonIntensityGPerKWh).toBe(80);
    const kWh = (100 * 10 + 50 * 20 + 300 * 5) / 3.6e6;
    expect(metrics.averageCarbonIntensityGPerKWh).toBeCloseTo(expectedG / (kWh * 1.2), 9);
    expect(grid.asked).toEqual([0, 10_000, 30_000, 35_000]);
  });

  it('never awaits the provider on a request: begin and end return at once, and a slow answer applies only to its interval', async () => {
    const clock = new ManualClock(0);
    let answer: (value: number) => void = () => {};
    const slow: CarbonIntensityProvider = {
      name: 'slow',
      fallbackGPerKWh: 100,
      intensityGPerKWh: () => new Promise<number>((resolve) => (answer = resolve)),
    };
    const monitor = new EnergyMonitor({
      powerSource: constantPower(3600),
      clock,
      carbonIntensityGPerKWh: slow,
      sampleIntervalMs: 1000,
      carbonIntensityRefreshMs: 0,
    });
    const handle = monitor.beginRequest();
    clock.advanceMs(1000);
    const energy = handle.end(); // 1 Wh at the fallback 100 g/kWh: the provider has not answered
    expect(energy.emissionsG).toBeCloseTo(0.1, 12);
    answer(700); // the answer to the question asked at 0 arrives after that interval closed
    await settle();
    clock.advanceMs(1000);
    // [1000, 2000] opened before 700 arrived: it is charged at the figure in force then, 100.
    expect(monitor.metrics().totalEmissionsG).toBeCloseTo(0.1 + 0.1, 12);
    clock.advanceMs(1000);
    expect(monitor.metrics().totalEmissionsG).toBeCloseTo(0.1 + 0.1 + 0.7, 12);
  });

  it('reports a provider that rejects or answers NaN as a fault and keeps the figure in force', async () => {
    const clock = new ManualClock(0);
    const answers: (() => Promise<number>)[] = [
      () => Promise.reject(new Error('down')),
      () => Promise.resolve(Number.NaN),
    ];
    const flaky: CarbonIntensityProvider = {
      name: 'flaky',
      intensityGPerKWh: () => answers.shift()!(),
    };
    const monitor = new EnergyMonitor({
      powerSource: constantPower(10),
      clock,
      carbonIntensityGPerKWh: flaky,
      carbonIntensityRefreshMs: 0,
    });
    const faults: string[] = [];
    monitor.onFault((fault) => faults.push(`${fault.code}: ${fault.message}`));
    monitor.startTracking();
    await settle();
    clock.advanceMs(1000);
    monitor.metrics();
    await settle();
    expect(faults).toEqual([
      'carbon_intensity_failed: carbon intensity provider "flaky" failed: down',
      'carbon_intensity_failed: carbon intensity provider "flaky" answered NaN instead of a finite number >= 0 of gCO2e/kWh; the figure 475 stays.',
    ]);
    expect(monitor.metrics().carbonIntensityGPerKWh).toBe(475);
    expect(Number.isNaN(monitor.metrics().totalEmissionsG)).toBe(false);
  });

  it('refuses an intensity that is neither a number nor a provider', () => {
    expect(
      () =>
        new EnergyMonitor({
          powerSource: constantPower(1),
          carbonIntensityGPerKWh: { name: 'x' } as never,
        }),
    ).toThrow(/`carbonIntensityGPerKWh` must be a finite number >= 0 or a CarbonIntensityProvider/);
  });
});

describe('EnergyMonitor: Software Carbon Intensity per request', () => {
  it('is (E x I + M) / R over the time tracked', () => {
    const clock = new ManualClock(0);
    const monitor = new EnergyMonitor({
      powerSource: constantPower(200),
      clock,
      carbonIntensityGPerKWh: 300,
      embodiedGPerHour: 36,
      pue: 1.5,
    });
    monitor.startTracking();
    expect(monitor.metrics().sciGPerRequest).toBe(0);
    for (let i = 0; i < 4; i++) {
      const handle = monitor.beginRequest();
      clock.advanceMs(250);
      handle.end();
      clock.advanceMs(650);
    }
    const metrics = monitor.metrics();
    const kWh = (200 * 3.6) / 3.6e6;
    const operationalG = kWh * 1.5 * 300;
    const embodiedG = 36 * (3600 / 3_600_000);
    expect(metrics.embodiedEmissionsG).toBeCloseTo(embodiedG, 12);
    expect(metrics.sciGPerRequest).toBeCloseTo((operationalG + embodiedG) / 4, 12);
  });
});

describe('LowPowerMode with a carbon intensity provider', () => {
  it('switches on the answers as they arrive, asked in the background on evaluate()', async () => {
    const clock = new ManualClock(0);
    const grid = new SetIntensity(100);
    const mode = new LowPowerMode({
      clock,
      auto: {
        maxCarbonIntensityGPerKWh: 300,
        minDwellMs: 0,
        carbonIntensityGPerKWh: grid,
        carbonIntensityRefreshMs: 0,
      },
    });
    expect(mode.evaluate()).toBe(false); // no figure before the first answer: no switch on a fallback
    await settle();
    expect(mode.enabled).toBe(false);
    grid.valueGPerKWh = 450;
    clock.advanceMs(1000);
    expect(mode.evaluate()).toBe(false); // the figure in force is still 100; 450 is on its way
    await settle();
    expect(mode.enabled).toBe(true);
    expect(mode.reason).toBe('carbon intensity 450 gCO2e/kWh above 300 gCO2e/kWh');
    grid.valueGPerKWh = 200;
    clock.advanceMs(1000);
    mode.evaluate();
    await settle();
    expect(mode.enabled).toBe(false);
  });

  it('follows the monitor whose intensity comes from a provider when auto has none', async () => {
    const clock = new ManualClock(0);
    const grid = new SetIntensity(500, 100);
    const energy = new EnergyMonitor({
      powerSource: constantPower(10),
      clock,
      carbonIntensityGPerKWh: grid,
      powerWindowMs: 1000,
      sampleIntervalMs: 1000,
    });
    const mode = new LowPowerMode({
      clock,
      energy,
      auto: { maxCarbonIntensityGPerKWh: 300, minDwellMs: 0 },
    });
    energy.startTracking();
    await settle();
    clock.advanceMs(1000);
    energy.metrics(); // completes a power window: the mode evaluates with the monitor's 500
    expect(mode.enabled).toBe(true);
  });
});
