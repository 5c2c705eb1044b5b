import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/rate-limit/rate-limiter.js';
import { TokenBucket } from '../../src/rate-limit/token-bucket.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { ReferenceLimiter } from './reference-limiter.js';

const RUNS = { numRuns: 1000 };
const START_MS = 1_700_000_000_000;

const policy = fc.record({
  rate: fc.integer({ min: 1, max: 120 }),
  perSeconds: fc.integer({ min: 1, max: 3600 }),
  burst: fc.integer({ min: 1, max: 50 }),
});

/** One request: how long after the previous one, from which client, and its cost as a share of burst. */
const step = fc.record({
  advanceMs: fc.oneof(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 120_000 })),
  client: fc.integer({ min: 0, max: 9 }),
  costSeed: fc.nat(),
});

const costWithin = (costSeed: number, burst: number): number => 1 + (costSeed % burst);

describe('RateLimiter properties', () => {
  it('decides exactly as an independent exact model, whatever the schedule', () => {
    fc.assert(
      fc.property(
        policy,
        fc.array(step, { maxLength: 80 }),
        ({ rate, perSeconds, burst }, steps) => {
          const clock = new ManualClock(START_MS);
          const limiter = new RateLimiter({ rate, perSeconds, burst, clock });
          const reference = new ReferenceLimiter(rate, perSeconds * 1000, burst);
          for (const { advanceMs, client, costSeed } of steps) {
            clock.advanceMs(advanceMs);
            const cost = costWithin(costSeed, burst);
            expect(limiter.check(`c${client}`, cost)).toEqual(
              reference.check(`c${client}`, cost, clock.nowMs()),
            );
          }
        },
      ),
      RUNS,
    );
  });

  it('admits at most burst + rate * d / perSeconds tokens of requests over any interval of d seconds', () => {
    fc.assert(
      fc.property(
        policy,
        fc.array(step, { maxLength: 60 }),
        ({ rate, perSeconds, burst }, steps) => {
          const clock = new ManualClock(START_MS);
          const limiter = new RateLimiter({ rate, perSeconds, burst, clock });
          const admitted = new Map<number, { atMs: number; cost: number }[]>();
          for (const { advanceMs, client, costSeed } of steps) {
            clock.advanceMs(advanceMs);
            const cost = costWithin(costSeed, burst);
            if (limiter.allowRequest(`c${client}`, cost))
              admitted.set(client, [
                ...(admitted.get(client) ?? []),
                { atMs: clock.nowMs(), cost },
              ]);
          }
          const windowMs = perSeconds * 1000;
          for (const requests of admitted.values()) {
            for (let i = 0; i < requests.length; i++) {
              let tokens = 0;
              for (let j = i; j < requests.length; j++) {
                tokens += requests[j]!.cost;
                // tokens <= burst + rate * d / perSeconds, multiplied through by perSeconds * 1000.
                expect(tokens * windowMs).toBeLessThanOrEqual(
                  burst * windowMs + rate * (requests[j]!.atMs - requests[i]!.atMs),
                );
              }
            }
          }
        },
      ),
      RUNS,
    );
  });

  it('keeps every bucket between 0 and its capacity', () => {
    const bucketSteps = fc.array(
      fc.record({
        advanceMs: fc.integer({ min: 0, max: 5000 }),
        share: fc.double({ min: 0.001, max: 1, noNaN: true }),
      }),
      { maxLength: 60 },
    );
    const bucketPolicy = fc.record({
      capacity: fc.double({ min: 0.5, max: 1000, noNaN: true }),
      refillPerSecond: fc.double({ min: 0.001, max: 1000, noNaN: true }),
    });
    fc.assert(
      fc.property(bucketPolicy, bucketSteps, ({ capacity, refillPerSecond }, steps) => {
        const clock = new ManualClock(START_MS);
        const bucket = new TokenBucket({ capacity, refillPerSecond, clock });
        for (const { advanceMs, share } of steps) {
          clock.advanceMs(advanceMs);
          const decision = bucket.consume(share * capacity);
          expect(bucket.availableTokens).toBeGreaterThanOrEqual(0);
          expect(bucket.availableTokens).toBeLessThanOrEqual(capacity);
          expect(decision.remaining).toBeGreaterThanOrEqual(0);
          expect(decision.remaining).toBeLessThanOrEqual(capacity);
        }
      }),
      RUNS,
    );
  });

  it('with a clock stepping backwards: no negative tokens, no NaN, no admission beyond the latest time seen', () => {
    const readings = fc.array(
      fc.record({
        atMs: fc.integer({ min: -600_000, max: 600_000 }),
        client: fc.integer({ min: 0, max: 3 }),
        costSeed: fc.nat(),
      }),
      { minLength: 1, maxLength: 80 },
    );
    fc.assert(
      fc.property(policy, readings, ({ rate, perSeconds, burst }, steps) => {
        const clock = new ManualClock(START_MS);
        const limiter = new RateLimiter({ rate, perSeconds, burst, clock });
        const seen = new Map<number, { firstMs: number; latestMs: number; tokens: number }>();
        for (const { atMs, client, costSeed } of steps) {
          clock.setMs(START_MS + atMs);
          const cost = costWithin(costSeed, burst);
          const decision = limiter.check(`c${client}`, cost);
          for (const value of [
            decision.limit,
            decision.remaining,
            decision.resetAtMs,
            decision.retryAfterMs,
          ])
            expect(Number.isFinite(value)).toBe(true);
          expect(decision.remaining).toBeGreaterThanOrEqual(0);
          expect(decision.retryAfterMs).toBeGreaterThanOrEqual(0);
          expect(limiter.getRemaining(`c${client}`)).toBeGreaterThanOrEqual(0);
          const record = seen.get(client) ?? {
            firstMs: clock.nowMs(),
            latestMs: clock.nowMs(),
            tokens: 0,
          };
          record.latestMs = Math.max(record.latestMs, clock.nowMs());
          if (decision.allowed) record.tokens += cost;
          seen.set(client, record);
          // Over the whole run, at most burst + rate * (latest time seen - first time) / perSeconds.
          expect(record.tokens * perSeconds * 1000).toBeLessThanOrEqual(
            burst * perSeconds * 1000 + rate * (record.latestMs - record.firstMs),
          );
        }
      }),
      RUNS,
    );
  });

  it('with a clock stepping backwards and a constant cost: admits exactly as with the latest time seen', () => {
    const readings = fc.array(
      fc.record({
        atMs: fc.integer({ min: -600_000, max: 600_000 }),
        client: fc.integer({ min: 0, max: 3 }),
      }),
      { minLength: 1, maxLength: 80 },
    );
    fc.assert(
      fc.property(policy, readings, fc.nat(), ({ rate, perSeconds, burst }, steps, costSeed) => {
        const cost = costWithin(costSeed, burst);
        const clock = new ManualClock(START_MS);
        const limiter = new RateLimiter({ rate, perSeconds, burst, clock });
        const monotonic = new ReferenceLimiter(rate, perSeconds * 1000, burst);
        const latestMs = new Map<number, number>();
        for (const { atMs, client } of steps) {
          clock.setMs(START_MS + atMs);
          const latest = Math.max(latestMs.get(client) ?? -Infinity, clock.nowMs());
          latestMs.set(client, latest);
          expect(limiter.allowRequest(`c${client}`, cost)).toBe(
            monotonic.check(`c${client}`, cost, latest).allowed,
          );
        }
      }),
      RUNS,
    );
  });
});
