import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/testing/manual-clock.js';

describe('ManualClock', () => {
  it('starts at 0 by default and at the given time otherwise', () => {
    expect(new ManualClock().nowMs()).toBe(0);
    expect(new ManualClock(1_700_000_000_000).nowMs()).toBe(1_700_000_000_000);
  });

  it('moves only when advanced, by exactly the given amount', () => {
    const clock = new ManualClock(1000);
    expect(clock.nowMs()).toBe(1000);
    expect(clock.advanceMs(250)).toBe(1250);
    expect(clock.advanceMs(0.5)).toBe(1250.5);
    expect(clock.nowMs()).toBe(1250.5);
  });

  it('can be set to an earlier time to simulate a clock that steps back', () => {
    const clock = new ManualClock(5000);
    clock.setMs(3000);
    expect(clock.nowMs()).toBe(3000);
  });

  it('rejects negative or non-finite steps and times', () => {
    const clock = new ManualClock();
    expect(() => clock.advanceMs(-1)).toThrow(
      new RangeError('ManualClock: `ms` must be a finite number >= 0, got -1.'),
    );
    expect(() => clock.advanceMs(Number.NaN)).toThrow(RangeError);
    expect(() => clock.setMs(Infinity)).toThrow(RangeError);
    expect(() => new ManualClock(Number.NaN)).toThrow(
      'ManualClock: `startMs` must be a finite number, got NaN.',
    );
    expect(clock.nowMs()).toBe(0);
  });
});
