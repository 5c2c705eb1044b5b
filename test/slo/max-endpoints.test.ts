import { describe, expect, it } from 'vitest';
import { OVERFLOW_ENDPOINT, SLOTracker } from '../../src/slo/index.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { seededRandom } from './reference.js';

describe('maxEndpoints', () => {
  it('folds 100,000 random paths past the cap into one overflow endpoint and says how many names it folded', () => {
    const tracker = new SLOTracker({ clock: new ManualClock(0) });
    const random = seededRandom(2024);
    const names = new Set<string>();
    for (let i = 0; i < 100_000; i++) {
      const path = `/items/${Math.floor(random() * 1e12).toString(36)}`;
      names.add(path);
      tracker.record(path, 1 + random() * 10);
    }
    const endpoints = tracker.endpoints();
    // 200 names of their own plus the overflow endpoint; the default objectives' endpoints saw no traffic.
    expect(endpoints).toHaveLength(201);
    expect(endpoints.at(-1)).toBe(OVERFLOW_ENDPOINT);
    const folded = names.size - 200;
    expect(tracker.stats(OVERFLOW_ENDPOINT)!.count).toBe(100_000 - 200);
    const report = tracker.report();
    expect(report.endpoints).toHaveLength(201);
    // An approximate distinct count in fixed memory: within 10 % (its standard error is about 3 %).
    expect(Math.abs(report.foldedEndpointNames! - folded) / folded).toBeLessThan(0.1);
    expect(report.global.count).toBe(100_000);
  });

  it('counts a folded name once however often it comes back', () => {
    const tracker = new SLOTracker({ clock: new ManualClock(0), maxEndpoints: 2 });
    for (const name of ['/a', '/b', '/c', '/d', '/c', '/d', '/c', '/e']) tracker.record(name, 1);
    expect(tracker.endpoints()).toEqual(['/a', '/b', OVERFLOW_ENDPOINT]);
    expect(tracker.stats(OVERFLOW_ENDPOINT)!.count).toBe(6);
    expect(tracker.report().foldedEndpointNames).toBe(3);
    expect(tracker.stats('/c')).toBeUndefined();
  });

  it('never folds endpoints named in the objectives', () => {
    const tracker = new SLOTracker({
      clock: new ManualClock(0),
      maxEndpoints: 1,
      objectives: { '/health': { p95Ms: 10 } },
    });
    tracker.record('/x', 1);
    tracker.record('/y', 1);
    tracker.record('/health', 3);
    expect(tracker.endpoints()).toEqual(['/x', OVERFLOW_ENDPOINT, '/health']);
    expect(tracker.p95('/health')).toBe(3);
  });

  it('starts counting again after reset', () => {
    const tracker = new SLOTracker({ clock: new ManualClock(0), maxEndpoints: 1 });
    tracker.record('/x', 1);
    tracker.record('/y', 1);
    tracker.reset();
    tracker.record('/y', 1);
    expect(tracker.endpoints()).toEqual(['/y']);
    expect(tracker.report()).not.toHaveProperty('foldedEndpointNames');
  });
});
