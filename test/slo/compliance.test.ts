import { describe, expect, it } from 'vitest';
import { DEFAULT_SLOS, SLOTracker } from '../../src/slo/index.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { sortedPercentile } from './reference.js';

const START_MS = Date.UTC(2026, 0, 2, 3, 4, 5);

function trackerWith(options: ConstructorParameters<typeof SLOTracker>[0] = {}): SLOTracker {
  return new SLOTracker({ clock: new ManualClock(START_MS), ...options });
}

/** Records 100 requests whose latencies are `fastMs` except the given number of `slowMs` ones. */
function recordMix(
  tracker: SLOTracker,
  endpoint: string,
  fastMs: number,
  slowMs: number,
  slowCount: number,
  errorCount = 0,
): number[] {
  const samples = Array.from({ length: 100 }, (_, i) => (i < slowCount ? slowMs : fastMs));
  samples.forEach((latencyMs, i) =>
    tracker.record(endpoint, latencyMs, { error: i >= 100 - errorCount }),
  );
  return samples;
}

describe('default SLOs', () => {
  it('are /health p95 10 ms, /health/ready 20 ms, /health/live 5 ms, /metrics 50 ms, each with error rate 0.0001', () => {
    expect(DEFAULT_SLOS).toEqual({
      '/health': { p95Ms: 10, errorRate: 0.0001 },
      '/health/ready': { p95Ms: 20, errorRate: 0.0001 },
      '/health/live': { p95Ms: 5, errorRate: 0.0001 },
      '/metrics': { p95Ms: 50, errorRate: 0.0001 },
    });
    expect(Object.isFrozen(DEFAULT_SLOS)).toBe(true);
    expect(Object.isFrozen(DEFAULT_SLOS['/health'])).toBe(true);
  });

  for (const [endpoint, objective] of Object.entries(DEFAULT_SLOS)) {
    const thresholdMs = objective.p95Ms!;

    it(`${endpoint}: complies when P95 is just under ${thresholdMs} ms without errors`, () => {
      const tracker = trackerWith();
      const samples = recordMix(tracker, endpoint, thresholdMs * 0.5, thresholdMs * 0.99, 10);
      const result = tracker.checkCompliance(endpoint);
      expect(result.compliant).toBe(true);
      expect(result.checks).toEqual([
        { kind: 'p95', target: thresholdMs, actual: sortedPercentile(samples, 95), passed: true },
        { kind: 'errorRate', target: 0.0001, actual: 0, passed: true },
      ]);
    });

    it(`${endpoint}: violates when more than 5 % of requests exceed ${thresholdMs} ms`, () => {
      const tracker = trackerWith();
      const samples = recordMix(tracker, endpoint, thresholdMs * 0.5, thresholdMs * 1.5, 6);
      const result = tracker.checkCompliance(endpoint);
      expect(result.compliant).toBe(false);
      expect(result.checks[0]).toEqual({
        kind: 'p95',
        target: thresholdMs,
        actual: sortedPercentile(samples, 95),
        passed: false,
      });
      expect(result.checks[1]!.passed).toBe(true);
    });

    it(`${endpoint}: violates its error rate with 1 failure in 100 requests`, () => {
      const tracker = trackerWith();
      recordMix(tracker, endpoint, thresholdMs * 0.5, thresholdMs, 0, 1);
      const result = tracker.checkCompliance(endpoint);
      expect(result.compliant).toBe(false);
      expect(result.checks[1]).toEqual({
        kind: 'errorRate',
        target: 0.0001,
        actual: 0.01,
        passed: false,
      });
    });
  }
});

