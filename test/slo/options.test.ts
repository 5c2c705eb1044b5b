import { describe, expect, it } from 'vitest';
import { SLOTracker } from '../../src/slo/index.js';
import { ManualClock } from '../../src/testing/manual-clock.js';

const clock = new ManualClock(0);

describe('SLOTracker options', () => {
  it('rejects a window size or endpoint cap that is not an integer >= 1', () => {
    expect(() => new SLOTracker({ windowSize: 0 })).toThrow(
      new RangeError('SLOTracker: `windowSize` must be an integer >= 1, got 0.'),
    );
    expect(() => new SLOTracker({ windowSize: 2.5 })).toThrow(RangeError);
    expect(() => new SLOTracker({ windowSize: Number.NaN })).toThrow(
      'SLOTracker: `windowSize` must be an integer >= 1, got NaN.',
    );
    expect(() => new SLOTracker({ windowSize: '10' as unknown as number })).toThrow(TypeError);
    expect(() => new SLOTracker({ maxEndpoints: -1 })).toThrow(
      new RangeError('SLOTracker: `maxEndpoints` must be an integer >= 1, got -1.'),
    );
    expect(() => new SLOTracker({ maxEndpoints: Infinity })).toThrow(RangeError);
  });

  it('rejects a clock without nowMs() and an empty brand', () => {
    expect(() => new SLOTracker({ clock: {} as ManualClock })).toThrow(TypeError);
    expect(() => new SLOTracker({ brand: '' })).toThrow(
      new TypeError('SLOTracker: `brand` must be a non-empty string, got "".'),
    );
  });

  it('keeps an explicit undefined from wiping a default', () => {
    const tracker = new SLOTracker({
      clock,
      windowSize: undefined,
      objectives: undefined,
    } as never);
    expect(tracker.windowSize).toBe(1000);
    expect(Object.keys(tracker.objectives)).toContain('/health');
  });

  it('rejects objectives that are not an object keyed by endpoint', () => {
    expect(() => new SLOTracker({ objectives: [] as never })).toThrow(
      new TypeError('SLOTracker: `objectives` must be an object keyed by endpoint, got an array.'),
    );
    expect(() => new SLOTracker({ objectives: { '/a': 5 } as never })).toThrow(
      new TypeError(
        'SLOTracker: `objectives["/a"]` must be an object such as { p95Ms: 10 }, got 5.',
      ),
    );
  });

  it('rejects unknown objective keys, so that a typo is not silently ignored', () => {
    expect(() => new SLOTracker({ objectives: { '/a': { p95ms: 10 } as never } })).toThrow(
      new TypeError(
        'SLOTracker: `objectives["/a"]` must only have the keys p50Ms, p95Ms, p99Ms and errorRate, got "p95ms".',
      ),
    );
  });

  it('rejects latency objectives that are not finite numbers > 0', () => {
    expect(() => new SLOTracker({ objectives: { '/a': { p95Ms: 0 } } })).toThrow(
      new RangeError('SLOTracker: `objectives["/a"].p95Ms` must be a finite number > 0, got 0.'),
    );
    expect(() => new SLOTracker({ objectives: { '/a': { p99Ms: Number.NaN } } })).toThrow(
      RangeError,
    );
    expect(() => new SLOTracker({ objectives: { '/a': { p50Ms: Infinity } } })).toThrow(RangeError);
    expect(() => new SLOTracker({ objectives: { '/a': { p50Ms: '5' as never } } })).toThrow(
      TypeError,
    );
  });

  it('rejects error-rate objectives outside 0..1', () => {
    expect(() => new SLOTracker({ objectives: { '/a': { errorRate: 1.5 } } })).toThrow(
      new RangeError(
        'SLOTracker: `objectives["/a"].errorRate` must be a finite number from 0 to 1, got 1.5.',
      ),
    );
    expect(() => new SLOTracker({ objectives: { '/a': { errorRate: -0.1 } } })).toThrow(RangeError);
    expect(new SLOTracker({ objectives: { '/a': { errorRate: 0 } } }).objectives['/a']).toEqual({
      errorRate: 0,
    });
  });

  it('rejects histogram bounds that are not finite numbers > 0', () => {
    expect(() => new SLOTracker({ latencyBucketsMs: 5 as never })).toThrow(TypeError);
    expect(() => new SLOTracker({ latencyBucketsMs: [1, -2] })).toThrow(
      new RangeError('SLOTracker: `latencyBucketsMs[1]` must be a finite number > 0, got -2.'),
    );
  });
});

