import { describe, expect, it } from 'vitest';
import {
  BURN_RATE_ALERT_RULES,
  BURN_RATE_WINDOWS_MS,
  ERROR_BUDGET_PERIOD_MS,
  SLOTracker,
  type BurnRateWindow,
  type SloObjectives,
} from '../../src/slo/index.js';
import { ManualClock } from '../../src/testing/manual-clock.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const START_MS = Date.UTC(2026, 2, 1);

/**
 * Drives a tracker through fake time and keeps its own log of every request, so that expected burn
 * rates are computed independently: a window of W covers the buckets (1 minute up to 6 h, 10 minutes
 * beyond) from the current one back W / width - 1 buckets.
 */
class Scenario {
  readonly clock = new ManualClock(START_MS);
  readonly tracker: SLOTracker;
  readonly log: { atMs: number; latencyMs: number; error: boolean }[] = [];

  constructor(objectives: SloObjectives) {
    this.tracker = new SLOTracker({ clock: this.clock, objectives });
  }

  /** For `durationMs`, every minute: `perMinute` requests, the first `badPerMinute` bad. */
  run(
    durationMs: number,
    perMinute: number,
    badPerMinute: number,
    bad: { latencyMs?: number; error?: boolean },
  ): void {
    for (let elapsed = 0; elapsed < durationMs; elapsed += MINUTE_MS) {
      for (let i = 0; i < perMinute; i++) {
        const isBad = i < badPerMinute;
        const latencyMs = isBad && bad.latencyMs !== undefined ? bad.latencyMs : 5;
        const error = isBad && bad.error === true;
        this.tracker.record('/api', latencyMs, { error });
        this.log.push({ atMs: this.clock.nowMs(), latencyMs, error });
      }
      this.clock.advanceMs(MINUTE_MS);
    }
  }

  expected(
    window: BurnRateWindow,
    isBad: (entry: Scenario['log'][number]) => boolean,
    budget: number,
  ): { total: number; bad: number; burnRate: number } {
    const windowMs = BURN_RATE_WINDOWS_MS[window];
    const widthMs = windowMs <= 6 * HOUR_MS ? MINUTE_MS : 10 * MINUTE_MS;
    const firstBucket = Math.floor(this.clock.nowMs() / widthMs) - windowMs / widthMs + 1;
    const inWindow = this.log.filter((entry) => Math.floor(entry.atMs / widthMs) >= firstBucket);
    const bad = inWindow.filter(isBad).length;
    return {
      total: inWindow.length,
      bad,
      burnRate: inWindow.length === 0 ? 0 : bad / inWindow.length / budget,
    };
  }
}

const WINDOWS = Object.keys(BURN_RATE_WINDOWS_MS) as BurnRateWindow[];

describe('burn-rate windows and rules', () => {
  it('cover 5m, 30m, 1h, 2h, 6h, 1d and 3d', () => {
    expect(BURN_RATE_WINDOWS_MS).toEqual({
      '5m': 300_000,
      '30m': 1_800_000,
      '1h': 3_600_000,
      '2h': 7_200_000,
      '6h': 21_600_000,
      '1d': 86_400_000,
      '3d': 259_200_000,
    });
    expect(ERROR_BUDGET_PERIOD_MS).toBe(3 * DAY_MS);
  });

  it('are the SRE workbook rules: page 14.4x (1h, 5m) and 6x (6h, 30m), ticket 3x (1d, 2h) and 1x (3d, 6h)', () => {
    expect(
      BURN_RATE_ALERT_RULES.map((rule) => [
        rule.severity,
        rule.longWindow,
        rule.shortWindow,
        rule.burnRateThreshold,
      ]),
    ).toEqual([
      ['page', '1h', '5m', 14.4],
      ['page', '6h', '30m', 6],
      ['ticket', '1d', '2h', 3],
      ['ticket', '3d', '6h', 1],
    ]);
  });
});

