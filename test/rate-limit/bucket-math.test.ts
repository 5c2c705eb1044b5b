import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decideBucket,
  levelAt,
  msUntilLevel,
  scaledCapacity,
  wholeTokens,
  type BucketState,
} from '../../src/rate-limit/bucket-math.js';
import type { BucketPolicy } from '../../src/rate-limit/types.js';

const RUNS = { numRuns: 1000 };
const perMinute60: BucketPolicy = { capacity: 60, refillTokens: 60, refillIntervalMs: 60_000 };

describe('token-bucket arithmetic', () => {
  it('measures tokens in scaled units: tokens × refillIntervalMs', () => {
    expect(scaledCapacity(perMinute60)).toBe(3_600_000);
    expect(wholeTokens(3_600_000, 60_000)).toBe(60);
    expect(wholeTokens(3_599_999, 60_000)).toBe(59);
    expect(wholeTokens(0, 60_000)).toBe(0);
  });

  it('refills refillTokens scaled units per millisecond, capped at the capacity', () => {
    expect(levelAt(0, 1000, 2000, perMinute60)).toBe(60_000);
    expect(levelAt(3_590_000, 0, 1_000_000, perMinute60)).toBe(3_600_000);
  });

  it('finds the smallest whole millisecond at which a level is reached', () => {
    expect(msUntilLevel(0, 60_000, 60)).toBe(1000);
    expect(msUntilLevel(1, 60_000, 60)).toBe(1000);
    expect(msUntilLevel(60, 60_000, 60)).toBe(999);
    expect(msUntilLevel(60_000, 60_000, 60)).toBe(0);
    expect(msUntilLevel(0, 1, 7)).toBe(1);
  });

  it('treats a missing bucket as full and stores what was taken', () => {
    expect(decideBucket(undefined, perMinute60, 1, 5000)).toEqual({
      decision: { allowed: true, limit: 60, remaining: 59, resetAtMs: 6000, retryAfterMs: 0 },
      next: { scaledTokens: 3_540_000, updatedAtMs: 5000 },
    });
  });

  it('stores nothing when it refuses', () => {
    const empty: BucketState = { scaledTokens: 30_000, updatedAtMs: 0 };
    expect(decideBucket(empty, perMinute60, 2, 0)).toEqual({
      decision: { allowed: false, limit: 60, remaining: 0, resetAtMs: 59_500, retryAfterMs: 1500 },
      next: undefined,
    });
  });

  it('decides at the stored time when the clock is behind it', () => {
    const state: BucketState = { scaledTokens: 0, updatedAtMs: 10_000 };
    const { decision, next } = decideBucket(state, perMinute60, 1, 4000);
    expect(decision).toEqual({
      allowed: false,
      limit: 60,
      remaining: 0,
      resetAtMs: 70_000,
      retryAfterMs: 7000,
    });
    expect(next).toBeUndefined();
  });
});

/** Integer policies, where every figure must equal the exact rational answer. */
const integerPolicy = fc.record({
  capacity: fc.integer({ min: 1, max: 500 }),
  refillTokens: fc.integer({ min: 1, max: 1000 }),
  refillIntervalMs: fc.integer({ min: 1, max: 86_400_000 }),
});

function ceilDivide(a: bigint, b: bigint): bigint {
  return a <= 0n ? 0n : (a + b - 1n) / b;
}

