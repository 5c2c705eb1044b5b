import { describe, expect, it } from 'vitest';
import {
  decideBucket,
  levelAt,
  wholeTokens,
  type BucketState,
} from '../../src/rate-limit/bucket-math.js';
import { MemoryStore } from '../../src/rate-limit/memory-store.js';
import { RateLimiter } from '../../src/rate-limit/rate-limiter.js';
import type { RateLimitStore } from '../../src/rate-limit/store.js';
import type { BucketPolicy, RateLimitDecision } from '../../src/rate-limit/types.js';
import { ManualClock } from '../../src/testing/manual-clock.js';

const START_MS = 1_700_000_000_000;

function perMinute(rate: number, burst?: number): { limiter: RateLimiter; clock: ManualClock } {
  const clock = new ManualClock(START_MS);
  const limiter = new RateLimiter({
    rate,
    perSeconds: 60,
    clock,
    ...(burst === undefined ? {} : { burst }),
  });
  return { limiter, clock };
}

describe('RateLimiter initialization', () => {
  it('derives the bucket from rate, perSeconds and burst (burst defaults to rate)', () => {
    const { limiter } = perMinute(60);
    expect(limiter.rate).toBe(60);
    expect(limiter.perSeconds).toBe(60);
    expect(limiter.burst).toBe(60);
    expect(limiter.policy).toEqual({ capacity: 60, refillTokens: 60, refillIntervalMs: 60_000 });
    expect(limiter.store).toBeInstanceOf(MemoryStore);
    expect(limiter.store.maxKeys).toBe(100_000);
  });

  it('gives a new client a full bucket', () => {
    const { limiter } = perMinute(60, 90);
    expect(limiter.getRemaining('new-client')).toBe(90);
    expect(limiter.store.size).toBe(0);
  });

  it('passes maxKeys to its memory store', () => {
    const limiter = new RateLimiter({ rate: 1, perSeconds: 1, maxKeys: 7 });
    expect(limiter.store.maxKeys).toBe(7);
  });
});

describe('RateLimiter admission', () => {
  it('admits 60 requests within a minute then rejects the 61st', () => {
    const { limiter, clock } = perMinute(60);
    for (let i = 0; i < 60; i++) {
      expect(limiter.allowRequest('client-a')).toBe(true);
      clock.advanceMs(10);
    }
    expect(limiter.allowRequest('client-a')).toBe(false);
  });

  it('describes each admitted request with the remaining whole tokens', () => {
    const { limiter } = perMinute(10);
    const remainders = Array.from({ length: 10 }, () => limiter.check('c').remaining);
    expect(remainders).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
  });

  it('refuses over the limit with the time until one token and until full', () => {
    const { limiter } = perMinute(60);
    for (let i = 0; i < 60; i++) limiter.check('c');
    // 60 per minute: one token every 1000 ms; empty, so full again after 60,000 ms.
    expect(limiter.check('c')).toEqual({
      allowed: false,
      limit: 60,
      remaining: 0,
      resetAtMs: START_MS + 60_000,
      retryAfterMs: 1000,
    });
  });

  it('keeps separate buckets for separate clients', () => {
    const { limiter } = perMinute(2);
    expect([
      limiter.allowRequest('a'),
      limiter.allowRequest('a'),
      limiter.allowRequest('a'),
    ]).toEqual([true, true, false]);
    expect([
      limiter.allowRequest('b'),
      limiter.allowRequest('b'),
      limiter.allowRequest('b'),
    ]).toEqual([true, true, false]);
    expect(limiter.getRemaining('c')).toBe(2);
  });

  it('takes `cost` tokens per request and refuses a cost larger than what is left', () => {
    const { limiter } = perMinute(10);
    expect(limiter.check('c', 7)).toMatchObject({ allowed: true, remaining: 3 });
    // 3 left, 5 wanted: 2 more tokens at 6000 ms each.
    expect(limiter.check('c', 5)).toMatchObject({
      allowed: false,
      remaining: 3,
      retryAfterMs: 12_000,
    });
    expect(limiter.check('c', 3)).toMatchObject({ allowed: true, remaining: 0 });
  });
});