describe('burn rates over fake time', () => {
  it('are zero with no alert after three days of good traffic', () => {
    const scenario = new Scenario({ '/api': { p95Ms: 100, errorRate: 0.001 } });
    scenario.run(3 * DAY_MS, 10, 0, {});
    const rates = scenario.tracker.burnRates('/api');
    for (const objective of rates.objectives)
      for (const window of WINDOWS) expect(objective.windows[window].burnRate).toBe(0);
    // The clock stands at the start of a new, empty ten-minute bucket: the window holds the 431 before it.
    expect(rates.objectives[0]!.windows['3d'].totalCount).toBe(
      scenario.expected('3d', () => false, 1).total,
    );
    expect(rates.objectives[0]!.windows['3d'].totalCount).toBe(431 * 10 * 10);
    const alerts = scenario.tracker.alerts('/api');
    expect([alerts.page, alerts.ticket]).toEqual([false, false]);
    expect(alerts.evaluations).toHaveLength(8);
  });

  it('match the independent count for a latency objective in every window after an hour-long slowdown', () => {
    const scenario = new Scenario({ '/api': { p95Ms: 100 } });
    scenario.run(8 * HOUR_MS, 20, 0, {});
    scenario.run(HOUR_MS, 20, 16, { latencyMs: 250 });
    scenario.clock.advanceMs(25_000);
    const [latency] = scenario.tracker.burnRates('/api').objectives;
    expect(latency).toMatchObject({
      kind: 'p95',
      target: 100,
      targetRatio: 0.95,
      budgetRatio: 0.05,
    });
    for (const window of WINDOWS) {
      const expected = scenario.expected(window, (entry) => entry.latencyMs > 100, 0.05);
      expect(latency!.windows[window]).toEqual({
        burnRate: expected.burnRate,
        totalCount: expected.total,
        badCount: expected.bad,
      });
    }
    // 80 % slow for the last hour is a 16x burn: both page windows of the first rule exceed 14.4.
    expect(latency!.windows['1h'].burnRate).toBeCloseTo(16, 10);
  });

  it('page when an outage burns budget fast in both the long and the short window', () => {
    const scenario = new Scenario({ '/api': { errorRate: 0.001 } });
    scenario.run(2 * HOUR_MS, 60, 0, {});
    scenario.run(HOUR_MS, 60, 3, { error: true });
    const alerts = scenario.tracker.alerts('/api');
    const first = alerts.evaluations[0]!;
    const expectedLong = scenario.expected('1h', (entry) => entry.error, 0.001).burnRate;
    const expectedShort = scenario.expected('5m', (entry) => entry.error, 0.001).burnRate;
    expect(first).toEqual({
      ...BURN_RATE_ALERT_RULES[0],
      kind: 'errorRate',
      longBurnRate: expectedLong,
      shortBurnRate: expectedShort,
      firing: true,
    });
    expect(alerts.page).toBe(true);
  });

  it('stop paging soon after the outage ends, while the long window still remembers it', () => {
    const scenario = new Scenario({ '/api': { errorRate: 0.001 } });
    scenario.run(2 * HOUR_MS, 60, 0, {});
    scenario.run(10 * MINUTE_MS, 60, 60, { error: true });
    scenario.run(10 * MINUTE_MS, 60, 0, {});
    const [fast, slow] = scenario.tracker.alerts('/api').evaluations;
    expect(fast!.longBurnRate).toBeGreaterThan(14.4);
    expect(fast!.shortBurnRate).toBe(0);
    expect(fast!.firing).toBe(false);
    // The 6 h rule still fires: its 30 m window holds the outage.
    expect(slow!.longBurnRate).toBeGreaterThan(6);
    expect(slow!.shortBurnRate).toBeGreaterThan(6);
    expect(slow!.firing).toBe(true);
  });

  it('raise a ticket, not a page, for a slow burn of twice the budget over three days', () => {
    const scenario = new Scenario({ '/api': { errorRate: 0.01 } });
    scenario.run(3 * DAY_MS, 50, 1, { error: true });
    const alerts = scenario.tracker.alerts('/api');
    expect(alerts.page).toBe(false);
    expect(alerts.ticket).toBe(true);
    const byWindows = Object.fromEntries(
      alerts.evaluations.map((e) => [`${e.longWindow}/${e.shortWindow}`, e]),
    );
    expect(byWindows['3d/6h']!.firing).toBe(true);
    expect(byWindows['1d/2h']!.firing).toBe(false);
    expect(byWindows['3d/6h']!.longBurnRate).toBeCloseTo(2, 10);
  });

  it('forget buckets older than their reach: a day after the incident, 1d counts none of it', () => {
    const scenario = new Scenario({ '/api': { errorRate: 0.01 } });
    scenario.run(HOUR_MS, 10, 10, { error: true });
    scenario.run(DAY_MS + HOUR_MS, 10, 0, {});
    const windows = scenario.tracker.burnRates('/api').objectives[0]!.windows;
    expect(windows['1d'].badCount).toBe(0);
    expect(windows['3d'].badCount).toBe(600);
    scenario.clock.advanceMs(3 * DAY_MS);
    const later = scenario.tracker.burnRates('/api').objectives[0]!.windows;
    expect(later['3d']).toEqual({ burnRate: 0, totalCount: 0, badCount: 0 });
  });

  it('keep bounded memory: after five days the series hold at most 6 h of minutes and 3 d of ten minutes', () => {
    const scenario = new Scenario({ '/api': { errorRate: 0.01 } });
    scenario.run(5 * DAY_MS, 1, 0, {});
    scenario.tracker.record('/api', 5);
    expect(scenario.tracker.timeSeries('/api', 'minute')!.points.length).toBe(360);
    expect(scenario.tracker.timeSeries('/api', 'tenMinutes')!.points.length).toBe(432);
  });

  it('keep counting into the newest bucket when the clock steps back', () => {
    const scenario = new Scenario({ '/api': { errorRate: 0.5 } });
    scenario.run(10 * MINUTE_MS, 1, 0, {});
    scenario.clock.setMs(START_MS);
    scenario.tracker.record('/api', 5, { error: true });
    // The failure joins the newest minute (the tenth); 5m covers minutes six to ten: 5 + 1 requests.
    const windows = scenario.tracker.burnRates('/api').objectives[0]!.windows;
    expect(windows['5m']).toEqual({ burnRate: 1 / 6 / 0.5, totalCount: 6, badCount: 1 });
    expect(windows['1h'].totalCount).toBe(11);
  });

  it('are empty for an endpoint without objectives, and zero for one with objectives but no traffic', () => {
    const scenario = new Scenario({ '/api': { p99Ms: 10 } });
    scenario.tracker.record('/free', 1);
    expect(scenario.tracker.burnRates('/free')).toEqual({ endpoint: '/free', objectives: [] });
    const idle = scenario.tracker.burnRates('/api').objectives[0]!;
    expect(idle.windows['1h']).toEqual({ burnRate: 0, totalCount: 0, badCount: 0 });
  });
});

