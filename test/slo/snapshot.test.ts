import { describe, expect, it } from 'vitest';
import {
  OVERFLOW_ENDPOINT,
  SLO_SNAPSHOT_FORMAT,
  SLOTracker,
  type SloSnapshot,
} from '../../src/slo/index.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { lognormal, seededRandom, sortedPercentile } from './reference.js';

const START_MS = Date.UTC(2026, 4, 1);
const OBJECTIVES = { '/api': { p95Ms: 20, errorRate: 0.01 }, '/health': { p99Ms: 5 } };

function worker(
  seed: number,
  requests: number,
  clock = new ManualClock(START_MS),
): { tracker: SLOTracker; samples: Record<string, number[]>; errors: number } {
  const tracker = new SLOTracker({ clock, objectives: OBJECTIVES, windowSize: 100 });
  const random = seededRandom(seed);
  const samples: Record<string, number[]> = { '/api': [], '/health': [] };
  let errors = 0;
  for (let i = 0; i < requests; i++) {
    const endpoint = i % 3 === 0 ? '/health' : '/api';
    const latencyMs = lognormal(random, endpoint === '/api' ? 12 : 2, 0.6);
    const error = random() < 0.02;
    if (error) errors++;
    tracker.record(endpoint, latencyMs, { error });
    samples[endpoint]!.push(latencyMs);
    clock.advanceMs(1000);
  }
  return { tracker, samples, errors };
}

/** A snapshot as another process would send it: through JSON. */
function overTheWire(tracker: SLOTracker): SloSnapshot {
  return JSON.parse(JSON.stringify(tracker.snapshot())) as SloSnapshot;
}

