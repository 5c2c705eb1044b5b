import { describe, expect, it } from 'vitest';
import { SLOTracker } from '../../src/slo/index.js';
import {
  createStatusPage,
  type EndpointStatus,
  type StatusSnapshot,
} from '../../src/status/index.js';
import { ManualClock } from '../../src/testing/index.js';
import {
  LATENCIES_MS,
  MINUTE_MS,
  percentileOf,
  SCRIPT_ENDPOINT,
  T0,
  trackedService,
} from './support.js';

function byName(snapshot: StatusSnapshot, endpoint: string): EndpointStatus {
  const found = snapshot.endpoints?.find((status) => status.endpoint === endpoint);
  if (found === undefined) throw new Error(`no endpoint ${endpoint}`);
  return found;
}

describe('status page: latency objectives', () => {
  it('judges each endpoint: OK up to 80 % of its objective, at risk up to it, breached above it', () => {
    const { clock, slo } = trackedService();
    const snapshot = createStatusPage({ slo, clock }).snapshot();
    const p95 = percentileOf(LATENCIES_MS, 95);
    expect(p95).toBeCloseTo(95.05, 10);
    expect(byName(snapshot, '/fast').p95).toEqual({ actualMs: p95, targetMs: 200, verdict: 'ok' });
    expect(byName(snapshot, '/close').p95).toEqual({
      actualMs: p95,
      targetMs: 100,
      verdict: 'at-risk',
    });
    expect(byName(snapshot, '/slow').p95).toEqual({
      actualMs: p95,
      targetMs: 90,
      verdict: 'breached',
    });
    expect(byName(snapshot, SCRIPT_ENDPOINT).p95).toEqual({
      actualMs: p95,
      targetMs: null,
      verdict: 'unjudged',
    });
    expect(byName(snapshot, '/slow').p50).toEqual({
      actualMs: percentileOf(LATENCIES_MS, 50),
      targetMs: null,
      verdict: 'unjudged',
    });
    expect(byName(snapshot, '/slow').p99.actualMs).toBeCloseTo(percentileOf(LATENCIES_MS, 99), 10);
  });

  it('judges the error rate since the start against its objective', () => {
    const { clock, slo } = trackedService();
    const fast = byName(createStatusPage({ slo, clock }).snapshot(), '/fast');
    expect(fast.requestCount).toBe(100);
    expect(fast.errorRate).toEqual({ actualRatio: 1 / 100, targetRatio: 0.05, verdict: 'ok' });
    expect(byName(createStatusPage({ slo, clock }).snapshot(), '/close').errorRate).toEqual({
      actualRatio: 0,
      targetRatio: null,
      verdict: 'unjudged',
    });
  });

  it('lists the worst endpoints first, counts verdicts and takes the worst as the page verdict', () => {
    const { clock, slo } = trackedService();
    const snapshot = createStatusPage({ slo, clock }).snapshot();
    expect(snapshot.endpoints?.map((status) => [status.endpoint, status.verdict])).toEqual([
      ['/slow', 'breached'],
      ['/close', 'at-risk'],
      ['/fast', 'ok'],
      [SCRIPT_ENDPOINT, 'unjudged'],
    ]);
    expect(snapshot.verdictCounts).toEqual({ breached: 1, 'at-risk': 1, ok: 1, unjudged: 1 });
    expect(snapshot.verdict).toBe('breached');
  });

  it('spends the error budget by bad requests against those the objective allows', () => {
    const { clock, slo } = trackedService();
    const snapshot = createStatusPage({ slo, clock }).snapshot();
    // /slow: 10 of 100 requests over 90 ms where 5 % of 100 = 5 are allowed: twice the budget.
    expect(byName(snapshot, '/slow').errorBudgets).toEqual([
      {
        kind: 'p95',
        remainingRatio: 1 - 10 / 5,
        totalCount: 100,
        badCount: 10,
        verdict: 'breached',
      },
    ]);
    // /fast: 1 error where 5 are allowed: a fifth spent.
    const [latency, errors] = byName(snapshot, '/fast').errorBudgets;
    expect(latency).toEqual({
      kind: 'p95',
      remainingRatio: 1,
      totalCount: 100,
      badCount: 0,
      verdict: 'ok',
    });
    expect(errors!.kind).toBe('errorRate');
    expect(errors!.remainingRatio).toBeCloseTo(1 - 1 / 5, 12);
    expect(errors!.verdict).toBe('ok');
    expect(byName(snapshot, SCRIPT_ENDPOINT).errorBudgets).toEqual([]);
  });

  it('shows burn rates over 5 minutes, 1 hour and 6 hours, and the alert rules that fire', () => {
    const { clock, slo } = trackedService();
    const slow = byName(createStatusPage({ slo, clock }).snapshot(), '/slow');
    // 5 m: minutes 5 to 9 hold latencies 51..100, ten of them over 90 ms: (10 / 50) / 0.05.
    expect(slow.burnRates?.['5m'].burnRate).toBeCloseTo(10 / 50 / 0.05, 12);
    expect(slow.burnRates?.['1h'].burnRate).toBeCloseTo(10 / 100 / 0.05, 12);
    expect(slow.burnRates?.['6h'].burnRate).toBeCloseTo(10 / 100 / 0.05, 12);
    expect(Object.values(slow.burnRates!).map((burn) => [burn.kind, burn.verdict])).toEqual([
      ['p95', 'at-risk'],
      ['p95', 'at-risk'],
      ['p95', 'at-risk'],
    ]);
    // Burning 2x over 3 d and 6 h fires the 1x ticket rule only.
    expect(slow.alerts).toEqual(['ticket alert: p95 burning 2x over 3d and 2x over 6h']);
    expect(slow.reasons[0]).toBe('p95 95.1\u00A0ms over its 90\u00A0ms objective');
    expect(slow.reasons).toContain('ticket alert: p95 burning 2x over 3d and 2x over 6h');
    expect(
      byName(createStatusPage({ slo, clock }).snapshot(), SCRIPT_ENDPOINT).burnRates,
    ).toBeNull();
  });

  it("draws the tracker's one-minute buckets of the chart window, oldest first", () => {
    const { clock, slo } = trackedService();
    const expected = Array.from({ length: 10 }, (_, minute) => ({
      startMs: T0 + minute * MINUTE_MS,
      count: 10,
      errorCount: 0,
      meanLatencyMs: minute * 10 + 5.5,
      maxLatencyMs: minute * 10 + 10,
    }));
    expect(byName(createStatusPage({ slo, clock }).snapshot(), '/slow').latencySeries).toEqual(
      expected,
    );
    // A five-minute window holds the current minute (9) and the four before it.
    expect(
      byName(createStatusPage({ slo, clock, chartWindowMs: 5 * MINUTE_MS }).snapshot(), '/slow')
        .latencySeries,
    ).toEqual(expected.slice(5));
  });

  it('keeps figures while nothing changes, and reads again after a record or when the minute turns', () => {
    const { clock, slo } = trackedService();
    const page = createStatusPage({ slo, clock });
    const first = byName(page.snapshot(), '/close');
    expect(byName(page.snapshot(), '/close')).toBe(first);
    const slowOnes = Array.from({ length: 10 }, () => 500);
    for (const latencyMs of slowOnes) slo.record('/close', latencyMs);
    const recorded = byName(page.snapshot(), '/close');
    expect(recorded.requestCount).toBe(110);
    expect(recorded.p95.actualMs).toBe(percentileOf([...LATENCIES_MS, ...slowOnes], 95));
    expect(recorded.p95.actualMs).toBeGreaterThan(100);
    expect(recorded.p95.verdict).toBe('breached');
    // Six quiet minutes later the 5-minute window is empty, the hour still holds every request.
    clock.advanceMs(6 * MINUTE_MS);
    const slow = byName(page.snapshot(), '/slow');
    expect(slow.burnRates?.['5m'].burnRate).toBe(0);
    expect(slow.burnRates?.['1h'].burnRate).toBeCloseTo(2, 12);
    expect(slow.latencySeries.map((point) => point.startMs)).toEqual(
      Array.from({ length: 10 }, (_, minute) => T0 + minute * MINUTE_MS),
    );
  });

  it('trims the chart series as the minute turns, also without new records', () => {
    const { clock, slo } = trackedService();
    const page = createStatusPage({ slo, clock, chartWindowMs: 5 * MINUTE_MS });
    expect(byName(page.snapshot(), '/slow').latencySeries).toHaveLength(5);
    clock.advanceMs(2 * MINUTE_MS);
    expect(
      byName(page.snapshot(), '/slow').latencySeries.map(
        (point) => (point.startMs - T0) / MINUTE_MS,
      ),
    ).toEqual([7, 8, 9]);
  });

  it('forgets endpoints the tracker no longer has', () => {
    const { clock, slo } = trackedService();
    const page = createStatusPage({ slo, clock });
    expect(page.snapshot().endpoints).toHaveLength(4);
    slo.reset();
    slo.record('/fast', 3);
    const after = page.snapshot();
    expect(after.endpoints?.map((status) => [status.endpoint, status.requestCount])).toEqual([
      ['/fast', 1],
    ]);
  });

  it('has no endpoints section without a tracker, and an empty one before the first request', () => {
    expect(createStatusPage({}).snapshot().endpoints).toBeNull();
    const clock = new ManualClock(T0);
    const slo = new SLOTracker({ clock });
    const empty = createStatusPage({ slo, clock }).snapshot();
    expect(empty.endpoints).toEqual([]);
    expect(empty.verdict).toBe('unjudged');
  });
});
