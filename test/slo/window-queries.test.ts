import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SLOTracker } from '../../src/slo/index.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { sortedPercentile } from './reference.js';

const latency = fc.oneof(
  fc.double({ min: 0, max: 10_000, noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: 0, max: 20 }),
);

describe('windowed percentiles (property)', () => {
  it('equal the sorted-array reference of the last windowSize samples', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.array(latency, { minLength: 1, maxLength: 1200, size: 'max' }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (windowSize, samples, p) => {
          const tracker = new SLOTracker({ clock: new ManualClock(0), windowSize });
          for (const latencyMs of samples) tracker.record('/api', latencyMs);
          const window = samples.slice(-windowSize);
          expect(tracker.p50('/api')).toBe(sortedPercentile(window, 50));
          expect(tracker.p95('/api')).toBe(sortedPercentile(window, 95));
          expect(tracker.p99('/api')).toBe(sortedPercentile(window, 99));
          expect(tracker.percentile('/api', p)).toBe(sortedPercentile(window, p));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('stay equal to the reference when queries and records interleave across endpoints', () => {
    const step = fc.record({
      endpoint: fc.constantFrom('/a', '/b'),
      latencyMs: latency,
      query: fc.constantFrom(50, 95, 99, 0, 100, 33.3),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 200 }), (steps) => {
        const tracker = new SLOTracker({ clock: new ManualClock(0), windowSize: 16 });
        const recorded: Record<string, number[]> = { '/a': [], '/b': [] };
        for (const { endpoint, latencyMs, query } of steps) {
          tracker.record(endpoint, latencyMs);
          recorded[endpoint]!.push(latencyMs);
          for (const name of ['/a', '/b']) {
            const window = recorded[name]!.slice(-16);
            expect(tracker.percentile(name, query)).toBe(
              window.length === 0 ? undefined : sortedPercentile(window, query),
            );
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
