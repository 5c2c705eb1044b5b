import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_ENDPOINTS,
  DEFAULT_SLOS,
  DEFAULT_WINDOW_SIZE,
  SLOTracker,
} from '../../src/slo/index.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { lognormal, seededRandom, sortedPercentile } from './reference.js';

function trackerWith(options: ConstructorParameters<typeof SLOTracker>[0] = {}): SLOTracker {
  return new SLOTracker({ clock: new ManualClock(1_700_000_000_000), ...options });
}

describe('SLOTracker initialization', () => {
  it('starts empty with a window of 1000, 200 endpoints and the default objectives', () => {
    const tracker = trackerWith();
    expect(tracker.endpoints()).toEqual([]);
    expect(tracker.windowSize).toBe(DEFAULT_WINDOW_SIZE);
    expect(DEFAULT_WINDOW_SIZE).toBe(1000);
    expect(tracker.maxEndpoints).toBe(DEFAULT_MAX_ENDPOINTS);
    expect(DEFAULT_MAX_ENDPOINTS).toBe(200);
    expect(tracker.objectives).toEqual(DEFAULT_SLOS);
    expect(tracker.p95('/health')).toBeUndefined();
    expect(tracker.errorRate('/health')).toBeUndefined();
    expect(tracker.stats('/health')).toBeUndefined();
  });

  it('keeps its own frozen copy of the objectives', () => {
    const objectives = { '/a': { p95Ms: 10 } };
    const tracker = trackerWith({ objectives });
    objectives['/a'].p95Ms = 99;
    expect(tracker.objectives['/a']).toEqual({ p95Ms: 10 });
    expect(Object.isFrozen(tracker.objectives)).toBe(true);
  });
});

describe('SLOTracker tracking', () => {
  it('lists endpoints in the order first seen and counts their requests', () => {
    const tracker = trackerWith();
    tracker.record('/b', 1);
    tracker.record('/a', 2);
    tracker.record('/b', 3);
    expect(tracker.endpoints()).toEqual(['/b', '/a']);
    expect(tracker.stats('/b')!.count).toBe(2);
    expect(tracker.stats('/a')!.count).toBe(1);
  });

  it('gives P50, P95 and P99 equal to the sorted-array reference', () => {
    const tracker = trackerWith();
    const random = seededRandom(11);
    const samples = Array.from({ length: 700 }, () => lognormal(random, 8, 0.7));
    for (const latencyMs of samples) tracker.record('/api', latencyMs);
    expect(tracker.p50('/api')).toBe(sortedPercentile(samples, 50));
    expect(tracker.p95('/api')).toBe(sortedPercentile(samples, 95));
    expect(tracker.p99('/api')).toBe(sortedPercentile(samples, 99));
    expect(tracker.percentile('/api', 12.5)).toBe(sortedPercentile(samples, 12.5));
  });

  it('interpolates between closest ranks: 1..100 ms gives P50 50.5 and P95 95.05', () => {
    const tracker = trackerWith();
    for (let ms = 1; ms <= 100; ms++) tracker.record('/api', ms);
    expect(tracker.p50('/api')).toBe(50.5);
    expect(tracker.p95('/api')).toBeCloseTo(95.05, 12);
    expect(tracker.p99('/api')).toBeCloseTo(99.01, 12);
    expect(tracker.percentile('/api', 0)).toBe(1);
    expect(tracker.percentile('/api', 100)).toBe(100);
  });

  it('gives the single value for every percentile of one sample', () => {
    const tracker = trackerWith();
    tracker.record('/one', 42);
    expect([tracker.p50('/one'), tracker.p95('/one'), tracker.p99('/one')]).toEqual([42, 42, 42]);
  });

  it('computes windowed percentiles over the last windowSize samples only', () => {
    const tracker = trackerWith({ windowSize: 10 });
    for (let ms = 1; ms <= 25; ms++) tracker.record('/api', ms);
    const lastTen = Array.from({ length: 10 }, (_, i) => 16 + i);
    expect(tracker.p50('/api')).toBe(sortedPercentile(lastTen, 50));
    expect(tracker.p95('/api')).toBe(sortedPercentile(lastTen, 95));
    expect(tracker.stats('/api')!.window.sampleCount).toBe(10);
    expect(tracker.stats('/api')!.count).toBe(25);
  });

  it('returns fresh percentiles after each new record (no stale cache)', () => {
    const tracker = trackerWith();
    const samples: number[] = [];
    for (const latencyMs of [5, 1, 9, 3, 7, 100, 2]) {
      tracker.record('/api', latencyMs);
      samples.push(latencyMs);
      expect(tracker.p95('/api')).toBe(sortedPercentile(samples, 95));
      expect(tracker.p50('/api')).toBe(sortedPercentile(samples, 50));
    }
  });

  it('keeps the error rate as failed requests over all requests', () => {
    const tracker = trackerWith();
    for (let i = 0; i < 200; i++) tracker.record('/api', 5, { error: i % 8 === 0 });
    expect(tracker.errorRate('/api')).toBe(25 / 200);
    const stats = tracker.stats('/api')!;
    expect(stats.errorCount).toBe(25);
    expect(stats.window.errorCount).toBe(25);
    expect(stats.window.errorRate).toBe(25 / 200);
  });

  it('counts window errors only for the requests still in the window', () => {
    const tracker = trackerWith({ windowSize: 4 });
    tracker.record('/api', 1, { error: true });
    tracker.record('/api', 1, { error: true });
    for (let i = 0; i < 3; i++) tracker.record('/api', 1);
    const stats = tracker.stats('/api')!;
    expect(stats.errorCount).toBe(2);
    expect(stats.window.errorCount).toBe(1);
    expect(stats.window.errorRate).toBe(1 / 4);
    expect(tracker.errorRate('/api')).toBe(2 / 5);
  });

  it('reports counts, mean and extremes in stats', () => {
    const tracker = trackerWith({ windowSize: 3 });
    for (const latencyMs of [4, 8, 1, 6, 2]) tracker.record('/api', latencyMs);
    const stats = tracker.stats('/api')!;
    expect(stats).toMatchObject({
      endpoint: '/api',
      count: 5,
      errorCount: 0,
      errorRate: 0,
      meanLatencyMs: 21 / 5,
      minLatencyMs: 1,
      maxLatencyMs: 8,
    });
    expect(stats.window).toMatchObject({
      sampleCount: 3,
      minLatencyMs: 1,
      maxLatencyMs: 6,
      p50Ms: 2,
    });
    expect(stats.allTime.sampleCount).toBe(5);
  });

  it('forgets everything on reset but keeps its options', () => {
    const tracker = trackerWith({ windowSize: 5 });
    tracker.record('/api', 3);
    tracker.reset();
    expect(tracker.endpoints()).toEqual([]);
    expect(tracker.p95('/api')).toBeUndefined();
    expect(tracker.windowSize).toBe(5);
    tracker.record('/api', 7);
    expect(tracker.stats('/api')!.count).toBe(1);
  });
});