describe('compliance', () => {
  it('passes a latency check exactly at the target (at or under)', () => {
    const tracker = trackerWith({ objectives: { '/a': { p50Ms: 5 } } });
    [5, 5, 5].forEach((ms) => tracker.record('/a', ms));
    expect(tracker.checkCompliance('/a').checks).toEqual([
      { kind: 'p50', target: 5, actual: 5, passed: true },
    ]);
  });

  it('judges every objective given, in the order p50, p95, p99, error rate', () => {
    const tracker = trackerWith({ objectives: { '/a': { errorRate: 0.5, p99Ms: 100, p50Ms: 1 } } });
    const samples = [0.5, 0.7, 2, 3, 150];
    samples.forEach((ms) => tracker.record('/a', ms));
    const { checks, compliant } = tracker.checkCompliance('/a');
    expect(compliant).toBe(false);
    expect(checks.map((check) => check.kind)).toEqual(['p50', 'p99', 'errorRate']);
    expect(checks[0]).toEqual({ kind: 'p50', target: 1, actual: 2, passed: false });
    expect(checks[1]).toEqual({
      kind: 'p99',
      target: 100,
      actual: sortedPercentile(samples, 99),
      passed: false,
    });
    expect(checks[2]).toEqual({ kind: 'errorRate', target: 0.5, actual: 0, passed: true });
  });

  it('has no checks and complies for an endpoint without objectives', () => {
    const tracker = trackerWith();
    tracker.record('/free', 10_000);
    expect(tracker.checkCompliance('/free')).toEqual({
      endpoint: '/free',
      compliant: true,
      checks: [],
    });
  });

  it('does not fail an endpoint that recorded nothing yet', () => {
    expect(trackerWith().checkCompliance('/health')).toEqual({
      endpoint: '/health',
      compliant: true,
      checks: [
        { kind: 'p95', target: 10, actual: null, passed: true },
        { kind: 'errorRate', target: 0.0001, actual: null, passed: true },
      ],
    });
  });
});

describe('violation detection', () => {
  it('lists every failed check of every endpoint and nothing else', () => {
    const tracker = trackerWith();
    recordMix(tracker, '/health', 2, 30, 50);
    recordMix(tracker, '/health/live', 1, 1, 0);
    recordMix(tracker, '/metrics', 10, 10, 0, 3);
    tracker.record('/unjudged', 1e6);
    const p95 = sortedPercentile(
      Array.from({ length: 100 }, (_, i) => (i < 50 ? 30 : 2)),
      95,
    );
    expect(tracker.violations()).toEqual([
      { endpoint: '/health', kind: 'p95', target: 10, actual: p95 },
      { endpoint: '/metrics', kind: 'errorRate', target: 0.0001, actual: 0.03 },
    ]);
  });

  it('is empty when everything complies', () => {
    const tracker = trackerWith();
    recordMix(tracker, '/health', 2, 3, 10);
    expect(tracker.violations()).toEqual([]);
  });
});

describe('report', () => {
  it('holds generatedAt from the clock, every endpoint with stats and compliance, and global stats', () => {
    const tracker = trackerWith();
    recordMix(tracker, '/health', 2, 3, 10);
    recordMix(tracker, '/metrics', 10, 80, 20);
    tracker.record('/other', 7);
    const report = tracker.report();
    expect(report.generatedAt).toBe('2026-01-02T03:04:05.000Z');
    expect(report.endpoints.map((endpoint) => [endpoint.endpoint, endpoint.compliant])).toEqual([
      ['/health', true],
      ['/metrics', false],
      ['/other', true],
    ]);
    expect(report.endpoints[1]).toEqual({
      ...tracker.stats('/metrics'),
      ...tracker.checkCompliance('/metrics'),
    });
    expect(report.global).toEqual(tracker.globalStats());
    expect(report.global.count).toBe(201);
    // Two endpoints have objectives and one of them complies.
    expect(report.overallCompliance).toBe(0.5);
    expect(report).not.toHaveProperty('brand');
    expect(report).not.toHaveProperty('foldedEndpointNames');
  });

  it('has an overall compliance of 1 when no tracked endpoint has objectives', () => {
    const tracker = trackerWith();
    tracker.record('/x', 1);
    expect(tracker.report().overallCompliance).toBe(1);
    expect(trackerWith().report().overallCompliance).toBe(1);
  });

  it('includes the brand when one is given', () => {
    expect(trackerWith({ brand: 'brAInwav' }).report().brand).toBe('brAInwav');
  });

  it('is plain JSON', () => {
    const tracker = trackerWith();
    recordMix(tracker, '/health', 2, 30, 10, 1);
    const report = tracker.report();
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });
});