describe('SLOTracker.record with bad input', () => {
  const badLatencies: [number, string][] = [
    [Number.NaN, 'NaN'],
    [-1, '-1'],
    [Infinity, 'Infinity'],
    [-Infinity, '-Infinity'],
  ];
  for (const [latencyMs, shown] of badLatencies) {
    it(`throws a RangeError showing ${shown} and records nothing`, () => {
      const tracker = new SLOTracker({ clock });
      expect(() => tracker.record('/api', latencyMs)).toThrow(
        new RangeError(
          `SLOTracker.record: \`latencyMs\` must be a finite number from 0 to 2147483647, got ${shown}.`,
        ),
      );
      expect(tracker.endpoints()).toEqual([]);
    });
  }

  it('throws a TypeError for a latency that is not a number', () => {
    const tracker = new SLOTracker({ clock });
    expect(() => tracker.record('/api', '5' as never)).toThrow(
      new TypeError(
        'SLOTracker.record: `latencyMs` must be a finite number from 0 to 2147483647, got "5".',
      ),
    );
    expect(() => tracker.record('/api', null as never)).toThrow(TypeError);
    expect(tracker.endpoints()).toEqual([]);
  });

  it('throws a TypeError for an endpoint that is not a non-empty string', () => {
    const tracker = new SLOTracker({ clock });
    expect(() => tracker.record(42 as never, 5)).toThrow(
      new TypeError('SLOTracker.record: `endpoint` must be a non-empty string, got 42.'),
    );
    expect(() => tracker.record('', 5)).toThrow(
      new TypeError('SLOTracker.record: `endpoint` must be a non-empty string, got "".'),
    );
    expect(() => tracker.record(undefined as never, 5)).toThrow(TypeError);
    expect(tracker.endpoints()).toEqual([]);
  });

  it('throws a TypeError for an error flag that is not a boolean', () => {
    const tracker = new SLOTracker({ clock });
    expect(() => tracker.record('/api', 5, { error: 'yes' as never })).toThrow(
      new TypeError('SLOTracker.record: `error` must be a boolean, got "yes".'),
    );
    expect(tracker.endpoints()).toEqual([]);
  });

  it('leaves earlier records untouched after a rejected one', () => {
    const tracker = new SLOTracker({ clock });
    tracker.record('/api', 5);
    expect(() => tracker.record('/api', Number.NaN)).toThrow(RangeError);
    expect(tracker.stats('/api')).toMatchObject({ count: 1, meanLatencyMs: 5 });
    expect(tracker.p99('/api')).toBe(5);
  });

  it('accepts a latency of 0', () => {
    const tracker = new SLOTracker({ clock });
    tracker.record('/api', 0);
    expect(tracker.p50('/api')).toBe(0);
  });
});

describe('SLOTracker queries with bad input', () => {
  it('rejects a percentile outside 0..100', () => {
    const tracker = new SLOTracker({ clock });
    tracker.record('/api', 1);
    expect(() => tracker.percentile('/api', 101)).toThrow(
      new RangeError('SLOTracker.percentile: `p` must be a finite number from 0 to 100, got 101.'),
    );
    expect(() => tracker.percentile('/api', 0.95 * Number.NaN)).toThrow(RangeError);
  });

  it('rejects an unknown time-series resolution', () => {
    const tracker = new SLOTracker({ clock });
    expect(() => tracker.timeSeries('/api', 'hour' as never)).toThrow(RangeError);
  });
});