describe('RateLimiter refill over time', () => {
  it('adds one token per rate/perSeconds interval, exactly on the millisecond', () => {
    const { limiter, clock } = perMinute(60);
    for (let i = 0; i < 60; i++) limiter.allowRequest('c');
    clock.advanceMs(999);
    expect(limiter.check('c')).toMatchObject({ allowed: false, retryAfterMs: 1 });
    clock.advanceMs(1);
    expect(limiter.check('c')).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('is full again after a whole window (window reset) and never holds more than burst', () => {
    const { limiter, clock } = perMinute(10);
    for (let i = 0; i < 10; i++) limiter.allowRequest('c');
    const refused = limiter.check('c');
    expect(refused.resetAtMs).toBe(START_MS + 60_000);
    clock.setMs(refused.resetAtMs);
    expect(limiter.getRemaining('c')).toBe(10);
    clock.advanceMs(3_600_000);
    expect(limiter.getRemaining('c')).toBe(10);
    const admitted = Array.from({ length: 11 }, () => limiter.allowRequest('c'));
    expect(admitted.filter(Boolean)).toHaveLength(10);
  });

  it('reports retryAfterMs that admits exactly then and not a millisecond earlier', () => {
    const { limiter, clock } = perMinute(7); // 8571.43 ms per token: not a whole number
    for (let i = 0; i < 7; i++) limiter.allowRequest('c');
    const { retryAfterMs } = limiter.check('c');
    expect(retryAfterMs).toBe(Math.ceil(60_000 / 7));
    clock.advanceMs(retryAfterMs - 1);
    expect(limiter.allowRequest('c')).toBe(false);
    clock.advanceMs(1);
    expect(limiter.allowRequest('c')).toBe(true);
  });

  it('floors fractional clock readings to whole milliseconds', () => {
    const clock = new ManualClock(0.9);
    const limiter = new RateLimiter({ rate: 1, perSeconds: 1, clock });
    expect(limiter.check('c')).toMatchObject({ allowed: true, resetAtMs: 1000 });
  });
});

describe('RateLimiter reset', () => {
  it('refills one client, or every client without an argument', () => {
    const { limiter } = perMinute(1);
    limiter.allowRequest('a');
    limiter.allowRequest('b');
    limiter.reset('a');
    expect([limiter.getRemaining('a'), limiter.getRemaining('b')]).toEqual([1, 0]);
    limiter.reset();
    expect(limiter.getRemaining('b')).toBe(1);
    expect(limiter.store.size).toBe(0);
  });
});

describe('RateLimiter with a clock that steps back', () => {
  it('neither refills nor goes negative, and admits nothing extra when time returns', () => {
    const { limiter, clock } = perMinute(60);
    for (let i = 0; i < 60; i++) limiter.allowRequest('c');
    clock.setMs(START_MS - 3_600_000);
    const refused = limiter.check('c');
    expect(refused).toEqual({
      allowed: false,
      limit: 60,
      remaining: 0,
      resetAtMs: START_MS + 60_000,
      retryAfterMs: 3_600_000 + 1000,
    });
    clock.setMs(START_MS + 999);
    expect(limiter.allowRequest('c')).toBe(false);
    clock.setMs(START_MS + 1000);
    expect(limiter.allowRequest('c')).toBe(true);
  });
});

describe('RateLimiter bad input', () => {
  it.each([
    [
      'rate',
      { rate: 0, perSeconds: 60 },
      'RateLimiter: `rate` must be a finite number > 0, got 0.',
    ],
    [
      'rate',
      { rate: Number.NaN, perSeconds: 60 },
      'RateLimiter: `rate` must be a finite number > 0, got NaN.',
    ],
    [
      'perSeconds',
      { rate: 1, perSeconds: -1 },
      'RateLimiter: `perSeconds` must be a finite number > 0, got -1.',
    ],
    [
      'perSeconds',
      { rate: 1, perSeconds: Infinity },
      'RateLimiter: `perSeconds` must be a finite number > 0, got Infinity.',
    ],
    [
      'burst',
      { rate: 1, perSeconds: 1, burst: 0 },
      'RateLimiter: `burst` must be a finite number > 0, got 0.',
    ],
    [
      'maxKeys',
      { rate: 1, perSeconds: 1, maxKeys: 0 },
      'MemoryStore: `maxKeys` must be an integer >= 1, got 0.',
    ],
  ])('rejects a bad `%s` with a RangeError naming it', (_name, options, message) => {
    expect(() => new RateLimiter(options)).toThrow(new RangeError(message));
  });

  it('rejects a burst so large that the arithmetic would not be exact', () => {
    expect(() => new RateLimiter({ rate: 1, perSeconds: 86_400, burst: 1e12 })).toThrow(RangeError);
    expect(() => new RateLimiter({ rate: 1, perSeconds: 86_400, burst: 1e12 })).toThrow(/`burst`/);
  });

  it('rejects options of the wrong type with a TypeError', () => {
    expect(() => new RateLimiter({ rate: '60' as unknown as number, perSeconds: 60 })).toThrow(
      TypeError,
    );
    expect(() => new RateLimiter({ rate: 1, perSeconds: 1, clock: {} as never })).toThrow(
      TypeError,
    );
    expect(() => new RateLimiter({ rate: 1, perSeconds: 1, store: {} as never })).toThrow(
      TypeError,
    );
    expect(() => new RateLimiter({ rate: 1, perSeconds: 1, keyPrefix: 3 as never })).toThrow(
      TypeError,
    );
  });

  it('rejects a non-positive, non-finite or too large cost with a RangeError naming `cost`', () => {
    const { limiter } = perMinute(10);
    for (const cost of [0, -1, Number.NaN, Infinity, 11]) {
      expect(() => limiter.allowRequest('c', cost)).toThrow(RangeError);
      expect(() => limiter.check('c', cost)).toThrow(
        `RateLimiter: \`cost\` must be a finite number > 0 and <= 10, got ${cost}.`,
      );
    }
    expect(() => limiter.check('c', '1' as unknown as number)).toThrow(TypeError);
    expect(limiter.getRemaining('c')).toBe(10);
  });

  it('rejects an empty or non-string client id with a TypeError', () => {
    const { limiter } = perMinute(10);
    expect(() => limiter.allowRequest('')).toThrow(
      new TypeError('RateLimiter: `clientId` must be a non-empty string, got "".'),
    );
    expect(() => limiter.check(42 as unknown as string)).toThrow(
      new TypeError('RateLimiter: `clientId` must be a non-empty string, got 42.'),
    );
    expect(() => limiter.getRemaining(undefined as unknown as string)).toThrow(TypeError);
    expect(() => limiter.reset('')).toThrow(TypeError);
  });

  it('refuses a clock that returns NaN instead of deciding on it', () => {
    const limiter = new RateLimiter({ rate: 1, perSeconds: 1, clock: { nowMs: () => Number.NaN } });
    expect(() => limiter.allowRequest('c')).toThrow(
      new RangeError(
        'RateLimiter: `clock.nowMs()` must return a finite number from 0 to 8640000000000000, got NaN.',
      ),
    );
  });
});

/** A store answering through Promises, as a Redis store does, built on the reference arithmetic. */
class PromiseStore implements RateLimitStore {
  readonly synchronous = false;
  readonly states = new Map<string, BucketState>();
  readonly calls: string[] = [];

  async consume(
    key: string,
    policy: BucketPolicy,
    cost: number,
    nowMs: number,
  ): Promise<RateLimitDecision> {
    await Promise.resolve();
    this.calls.push(`consume ${key} ${cost} ${nowMs}`);
    const { decision, next } = decideBucket(this.states.get(key), policy, cost, nowMs);
    if (next !== undefined) this.states.set(key, next);
    return decision;
  }

  async remaining(key: string, policy: BucketPolicy, nowMs: number): Promise<number> {
    await Promise.resolve();
    const state = this.states.get(key);
    if (state === undefined) return Math.floor(policy.capacity);
    const level = levelAt(
      state.scaledTokens,
      state.updatedAtMs,
      Math.max(nowMs, state.updatedAtMs),
      policy,
    );
    return wholeTokens(level, policy.refillIntervalMs);
  }

  reset(key: string): void {
    this.states.delete(key);
  }

  async clear(keyPrefix: string): Promise<void> {
    await Promise.resolve();
    for (const key of [...this.states.keys()])
      if (key.startsWith(keyPrefix)) this.states.delete(key);
  }
}

describe('RateLimiter with an asynchronous store', () => {
  it('returns Promises, passes the policy, cost, prefixed key and whole-ms time to the store', async () => {
    const clock = new ManualClock(5000.7);
    const store = new PromiseStore();
    const limiter = new RateLimiter({ rate: 2, perSeconds: 1, clock, store, keyPrefix: 'api:' });
    const first = limiter.allowRequest('c');
    expect(first).toBeInstanceOf(Promise);
    expect(await first).toBe(true);
    expect(await limiter.check('c', 1)).toEqual({
      allowed: true,
      limit: 2,
      remaining: 0,
      resetAtMs: 6000,
      retryAfterMs: 0,
    });
    expect(await limiter.allowRequest('c')).toBe(false);
    expect(store.calls).toEqual([
      'consume api:c 1 5000',
      'consume api:c 1 5000',
      'consume api:c 1 5000',
    ]);
    expect(await limiter.getRemaining('c')).toBe(0);
  });

  it('wraps a plain answer from a store that says it is asynchronous in a Promise', async () => {
    const store = new PromiseStore();
    const limiter = new RateLimiter({ rate: 1, perSeconds: 1, store });
    store.states.set('c', { scaledTokens: 0, updatedAtMs: Number.MAX_SAFE_INTEGER });
    const reset = limiter.reset('c');
    expect(reset).toBeInstanceOf(Promise);
    await reset;
    expect(store.states.has('c')).toBe(false);
    await limiter.reset();
  });
});