describe('error budget', () => {
  it('reports consumed and remaining budget over the last three days', () => {
    const scenario = new Scenario({ '/api': { p99Ms: 50, errorRate: 0.002 } });
    scenario.run(2 * DAY_MS, 100, 0, {});
    scenario.run(HOUR_MS, 100, 2, { latencyMs: 80, error: true });
    const budget = scenario.tracker.errorBudget('/api');
    expect(budget.periodMs).toBe(3 * DAY_MS);
    const total = scenario.log.length;
    const bad = scenario.log.filter((entry) => entry.error).length;
    const [latency, errors] = budget.objectives;
    expect(latency).toEqual({
      kind: 'p99',
      target: 50,
      targetRatio: 0.99,
      budgetRatio: 0.01,
      totalCount: total,
      badCount: bad,
      allowedBadCount: 0.01 * total,
      consumedRatio: bad / (0.01 * total),
      remainingRatio: 1 - bad / (0.01 * total),
    });
    expect(errors!.allowedBadCount).toBe(0.002 * total);
    expect(errors!.consumedRatio).toBe(bad / (0.002 * total));
  });

  it('goes negative when overspent', () => {
    const scenario = new Scenario({ '/api': { errorRate: 0.01 } });
    scenario.run(HOUR_MS, 10, 1, { error: true });
    const [errors] = scenario.tracker.errorBudget('/api').objectives;
    expect(errors!.consumedRatio).toBeCloseTo(10, 10);
    expect(errors!.remainingRatio).toBeCloseTo(-9, 10);
  });

  it('is untouched without traffic and infinite burn for a zero budget with a failure', () => {
    const scenario = new Scenario({ '/api': { errorRate: 0 } });
    expect(scenario.tracker.errorBudget('/api').objectives[0]).toMatchObject({
      totalCount: 0,
      consumedRatio: 0,
      remainingRatio: 1,
    });
    scenario.tracker.record('/api', 1, { error: true });
    expect(scenario.tracker.errorBudget('/api').objectives[0]!.consumedRatio).toBe(Infinity);
    expect(scenario.tracker.burnRates('/api').objectives[0]!.windows['5m'].burnRate).toBe(Infinity);
  });
});
