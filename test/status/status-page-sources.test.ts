import { describe, expect, it } from 'vitest';
import { EnergyMonitor, LowPowerMode } from '../../src/energy/index.js';
import { EndpointRateLimiter } from '../../src/rate-limit/index.js';
import { createStatusPage } from '../../src/status/index.js';
import { ManualClock, ManualPowerSource } from '../../src/testing/index.js';
import { MINUTE_MS, T0 } from './support.js';

/** A monitor on a manual power source, and one-second requests back to back for `seconds`. */
function monitoredService(watts: number) {
  const clock = new ManualClock(T0);
  const source = new ManualPowerSource({ clock, watts });
  const energy = new EnergyMonitor({
    powerSource: source,
    clock,
    sampleIntervalMs: 1000,
    powerWindowMs: 10_000,
  });
  energy.startTracking();
  const run = (seconds: number, atWatts = source.watts): void => {
    source.setWatts(atWatts);
    for (let i = 0; i < seconds; i++) {
      const request = energy.beginRequest();
      clock.advanceMs(1000);
      request.end();
    }
  };
  return { clock, energy, run };
}

describe('status page: energy and low-power mode', () => {
  it('shows power, energy and carbon: 100 W for 36 s is 1 Wh and 0.475 g at 475 g/kWh', () => {
    const { clock, energy, run } = monitoredService(100);
    run(36);
    const page = createStatusPage({ energy, clock });
    const figures = page.snapshot().energy!;
    expect(figures.powerSource).toBe('manual');
    expect(figures.tracking).toBe(true);
    expect(figures.durationMs).toBe(36_000);
    expect(figures.averagePowerW).toBeCloseTo(100, 9);
    expect(figures.totalEnergyWh).toBeCloseTo(1, 12);
    expect(figures.totalEmissionsG).toBeCloseTo(0.475, 12);
    expect(figures.requestsTracked).toBe(36);
    // Ended requests per watt-hour of everything measured.
    expect(figures.requestsPerWh).toBeCloseTo(36, 9);
    const metrics = energy.metrics();
    expect(figures.energyPerRequestWh).toBe(metrics.energyPerRequestWh);
    expect(figures.emissionsPerRequestG).toBe(metrics.emissionsPerRequestG);
    expect(figures.carbonIntensityGPerKWh).toBe(475);
    expect(figures.powerThresholdW).toBeNull();
    expect(figures.verdict).toBe('unjudged');
  });

  it("keeps the monitor's completed power windows for the power chart", () => {
    const { clock, energy, run } = monitoredService(50);
    run(20);
    run(10, 80);
    const history = createStatusPage({ energy, clock }).snapshot().energy!.powerHistory;
    expect(history.map(({ endMs, durationMs }) => [endMs - T0, durationMs])).toEqual([
      [10_000, 10_000],
      [20_000, 10_000],
      [30_000, 10_000],
    ]);
    expect(history.map((window) => window.powerW)).toEqual(
      [50, 50, 80].map((watts) => expect.closeTo(watts, 9) as number),
    );
  });

  it('is at risk while the windowed power is over the threshold', () => {
    const clock = new ManualClock(T0);
    const source = new ManualPowerSource({ clock, watts: 150 });
    const energy = new EnergyMonitor({
      powerSource: source,
      clock,
      sampleIntervalMs: 1000,
      powerWindowMs: 10_000,
      powerThresholdW: 120,
    });
    energy.startTracking();
    for (let i = 0; i < 12; i++) {
      clock.advanceMs(1000);
      energy.beginRequest().end();
    }
    const snapshot = createStatusPage({ energy, clock }).snapshot();
    expect(snapshot.energy!.verdict).toBe('at-risk');
    expect(snapshot.verdict).toBe('at-risk');
  });

  it('measures the reduction of low-power mode: 40 W normal, 26 W low power is 35 %, target 30 % met', () => {
    const { clock, energy, run } = monitoredService(40);
    const lowPower = new LowPowerMode({ energy });
    run(120);
    lowPower.enable('grid peak');
    run(120, 26);
    const status = createStatusPage({ energy, lowPower, clock }).snapshot().lowPower!;
    expect(status.enabled).toBe(true);
    expect(status.reason).toBe('grid peak');
    expect(status.reductionRatio).toBeCloseTo(1 - 26 / 40, 9);
    expect(status.enabledAveragePowerW).toBeCloseTo(26, 9);
    expect(status.disabledAveragePowerW).toBeCloseTo(40, 9);
    expect(status.targetReductionRatio).toBe(0.3);
    expect(status.enoughData).toBe(true);
    expect(status.verdict).toBe('ok');
  });

  it('says when the target reduction is missed, and judges nothing before both modes were measured', () => {
    const { clock, energy, run } = monitoredService(40);
    const lowPower = new LowPowerMode({ energy });
    run(120);
    const page = createStatusPage({ energy, lowPower, clock });
    expect(page.snapshot().lowPower).toMatchObject({
      enabled: false,
      reason: null,
      reductionRatio: null,
      verdict: 'unjudged',
    });
    lowPower.enable();
    run(120, 30);
    const status = page.snapshot().lowPower!;
    expect(status.reductionRatio).toBeCloseTo(1 - 30 / 40, 9);
    expect(status.verdict).toBe('at-risk');
  });
});