describe('snapshot', () => {
  it('is plain JSON that survives a round trip unchanged', () => {
    const { tracker } = worker(1, 500);
    const snapshot = tracker.snapshot();
    expect(snapshot.format).toBe(SLO_SNAPSHOT_FORMAT);
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
    expect(snapshot.endpoints.map((endpoint) => endpoint.endpoint)).toEqual(['/health', '/api']);
  });

  it('merged into an empty tracker reproduces counts, histograms, windows and burn rates exactly', () => {
    const clock = new ManualClock(START_MS);
    const { tracker } = worker(2, 3000, clock);
    const copy = new SLOTracker({ clock, objectives: OBJECTIVES, windowSize: 100 });
    copy.merge(overTheWire(tracker));
    for (const endpoint of ['/api', '/health']) {
      const [original, merged] = [tracker.stats(endpoint)!, copy.stats(endpoint)!];
      expect({ ...merged, allTime: undefined }).toEqual({ ...original, allTime: undefined });
      expect(merged.allTime.sampleCount).toBe(original.allTime.sampleCount);
      expect(copy.histogram(endpoint)).toEqual(tracker.histogram(endpoint));
      expect(copy.burnRates(endpoint)).toEqual(tracker.burnRates(endpoint));
      expect(copy.errorBudget(endpoint)).toEqual(tracker.errorBudget(endpoint));
      expect(copy.timeSeries(endpoint, 'tenMinutes')).toEqual(
        tracker.timeSeries(endpoint, 'tenMinutes'),
      );
    }
  });

  it('adds two workers: counts exact, windows interleaved, all-time quantiles close to the exact ones', () => {
    const clock = new ManualClock(START_MS);
    const a = worker(3, 6000, clock);
    clock.setMs(START_MS);
    const b = worker(4, 3000, clock);
    const total = new SLOTracker({ clock, objectives: OBJECTIVES, windowSize: 100 });
    total.merge(overTheWire(a.tracker));
    total.merge(overTheWire(b.tracker));
    const stats = total.stats('/api')!;
    expect(stats.count).toBe(a.samples['/api']!.length + b.samples['/api']!.length);
    expect(total.globalStats().errorCount).toBe(a.errors + b.errors);
    const histogram = total.histogram('/api')!;
    const both = [...a.samples['/api']!, ...b.samples['/api']!];
    expect(histogram.cumulativeCounts[histogram.boundsMs.indexOf(20)]).toBe(
      both.filter((ms) => ms <= 20).length,
    );
    // The merged window keeps the newest 100 samples, taken from both workers in proportion to their windows.
    expect(stats.window.sampleCount).toBe(100);
    const windowSet = new Set([
      ...a.samples['/api']!.slice(-100),
      ...b.samples['/api']!.slice(-100),
    ]);
    expect(windowSet.size).toBe(200);
    const p99 = sortedPercentile(both, 99);
    expect(Math.abs(stats.allTime.p99Ms - p99) / p99).toBeLessThan(0.02);
    const p50 = sortedPercentile(both, 50);
    expect(Math.abs(stats.allTime.p50Ms - p50) / p50).toBeLessThan(0.01);
  });

  it('takes the window samples from both sides', () => {
    const clock = new ManualClock(START_MS);
    const left = new SLOTracker({ clock, windowSize: 4 });
    const right = new SLOTracker({ clock, windowSize: 4 });
    [1, 2, 3, 4].forEach((ms) => left.record('/x', ms));
    [10, 20, 30, 40].forEach((ms) => right.record('/x', ms, { error: ms === 40 }));
    left.merge(right.snapshot());
    // Interleaved 1, 10, 2, 20, 3, 30, 4, 40; the newest four stay.
    expect(left.stats('/x')!.window).toMatchObject({
      sampleCount: 4,
      minLatencyMs: 3,
      maxLatencyMs: 40,
      errorCount: 1,
    });
    expect(left.p50('/x')).toBe(sortedPercentile([3, 30, 4, 40], 50));
  });

  it('merges folded names and the overflow endpoint, and folds new names past the cap', () => {
    const clock = new ManualClock(START_MS);
    const left = new SLOTracker({ clock, maxEndpoints: 2 });
    const right = new SLOTracker({ clock, maxEndpoints: 2 });
    ['/a', '/b', '/c', '/d'].forEach((name) => left.record(name, 1));
    ['/e', '/f', '/g'].forEach((name) => right.record(name, 1));
    left.merge(right.snapshot());
    expect(left.endpoints()).toEqual(['/a', '/b', OVERFLOW_ENDPOINT]);
    expect(left.stats(OVERFLOW_ENDPOINT)!.count).toBe(5);
    expect(left.report().foldedEndpointNames).toBe(5);
  });

  it('rejects a malformed snapshot before changing anything', () => {
    const { tracker } = worker(5, 50);
    const target = new SLOTracker({
      clock: new ManualClock(START_MS),
      objectives: OBJECTIVES,
      windowSize: 100,
    });
    target.record('/api', 1);
    const good = overTheWire(tracker);
    interface EditableEndpoint {
      count: number;
      errorCount: number;
      windowLatenciesMs: unknown[];
      windowErrorFlags: number[];
      thresholdsMs: number[];
    }
    interface Editable {
      format: string;
      latencyBucketsMs: number[];
      endpoints: EditableEndpoint[];
    }
    const broken = (change: (s: Editable) => void): SloSnapshot => {
      const copy = structuredClone(good) as unknown as Editable;
      change(copy);
      return copy as unknown as SloSnapshot;
    };
    expect(() => target.merge(null as never)).toThrow(
      new TypeError('SLOTracker.merge: `snapshot` must be an object, got null.'),
    );
    expect(() => target.merge(broken((s) => (s.format = 'other')))).toThrow(RangeError);
    expect(() => target.merge(broken((s) => (s.endpoints[1]!.count = -3)))).toThrow(
      new RangeError(
        'SLOTracker.merge: `snapshot.endpoints[1].count` must be an integer >= 1, got -3.',
      ),
    );
    expect(() => target.merge(broken((s) => (s.endpoints[1]!.windowLatenciesMs[0] = 'x')))).toThrow(
      TypeError,
    );
    expect(() => target.merge(broken((s) => s.endpoints[1]!.windowErrorFlags.pop()))).toThrow(
      RangeError,
    );
    expect(() =>
      target.merge(broken((s) => (s.endpoints[1]!.errorCount = s.endpoints[1]!.count + 1))),
    ).toThrow(RangeError);
    expect(() => target.merge(broken((s) => s.endpoints.push(s.endpoints[0]!)))).toThrow(
      RangeError,
    );
    expect(() => target.merge(broken((s) => (s.latencyBucketsMs = [1, 2, 3])))).toThrow(RangeError);
    expect(() => target.merge(broken((s) => (s.endpoints[1]!.thresholdsMs = [])))).toThrow(
      RangeError,
    );
    expect(target.stats('/api')!.count).toBe(1);
    expect(target.endpoints()).toEqual(['/api']);
  });

  it('refuses a snapshot whose good counts lack a threshold this tracker keeps', () => {
    const clock = new ManualClock(START_MS);
    const other = new SLOTracker({
      clock,
      objectives: { '/api': { p95Ms: 30 } },
      latencyBucketsMs: [20],
    });
    other.record('/api', 1);
    const target = new SLOTracker({
      clock,
      objectives: { '/api': { p95Ms: 20 } },
      latencyBucketsMs: [30],
    });
    expect(target.latencyBucketsMs).toEqual(other.latencyBucketsMs);
    expect(() => target.merge(other.snapshot())).toThrow(
      new RangeError(
        'SLOTracker.merge: `snapshot.endpoints[0].thresholdsMs` must include 20 (an objective of "/api"), got [30].',
      ),
    );
    expect(target.endpoints()).toEqual([]);
  });
});
