import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/rate-limit/memory-store.js';
import { RateLimiter } from '../../src/rate-limit/rate-limiter.js';
import { TokenBucket } from '../../src/rate-limit/token-bucket.js';
import { create429Response } from '../../src/rate-limit/too-many-requests.js';
import { ManualClock } from '../../src/testing/manual-clock.js';

const START_MS = 1_700_000_000_000;
const BAD_READINGS = [Number.NaN, Infinity, -Infinity, -1, 8.64e15 + 1];

/** A ManualClock that returns `fault` instead while one is set. */
function faultyClock(startMs: number): {
  clock: { nowMs(): number };
  manual: ManualClock;
  setFault: (reading: number | undefined) => void;
} {
  const manual = new ManualClock(startMs);
  let fault: number | undefined;
  return {
    clock: { nowMs: () => fault ?? manual.nowMs() },
    manual,
    setFault: (reading) => (fault = reading),
  };
}

describe('unknown option keys', () => {
  it('RateLimiter names every foreign key with the option to use, before the missing required ones', () => {
    const error = captureError(() => new RateLimiter({ windowMs: 60_000, limit: 10 } as never));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toMatch(
      /^RateLimiter: `windowMs` is not an option \(use `perSeconds`, the window in seconds\); `limit` is not an option \(use `rate`, requests per window\); known options are `rate`/,
    );
    expect(() => new RateLimiter({ rate: 1, perSeconds: 1, burts: 2 } as never)).toThrow(
      /`burts` is not an option \(did you mean `burst`\?\)/,
    );
  });

  it("TokenBucket names limiter's option names", () => {
    expect(() => new TokenBucket({ bucketSize: 10, tokensPerInterval: 1 } as never)).toThrow(
      /^TokenBucket: `bucketSize` is not an option \(use `capacity`\); `tokensPerInterval` is not an option \(use `refillPerSecond`, tokens per second\)/,
    );
    expect(() => new TokenBucket(undefined as never)).toThrow(
      new TypeError('TokenBucket: options must be an object, got undefined.'),
    );
  });

  it('MemoryStore refuses any key but maxKeys', () => {
    expect(() => new MemoryStore({ max: 10 } as never)).toThrow(
      /^MemoryStore: `max` is not an option; known options are `maxKeys`\.$/,
    );
    expect(() => new MemoryStore({ maxkeys: 10 } as never)).toThrow(/did you mean `maxKeys`\?/);
  });
});

describe('clock readings in the limiters', () => {
  it('RateLimiter refuses NaN, ±Infinity, negative and past-8.64e15 readings in every method that reads the clock, and changes nothing', () => {
    const { clock, setFault } = faultyClock(START_MS);
    const limiter = new RateLimiter({ rate: 10, perSeconds: 60, clock });
    limiter.check('a', 3);
    for (const reading of BAD_READINGS) {
      setFault(reading);
      expect(() => limiter.allowRequest('a')).toThrow(
        /^RateLimiter: `clock\.nowMs\(\)` must return a finite number from 0 to 8640000000000000, got /,
      );
      expect(() => limiter.check('b')).toThrow(RangeError);
      expect(() => limiter.getRemaining('a')).toThrow(RangeError);
    }
    setFault(undefined);
    expect(limiter.getRemaining('a')).toBe(7);
    expect(limiter.store.size).toBe(1);
  });

  it('TokenBucket refuses them in every method that reads the clock, and changes nothing', () => {
    const { clock, setFault } = faultyClock(START_MS);
    const bucket = new TokenBucket({ capacity: 10, refillPerSecond: 1, clock });
    bucket.consume(4);
    for (const reading of BAD_READINGS) {
      setFault(reading);
      expect(() => bucket.tryConsume()).toThrow(
        /^TokenBucket: `clock\.nowMs\(\)` must return a finite number from 0 to 8640000000000000/,
      );
      expect(() => bucket.consume()).toThrow(RangeError);
      expect(() => bucket.availableTokens).toThrow(RangeError);
      expect(() => bucket.msUntilAvailable(8)).toThrow(RangeError);
    }
    setFault(undefined);
    expect(bucket.availableTokens).toBe(6);
    expect(bucket.msUntilAvailable(8)).toBe(2000);
  });

  it('TokenBucket refuses such a reading when it is built', () => {
    expect(
      () => new TokenBucket({ capacity: 1, refillPerSecond: 1, clock: { nowMs: () => -5 } }),
    ).toThrow(RangeError);
  });
});