describe('token-bucket arithmetic, properties', () => {
  it('equals exact rational arithmetic for integer parameters', () => {
    const input = integerPolicy.chain((policy) =>
      fc.record({
        policy: fc.constant(policy),
        scaledTokens: fc.integer({ min: 0, max: policy.capacity * policy.refillIntervalMs }),
        updatedAtMs: fc.integer({ min: 0, max: 2e12 }),
        elapsedMs: fc.integer({ min: -1e6, max: 1e9 }),
        cost: fc.integer({ min: 1, max: policy.capacity }),
      }),
    );
    fc.assert(
      fc.property(input, ({ policy, scaledTokens, updatedAtMs, elapsedMs, cost }) => {
        const nowMs = updatedAtMs + elapsedMs;
        const { decision, next } = decideBucket({ scaledTokens, updatedAtMs }, policy, cost, nowMs);
        const [c, r, i] = [
          BigInt(policy.capacity),
          BigInt(policy.refillTokens),
          BigInt(policy.refillIntervalMs),
        ];
        const at = BigInt(Math.max(nowMs, updatedAtMs));
        const full = c * i;
        const refilled = BigInt(scaledTokens) + (at - BigInt(updatedAtMs)) * r;
        const level = refilled < full ? refilled : full;
        const needed = BigInt(cost) * i;
        const allowed = level >= needed;
        const after = allowed ? level - needed : level;
        expect(decision).toEqual({
          allowed,
          limit: policy.capacity,
          remaining: Number(after / i),
          resetAtMs: Number(at + ceilDivide(full - after, r)),
          retryAfterMs: allowed ? 0 : Number(at + ceilDivide(needed - after, r) - BigInt(nowMs)),
        });
        expect(next).toEqual(
          allowed ? { scaledTokens: Number(after), updatedAtMs: Number(at) } : undefined,
        );
      }),
      RUNS,
    );
  });

  it('never holds more than the capacity nor less than 0, never NaN, for any finite parameters', () => {
    const input = fc
      .record({
        capacity: fc.double({ min: 1e-3, max: 1e6, noNaN: true }),
        refillTokens: fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
        refillIntervalMs: fc.double({ min: 1, max: 1e7, noNaN: true }),
      })
      .chain((policy) =>
        fc.record({
          policy: fc.constant(policy),
          fill: fc.double({ min: 0, max: 1, noNaN: true }),
          updatedAtMs: fc.integer({ min: 0, max: 2e12 }),
          elapsedMs: fc.integer({ min: -1e9, max: 1e10 }),
          costShare: fc.double({ min: 1e-9, max: 1, noNaN: true }),
        }),
      );
    fc.assert(
      fc.property(input, ({ policy, fill, updatedAtMs, elapsedMs, costShare }) => {
        const capacity = policy.capacity * policy.refillIntervalMs;
        const nowMs = updatedAtMs + elapsedMs;
        const cost = Math.max(Number.MIN_VALUE, costShare * policy.capacity);
        const { decision, next } = decideBucket(
          { scaledTokens: fill * capacity, updatedAtMs },
          policy,
          cost,
          nowMs,
        );
        for (const value of [
          decision.limit,
          decision.remaining,
          decision.resetAtMs,
          decision.retryAfterMs,
        ])
          expect(Number.isFinite(value)).toBe(true);
        expect(decision.remaining).toBeGreaterThanOrEqual(0);
        expect(decision.remaining).toBeLessThanOrEqual(policy.capacity);
        expect(decision.retryAfterMs).toBeGreaterThanOrEqual(decision.allowed ? 0 : 1);
        expect(decision.resetAtMs).toBeGreaterThanOrEqual(nowMs);
        if (next !== undefined) {
          expect(next.scaledTokens).toBeGreaterThanOrEqual(0);
          expect(next.scaledTokens).toBeLessThanOrEqual(capacity);
        }
      }),
      RUNS,
    );
  });

  it('admits a refused request exactly retryAfterMs later, not a millisecond earlier, for any parameters', () => {
    const input = fc
      .record({
        capacity: fc.integer({ min: 1, max: 1000 }),
        refillTokens: fc.double({ min: 1e-3, max: 1e4, noNaN: true }),
        refillIntervalMs: fc.double({ min: 1, max: 1e7, noNaN: true }),
      })
      .chain((policy) =>
        fc.record({
          policy: fc.constant(policy),
          fill: fc.double({ min: 0, max: 1, noNaN: true }),
          cost: fc.integer({ min: 1, max: policy.capacity }),
          nowMs: fc.integer({ min: 0, max: 2e12 }),
        }),
      );
    fc.assert(
      fc.property(input, ({ policy, fill, cost, nowMs }) => {
        const state = { scaledTokens: fill * scaledCapacity(policy), updatedAtMs: nowMs };
        const refused = decideBucket(state, policy, cost, nowMs).decision;
        fc.pre(!refused.allowed);
        expect(Number.isInteger(refused.retryAfterMs)).toBe(true);
        expect(
          decideBucket(state, policy, cost, nowMs + refused.retryAfterMs).decision.allowed,
        ).toBe(true);
        expect(
          decideBucket(state, policy, cost, nowMs + refused.retryAfterMs - 1).decision.allowed,
        ).toBe(false);
      }),
      RUNS,
    );
  });
});
