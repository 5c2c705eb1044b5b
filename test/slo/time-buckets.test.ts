import { describe, expect, it } from 'vitest';
import { MINUTE_BUCKET_MS, SLOTracker, TEN_MINUTE_BUCKET_MS } from '../../src/slo/index.js';
import { ManualClock } from '../../src/testing/manual-clock.js';

const START_MS = Date.UTC(2026, 5, 1, 12);
const MINUTE_MS = 60_000;
const TEN_MINUTES_MS = 600_000;

describe('time series', () => {
  it('uses one-minute and ten-minute buckets', () => {
    expect([MINUTE_BUCKET_MS, TEN_MINUTE_BUCKET_MS]).toEqual([MINUTE_MS, TEN_MINUTES_MS]);
  });

  it('has one point per minute with requests: count, errors, mean and max latency', () => {
    const clock = new ManualClock(START_MS);
    const tracker = new SLOTracker({ clock });
    tracker.record('/api', 10);
    tracker.record('/api', 30, { error: true });
    clock.advanceMs(59_999);
    tracker.record('/api', 5);
    clock.advanceMs(2 * MINUTE_MS);
    tracker.record('/api', 7);
    expect(tracker.timeSeries('/api')).toEqual({
      endpoint: '/api',
      bucketMs: MINUTE_MS,
      points: [
        { startMs: START_MS, count: 3, errorCount: 1, meanLatencyMs: 15, maxLatencyMs: 30 },
        {
          startMs: START_MS + 2 * MINUTE_MS,
          count: 1,
          errorCount: 0,
          meanLatencyMs: 7,
          maxLatencyMs: 7,
        },
      ],
    });
  });

  it('has ten-minute points over three days', () => {
    const clock = new ManualClock(START_MS);
    const tracker = new SLOTracker({ clock });
    for (let minute = 0; minute < 25; minute++) {
      tracker.record('/api', minute);
      clock.advanceMs(MINUTE_MS);
    }
    const series = tracker.timeSeries('/api', 'tenMinutes')!;
    expect(series.bucketMs).toBe(TEN_MINUTES_MS);
    expect(
      series.points.map((point) => [point.startMs - START_MS, point.count, point.maxLatencyMs]),
    ).toEqual([
      [0, 10, 9],
      [TEN_MINUTES_MS, 10, 19],
      [2 * TEN_MINUTES_MS, 5, 24],
    ]);
  });

  it('drops minutes older than six hours', () => {
    const clock = new ManualClock(START_MS);
    const tracker = new SLOTracker({ clock });
    tracker.record('/api', 1);
    clock.advanceMs(6 * 60 * MINUTE_MS);
    tracker.record('/api', 2);
    expect(tracker.timeSeries('/api')!.points.map((point) => point.maxLatencyMs)).toEqual([2]);
    expect(
      tracker.timeSeries('/api', 'tenMinutes')!.points.map((point) => point.maxLatencyMs),
    ).toEqual([1, 2]);
    expect(tracker.timeSeries('/unknown')).toBeUndefined();
  });
});
