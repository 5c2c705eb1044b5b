import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src/rate-limit/token-bucket.js';
import { ManualClock } from '../../src/testing/manual-clock.js';

describe('TokenBucket', () => {
  it('starts full unless initialTokens says otherwise', () => {
    const clock = new ManualClock();
    expect(new TokenBucket({ capacity: 5, refillPerSecond: 1, clock }).availableTokens).toBe(5);
    expect(
      new TokenBucket({ capacity: 5, refillPerSecond: 1, clock, initialTokens: 0 }).availableTokens,
    ).toBe(0);
  });

  it('takes tokens while it holds enough, then refuses without taking any', () => {
    const bucket = new TokenBucket({ capacity: 3, refillPerSecond: 1, clock: new ManualClock() });
    expect([bucket.tryConsume(), bucket.tryConsume(2), bucket.tryConsume()]).toEqual([
      true,
      true,
      false,
    ]);
    expect(bucket.availableTokens).toBe(0);
  });

  it('refills continuously at refillPerSecond, never above capacity', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ capacity: 2, refillPerSecond: 4, clock, initialTokens: 0 });
    clock.advanceMs(125);
    expect(bucket.availableTokens).toBe(0.5);
    expect(bucket.msUntilAvailable(1)).toBe(125);
    expect(bucket.msUntilAvailable(2)).toBe(375);
    clock.advanceMs(10_000);
    expect(bucket.availableTokens).toBe(2);
    expect(bucket.msUntilAvailable(2)).toBe(0);
  });

  it('describes a consumption as a decision', () => {
    const clock = new ManualClock(10_000);
    const bucket = new TokenBucket({ capacity: 10, refillPerSecond: 2, clock });
    expect(bucket.consume(4)).toEqual({
      allowed: true,
      limit: 10,
      remaining: 6,
      resetAtMs: 12_000,
      retryAfterMs: 0,
    });
    expect(bucket.consume(7)).toEqual({
      allowed: false,
      limit: 10,
      remaining: 6,
      resetAtMs: 12_000,
      retryAfterMs: 500,
    });
    clock.advanceMs(500);
    expect(bucket.consume(7)).toEqual({
      allowed: true,
      limit: 10,
      remaining: 0,
      resetAtMs: 15_500,
      retryAfterMs: 0,
    });
  });

  it('neither refills nor empties when the clock steps back', () => {
    const clock = new ManualClock(10_000);
    const bucket = new TokenBucket({ capacity: 1, refillPerSecond: 1, clock });
    bucket.tryConsume();
    clock.setMs(0);
    expect(bucket.availableTokens).toBe(0);
    expect(bucket.tryConsume()).toBe(false);
    expect(bucket.msUntilAvailable(1)).toBe(11_000);
    clock.setMs(11_000);
    expect(bucket.tryConsume()).toBe(true);
  });

  it('rejects bad options and token counts', () => {
    expect(() => new TokenBucket({ capacity: Number.NaN, refillPerSecond: 1 })).toThrow(
      new RangeError('TokenBucket: `capacity` must be a finite number > 0, got NaN.'),
    );
    expect(() => new TokenBucket({ capacity: 1, refillPerSecond: 0 })).toThrow(
      new RangeError('TokenBucket: `refillPerSecond` must be a finite number > 0, got 0.'),
    );
    expect(() => new TokenBucket({ capacity: 1, refillPerSecond: 1, initialTokens: 2 })).toThrow(
      /`initialTokens`/,
    );
    expect(() => new TokenBucket({ capacity: 1, refillPerSecond: 1, initialTokens: -1 })).toThrow(
      RangeError,
    );
    const bucket = new TokenBucket({ capacity: 2, refillPerSecond: 1 });
    expect(() => bucket.tryConsume(3)).toThrow(
      new RangeError('TokenBucket: `tokens` must be a finite number > 0 and <= 2, got 3.'),
    );
    expect(() => bucket.consume(0)).toThrow(RangeError);
    expect(() => bucket.msUntilAvailable(Infinity)).toThrow(RangeError);
  });
});
