import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { ClockReader } from '../../src/rate-limit/clock-reader.js';
import { ManualClock } from '../../src/testing/manual-clock.js';

describe('ClockReader', () => {
  it('reads the clock floored to whole milliseconds', () => {
    const clock = new ManualClock(1_700_000_000_000.75);
    const reader = new ClockReader(clock);
    expect(reader.nowMs('RateLimiter')).toBe(1_700_000_000_000);
    clock.advanceMs(0.25);
    expect(reader.nowMs('RateLimiter')).toBe(1_700_000_000_001);
  });

  it('refuses a reading that is not a finite number from 0 to 8.64e15, naming the class that read it', () => {
    for (const reading of [NaN, Infinity, -Infinity, -1, 8.64e15 + 1]) {
      const reader = new ClockReader({ nowMs: () => reading });
      expect(() => reader.nowMs('RateLimiter')).toThrow(
        new RangeError(
          `RateLimiter: \`clock.nowMs()\` must return a finite number from 0 to 8640000000000000, got ${reading}.`,
        ),
      );
    }
  });

  it('reads systemClock as systemClock.nowMs() does, floored: never before an earlier reading nor after a later one', () => {
    const reader = new ClockReader(systemClock);
    for (let i = 0; i < 1000; i++) {
      const before = Math.floor(systemClock.nowMs());
      const read = reader.nowMs('RateLimiter');
      const after = Math.floor(systemClock.nowMs());
      expect(read).toBeGreaterThanOrEqual(before);
      expect(read).toBeLessThanOrEqual(after);
    }
  });
});
