import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LATENCY_BUCKETS_MS, SLOTracker } from '../../src/slo/index.js';
import { ManualClock } from '../../src/testing/manual-clock.js';

describe('latency histogram', () => {
  it('has Prometheus-like default bounds in milliseconds', () => {
    expect(DEFAULT_LATENCY_BUCKETS_MS).toEqual([
      1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000,
    ]);
  });

  it('adds every objective threshold to the bounds, sorted and without duplicates', () => {
    const tracker = new SLOTracker({
      clock: new ManualClock(0),
      objectives: { '/a': { p95Ms: 7, p99Ms: 10 }, '/b': { p50Ms: 0.3 } },
    });
    expect(tracker.latencyBucketsMs).toEqual([
      0.3, 1, 2.5, 5, 7, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000,
    ]);
  });

  it('counts requests at or under each bound (le), the last bucket holding every request', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.double({ min: 0, max: 20_000, noNaN: true }),
            fc.constantFrom(1, 2.5, 5, 10, 10000),
          ),
          { minLength: 1, maxLength: 300 },
        ),
        (samples) => {
          const tracker = new SLOTracker({ clock: new ManualClock(0) });
          for (const ms of samples) tracker.record('/api', ms);
          const histogram = tracker.histogram('/api')!;
          const expected = [
            ...histogram.boundsMs.map((bound) => samples.filter((ms) => ms <= bound).length),
            samples.length,
          ];
          expect(histogram.cumulativeCounts).toEqual(expected);
          expect(histogram.count).toBe(samples.length);
          expect(histogram.sumMs).toBeCloseTo(
            samples.reduce((sum, ms) => sum + ms, 0),
            6,
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives the exact share of requests within each default objective threshold', () => {
    const tracker = new SLOTracker({ clock: new ManualClock(0) });
    const samples = [3, 4.99, 5, 5.01, 9, 10, 10.5, 19.99, 20, 49, 50, 51];
    for (const ms of samples) tracker.record('/health/live', ms);
    const histogram = tracker.histogram('/health/live')!;
    for (const thresholdMs of [5, 10, 20, 50]) {
      expect(histogram.cumulativeCounts[histogram.boundsMs.indexOf(thresholdMs)]).toBe(
        samples.filter((ms) => ms <= thresholdMs).length,
      );
    }
    expect(tracker.histogram('/unknown')).toBeUndefined();
  });
});