describe('SLOTracker all-time percentiles', () => {
  it('stay within 1 % of the exact values over 200,000 lognormal samples', () => {
    const tracker = trackerWith();
    const random = seededRandom(5);
    const samples = Array.from({ length: 200_000 }, () =>
      random() < 0.01 ? lognormal(random, 100, 1) : lognormal(random, 5, 0.5),
    );
    for (const latencyMs of samples) tracker.record('/api', latencyMs);
    const allTime = tracker.stats('/api')!.allTime;
    expect(allTime.sampleCount).toBe(200_000);
    for (const [actual, p] of [
      [allTime.p50Ms, 50],
      [allTime.p95Ms, 95],
      [allTime.p99Ms, 99],
    ] as const) {
      const exact = sortedPercentile(samples, p);
      expect(Math.abs(actual - exact) / exact).toBeLessThan(0.01);
    }
  });

  it('include every sample recorded, also those not yet in a full batch', () => {
    const tracker = trackerWith();
    const random = seededRandom(3);
    for (let i = 0; i < 1524; i++) tracker.record('/api', random());
    // The last quarter of the requests are slow; most of them are still waiting for a full batch.
    for (let i = 0; i < 476; i++) tracker.record('/api', 100);
    const allTime = tracker.stats('/api')!.allTime;
    expect(allTime.sampleCount).toBe(2000);
    expect(allTime.p95Ms).toBeCloseTo(100, 6);
    expect(allTime.p50Ms).toBeLessThan(1);
  });

  it('are the same for the same input (no random recompression)', () => {
    const run = (): number[] => {
      const tracker = trackerWith();
      const random = seededRandom(9);
      for (let i = 0; i < 30_000; i++) tracker.record('/api', lognormal(random, 20, 1));
      const { p50Ms, p95Ms, p99Ms } = tracker.stats('/api')!.allTime;
      return [p50Ms, p95Ms, p99Ms];
    };
    expect(run()).toEqual(run());
  });
});

describe('SLOTracker global statistics', () => {
  it('is empty but well-formed before any record', () => {
    const global = trackerWith().globalStats();
    expect(global).toEqual({
      endpointCount: 0,
      count: 0,
      errorCount: 0,
      errorRate: 0,
      meanLatencyMs: null,
      window: null,
      allTime: null,
    });
  });

  it('aggregates counts, errors and the union of all windows', () => {
    const tracker = trackerWith();
    const a = [1, 2, 3, 4, 5];
    const b = [10, 20, 30];
    a.forEach((ms) => tracker.record('/a', ms));
    b.forEach((ms, i) => tracker.record('/b', ms, { error: i === 0 }));
    const global = tracker.globalStats();
    expect(global.endpointCount).toBe(2);
    expect(global.count).toBe(8);
    expect(global.errorCount).toBe(1);
    expect(global.errorRate).toBe(1 / 8);
    expect(global.meanLatencyMs).toBe(75 / 8);
    expect(global.window).toMatchObject({
      sampleCount: 8,
      errorCount: 1,
      minLatencyMs: 1,
      maxLatencyMs: 30,
    });
    expect(global.window!.p95Ms).toBe(sortedPercentile([...a, ...b], 95));
    expect(global.window!.p50Ms).toBe(sortedPercentile([...a, ...b], 50));
    expect(global.allTime!.sampleCount).toBe(8);
  });

  it('is recomputed after a new record', () => {
    const tracker = trackerWith();
    tracker.record('/a', 1);
    expect(tracker.globalStats().count).toBe(1);
    tracker.record('/a', 2);
    expect(tracker.globalStats().count).toBe(2);
  });
});