/** A bucket of 2 refilled 2 per minute, full at T0, given five checks at each of `atMs` (from T0). */
function referenceBursts(atMs: readonly number[]): { allowed: number; limited: number } {
  let tokens = 2;
  let lastMs = 0;
  let allowed = 0;
  let limited = 0;
  for (const t of atMs) {
    tokens = Math.min(2, tokens + (t - lastMs) / 30_000);
    lastMs = t;
    for (let i = 0; i < 5; i++) {
      if (tokens >= 1) {
        tokens -= 1;
        allowed++;
      } else limited++;
    }
  }
  return { allowed, limited };
}

describe('status page: rate limiting over recent time', () => {
  it('shows a named rule under its name with the limit of its pattern', () => {
    const clock = new ManualClock(T0);
    const limits = new EndpointRateLimiter({
      clock,
      rules: { '/login': { rate: 3, perSeconds: 60, burst: 5, name: 'login' } },
    });
    limits.check('/login', 'client');
    const status = createStatusPage({ limits, clock }).snapshot().rateLimits!;
    expect(status.rules).toMatchObject([
      { rule: 'login', limit: '3 per 60\u00A0s, burst 5', allowedTotal: 1 },
    ]);
  });

  function limitedService() {
    const clock = new ManualClock(T0);
    const limits = new EndpointRateLimiter({
      clock,
      rules: { '/agents/plan': { rate: 2, perSeconds: 60 }, '/health/*': 'unlimited' },
    });
    /** Five checks from one client: the bucket of 2 admits 2 and limits 3 each minute. */
    const burst = (): void => {
      for (let i = 0; i < 5; i++) limits.check('/agents/plan', 'client');
      limits.check('/health/live', 'client');
    };
    return { clock, limits, burst };
  }

  it('counts allowed and limited checks per rule between samples taken when the page renders', () => {
    const { clock, limits, burst } = limitedService();
    const page = createStatusPage({ limits, clock });
    burst();
    clock.advanceMs(MINUTE_MS);
    page.snapshot();
    burst();
    clock.advanceMs(MINUTE_MS);
    const status = page.snapshot().rateLimits!;
    expect(status.sinceMs).toBe(T0);
    const [plan, health] = status.rules;
    // No default rule was given: requests that match no rule count under none.
    expect(status.rules.map((rule) => rule.rule)).toEqual(['/agents/plan', '/health/*']);
    expect(plan).toEqual({
      rule: '/agents/plan',
      limit: '2 per 60\u00A0s',
      allowedTotal: 4,
      limitedTotal: 6,
      recentAllowed: 4,
      recentLimited: 6,
      intervals: [
        { startMs: T0, endMs: T0 + MINUTE_MS, allowed: 2, limited: 3 },
        { startMs: T0 + MINUTE_MS, endMs: T0 + 2 * MINUTE_MS, allowed: 2, limited: 3 },
      ],
    });
    expect(health).toMatchObject({
      rule: '/health/*',
      limit: 'unlimited',
      recentAllowed: 2,
      recentLimited: 0,
    });
  });

  it('keeps intervals at least a sixtieth of the chart window long, however often the page renders', () => {
    const { clock, limits, burst } = limitedService();
    const page = createStatusPage({ limits, clock });
    clock.advanceMs(MINUTE_MS);
    page.snapshot();
    for (let i = 0; i < 5; i++) {
      clock.advanceMs(10_000);
      burst();
      page.snapshot();
    }
    // The default chart window is one hour: intervals close after a minute, the newest stays open.
    const intervals = page.snapshot().rateLimits!.rules[0]!.intervals;
    expect(intervals.map(({ startMs, endMs }) => [startMs - T0, endMs - T0])).toEqual([
      [0, 60_000],
      [60_000, 110_000],
    ]);
    expect(intervals[1]).toMatchObject(referenceBursts([70_000, 80_000, 90_000, 100_000, 110_000]));
  });

  it('makes no empty interval when several views render at the same instant', () => {
    const { clock, limits, burst } = limitedService();
    const page = createStatusPage({ limits, clock });
    burst();
    clock.advanceMs(2 * MINUTE_MS);
    for (let i = 0; i < 3; i++) page.snapshot();
    burst();
    const intervals = page.snapshot().rateLimits!.rules[0]!.intervals;
    expect(intervals).toEqual([{ startMs: T0, endMs: T0 + 2 * MINUTE_MS, allowed: 4, limited: 6 }]);
  });

  it('keeps samples for the chart window only, so memory stays bounded', () => {
    const { clock, limits, burst } = limitedService();
    const chartWindowMs = 2 * MINUTE_MS;
    const page = createStatusPage({ limits, clock, chartWindowMs });
    for (let i = 0; i < 600; i++) {
      clock.advanceMs(1000);
      burst();
      page.snapshot();
    }
    const status = page.snapshot().rateLimits!;
    const nowMs = clock.nowMs();
    expect(status.sinceMs).toBeLessThanOrEqual(nowMs - chartWindowMs);
    expect(status.sinceMs).toBeGreaterThan(nowMs - chartWindowMs - 2 * status.sampleSpacingMs);
    expect(status.sampleSpacingMs).toBe(chartWindowMs / 60);
    expect(status.rules[0]!.intervals.length).toBeLessThanOrEqual(61);
    const recent = status.rules[0]!;
    expect(recent.recentAllowed + recent.recentLimited).toBe(((nowMs - status.sinceMs) / 1000) * 5);
  });

  it('leaves out the sections whose source is not given', () => {
    const snapshot = createStatusPage({}).snapshot();
    expect([snapshot.endpoints, snapshot.energy, snapshot.lowPower, snapshot.rateLimits]).toEqual([
      null,
      null,
      null,
      null,
    ]);
  });
});
