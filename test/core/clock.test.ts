import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';

describe('systemClock', () => {
  it('reads epoch milliseconds from the performance timer', () => {
    const before = performance.timeOrigin + performance.now();
    const now = systemClock.nowMs();
    const after = performance.timeOrigin + performance.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(after);
  });

  it('never goes backwards over successive reads', () => {
    let previous = systemClock.nowMs();
    for (let i = 0; i < 10_000; i++) {
      const current = systemClock.nowMs();
      expect(current).toBeGreaterThanOrEqual(previous);
      previous = current;
    }
  });
});
