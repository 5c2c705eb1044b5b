import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { admittedDecision, isWholePolicy, refusedDecision } from '../../src/rate-limit/decision.js';
import type { BucketPolicy } from '../../src/rate-limit/types.js';

const RUNS = { numRuns: 2000 };

function ceilDivide(a: bigint, b: bigint): bigint {
  return a <= 0n ? 0n : (a + b - 1n) / b;
}

/** Frozen whole-number policies, from tiny to a scaled capacity of 2^53 − 1, with refills up to 2^53 − 1 per ms. */
const wholePolicy = fc
  .record({
    refillIntervalMs: fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 1e7 })),
    refillTokens: fc.oneof(
      fc.integer({ min: 1, max: 100 }),
      fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    ),
    capacityShare: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map(({ refillIntervalMs, refillTokens, capacityShare }) => {
    const maxCapacity = Math.floor(Number.MAX_SAFE_INTEGER / refillIntervalMs);
    const capacity = Math.max(1, Math.floor(capacityShare ** 4 * maxCapacity));
    return Object.freeze({ capacity, refillTokens, refillIntervalMs });
  });

describe('isWholePolicy', () => {
  it('accepts frozen policies of whole numbers whose scaled capacity is at most 2^53 − 1', () => {
    expect(
      isWholePolicy(Object.freeze({ capacity: 60, refillTokens: 60, refillIntervalMs: 60_000 })),
    ).toBe(true);
    expect(
      isWholePolicy(Object.freeze({ capacity: 0.5, refillTokens: 1, refillIntervalMs: 1000 })),
    ).toBe(true); // 500 scaled units
    expect(
      isWholePolicy(
        Object.freeze({ capacity: Number.MAX_SAFE_INTEGER, refillTokens: 1, refillIntervalMs: 1 }),
      ),
    ).toBe(true);
  });

  it('refuses policies that could change, or whose numbers are not whole, positive and safe', () => {
    const refused: BucketPolicy[] = [
      { capacity: 60, refillTokens: 60, refillIntervalMs: 60_000 }, // not frozen
      Object.freeze({ capacity: 60, refillTokens: 1.5, refillIntervalMs: 60_000 }),
      Object.freeze({ capacity: 60, refillTokens: 60, refillIntervalMs: 0.5 }),
      Object.freeze({ capacity: 0.0001, refillTokens: 60, refillIntervalMs: 1000 }),
      Object.freeze({ capacity: 2 ** 53, refillTokens: 1, refillIntervalMs: 1 }),
      Object.freeze({ capacity: 10, refillTokens: 2 ** 53, refillIntervalMs: 1 }),
      Object.freeze({ capacity: 10, refillTokens: 0, refillIntervalMs: 1 }),
      Object.freeze({ capacity: 10, refillTokens: -1, refillIntervalMs: 1 }),
      Object.freeze({ capacity: 10, refillTokens: 1, refillIntervalMs: Infinity }),
      Object.freeze({ capacity: 10, refillTokens: NaN, refillIntervalMs: 1 }),
    ];
    for (const policy of refused) expect(isWholePolicy(policy)).toBe(false);
  });
});

describe('admittedDecision', () => {
  it('gives the same numbers with the whole-number shortcut as with the correction steps, for every whole level', () => {
    const input = wholePolicy.chain((policy) =>
      fc.record({
        policy: fc.constant(policy),
        scaledTokens: fc.oneof(
          fc.integer({ min: 0, max: policy.capacity * policy.refillIntervalMs }),
          fc.constantFrom(
            0,
            policy.capacity * policy.refillIntervalMs,
            policy.capacity * policy.refillIntervalMs - 1,
          ),
        ),
        atMs: fc.integer({ min: 0, max: 4e12 }),
      }),
    );
    fc.assert(
      fc.property(input, ({ policy, scaledTokens, atMs }) => {
        expect(isWholePolicy(policy)).toBe(true);
        expect(admittedDecision(policy, scaledTokens, atMs, true)).toStrictEqual(
          admittedDecision(policy, scaledTokens, atMs, false),
        );
      }),
      RUNS,
    );
  });

  it('equals exact integer arithmetic on whole numbers', () => {
    const input = wholePolicy.chain((policy) =>
      fc.record({
        policy: fc.constant(policy),
        scaledTokens: fc.integer({ min: 0, max: policy.capacity * policy.refillIntervalMs }),
        atMs: fc.integer({ min: 0, max: 4e12 }),
      }),
    );
    fc.assert(
      fc.property(input, ({ policy, scaledTokens, atMs }) => {
        const [full, refill, interval, level] = [
          BigInt(policy.capacity * policy.refillIntervalMs),
          BigInt(policy.refillTokens),
          BigInt(policy.refillIntervalMs),
          BigInt(scaledTokens),
        ];
        const resetAtMs = BigInt(atMs) + ceilDivide(full - level, refill);
        fc.pre(resetAtMs <= BigInt(Number.MAX_SAFE_INTEGER));
        expect(admittedDecision(policy, scaledTokens, atMs, true)).toStrictEqual({
          allowed: true,
          limit: policy.capacity,
          remaining: Number(level / interval),
          resetAtMs: Number(resetAtMs),
          retryAfterMs: 0,
        });
      }),
      RUNS,
    );
  });

  it('describes an admitted check: whole tokens left, full again at resetAtMs, no wait', () => {
    const perMinute60 = Object.freeze({ capacity: 60, refillTokens: 60, refillIntervalMs: 60_000 });
    // 59.5 tokens left: 59 whole ones; 0.5 token (30,000 units) refills in 500 ms.
    expect(admittedDecision(perMinute60, 3_570_000, 10_000, true)).toEqual({
      allowed: true,
      limit: 60,
      remaining: 59,
      resetAtMs: 10_500,
      retryAfterMs: 0,
    });
    expect(admittedDecision(perMinute60, 3_570_000, 10_000, false)).toEqual({
      allowed: true,
      limit: 60,
      remaining: 59,
      resetAtMs: 10_500,
      retryAfterMs: 0,
    });
  });
});

describe('refusedDecision', () => {
  it('tells how long until the cost is available, counted from the time of the check', () => {
    const perMinute60 = Object.freeze({ capacity: 60, refillTokens: 60, refillIntervalMs: 60_000 });
    // 0.5 token at an effective time of 10,000 (the clock read 9,000): 1 token is there at 10,500.
    expect(refusedDecision(perMinute60, 30_000, 10_000, 9000, 60_000)).toEqual({
      allowed: false,
      limit: 60,
      remaining: 0,
      resetAtMs: 69_500,
      retryAfterMs: 1500,
    });
  });
});