describe('a huge clock step', () => {
  it('refills exactly and answers at once after 1e15 ms', () => {
    const clock = new ManualClock(START_MS);
    const limiter = new RateLimiter({ rate: 10, perSeconds: 60, clock, maxKeys: 2 });
    const bucket = new TokenBucket({ capacity: 5, refillPerSecond: 0.001, clock });
    limiter.check('a', 10);
    limiter.check('b', 10);
    bucket.consume(5);
    clock.advanceMs(1e15);
    const nowMs = START_MS + 1e15;
    expect(limiter.check('a', 4)).toEqual({
      allowed: true,
      limit: 10,
      remaining: 6,
      resetAtMs: nowMs + 24_000,
      retryAfterMs: 0,
    });
    expect(limiter.check('c', 10)).toEqual({
      allowed: true,
      limit: 10,
      remaining: 0,
      resetAtMs: nowMs + 60_000,
      retryAfterMs: 0,
    });
    expect(limiter.store.stats()).toMatchObject({
      size: 2,
      evictedActiveBuckets: 0,
      droppedFullBuckets: 1,
    });
    expect(bucket.consume(5)).toEqual({
      allowed: true,
      limit: 5,
      remaining: 0,
      resetAtMs: nowMs + 5_000_000,
      retryAfterMs: 0,
    });
  });
});

describe('a cost that would take nothing', () => {
  it('is a RangeError in RateLimiter, TokenBucket and MemoryStore, and nothing is taken', () => {
    const clock = new ManualClock(START_MS);
    const limiter = new RateLimiter({ rate: 10, perSeconds: 60, clock });
    expect(() => limiter.check('a', 1e-300)).toThrow(
      new RangeError(
        'RateLimiter: `cost` must be at least 10 × 2^-52 (a smaller cost would take nothing from the bucket), got 1e-300.',
      ),
    );
    expect(() => limiter.allowRequest('a', 1e-300)).toThrow(RangeError);
    expect(limiter.store.size).toBe(0);
    const bucket = new TokenBucket({ capacity: 10, refillPerSecond: 1, clock });
    expect(() => bucket.tryConsume(1e-300)).toThrow(
      /^TokenBucket: `tokens` must be at least 10 × 2\^-52/,
    );
    const store = new MemoryStore();
    const policy = { capacity: 10, refillTokens: 10, refillIntervalMs: 60_000 };
    expect(() => store.consume('a', policy, 1e-300, START_MS)).toThrow(
      /^MemoryStore: `cost` must be at least/,
    );
    expect(() => store.tryConsume('a', policy, 1e-300, START_MS)).toThrow(RangeError);
    expect(store.size).toBe(0);
  });

  it('accepts the smallest cost that still takes something from a full bucket', () => {
    const bucket = new TokenBucket({
      capacity: 10,
      refillPerSecond: 1,
      clock: new ManualClock(START_MS),
    });
    const smallest = 10 * 2 ** -52;
    expect(bucket.tryConsume(smallest)).toBe(true);
    expect(bucket.availableTokens).toBeLessThan(10);
    expect(() => bucket.tryConsume(smallest / 2)).toThrow(RangeError);
  });
});

function captureError(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('create429Response', () => {
  it('never writes a Retry-After of more than 12 digits', () => {
    const response = create429Response({ retryAfterSeconds: 1e308, limit: 60, endpoint: '/e' });
    expect(response.headers['Retry-After']).toBe('999999999999');
    expect(response.body.retry_after).toBe(999_999_999_999);
  });

  it('refuses an unknown option key', () => {
    expect(() =>
      create429Response({
        retryAfterSeconds: 1,
        limit: 60,
        endpoint: '/e',
        windowMs: 60_000,
      } as never),
    ).toThrow(/^create429Response: `windowMs` is not an option/);
  });
});
