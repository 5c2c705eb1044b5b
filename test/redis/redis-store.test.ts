import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GreensloError } from '../../src/core/errors.js';
import { EndpointRateLimiter } from '../../src/rate-limit/endpoint-rate-limiter.js';
import { MemoryStore } from '../../src/rate-limit/memory-store.js';
import { RateLimiter } from '../../src/rate-limit/rate-limiter.js';
import type { RateLimitDecision } from '../../src/rate-limit/types.js';
import { BUCKET_SCRIPT, BUCKET_SCRIPT_SHA1 } from '../../src/redis/bucket-script.js';
import { RedisStore, type RedisStoreOptions } from '../../src/redis/index.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { findProgram } from '../support/programs.js';
import { RedisServer } from '../support/redis-server.js';
import { CLIENT_KINDS, connectMany, type TestClient } from './clients.js';

const program = findProgram('redis-server', 'redis-server');

/**
 * Keys expire on the server's clock even with `clock: 'client'`, so a test clock starts a year
 * ahead of real time: no bucket can expire on the server while a test still counts on it.
 */
function clockAheadOfServer(): ManualClock {
  return new ManualClock(Date.now() + 365 * 24 * 3_600_000);
}

/** Redis' `TIME` as whole epoch milliseconds. */
async function serverTimeMs(redis: TestClient): Promise<number> {
  const [seconds, microseconds] = (await redis.command('TIME')) as [string, string];
  return Number(seconds) * 1000 + Math.floor(Number(microseconds) / 1000);
}

async function commandCalls(redis: TestClient, command: string): Promise<number> {
  const info = String(await redis.command('INFO', 'commandstats'));
  const match = new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(info);
  return match ? Number(match[1]) : 0;
}

describe.skipIf(!program)('RedisStore against a real redis-server', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await RedisServer.start(program!);
  });
  afterAll(async () => {
    await server.stop();
  });

  it('runs the script by the SHA-1 it is published under', async () => {
    expect(createHash('sha1').update(BUCKET_SCRIPT).digest('hex')).toBe(BUCKET_SCRIPT_SHA1);
    const [redis] = await connectMany(CLIENT_KINDS[0]!, server.port, 1);
    expect(await redis!.command('SCRIPT', 'LOAD', BUCKET_SCRIPT)).toBe(BUCKET_SCRIPT_SHA1);
    await redis!.close();
  });

  describe.each(CLIENT_KINDS)('with a $name client', (kind) => {
    let redis: TestClient;
    let errors: GreensloError[];
    let storeNumber = 0;
    /** A store with its own prefix, so that tests never share a bucket. */
    const newStore = (options: Partial<RedisStoreOptions> = {}): RedisStore =>
      new RedisStore({
        client: redis.client,
        prefix: `${kind.name}:${++storeNumber}:`,
        timeoutMs: 5_000,
        onError: (error) => errors.push(error),
        ...options,
      });

    beforeAll(async () => {
      redis = await kind.connect(server.port);
    });
    afterAll(async () => {
      await redis.close();
    });
    beforeEach(() => {
      errors = [];
    });

    it('admits the burst, then refuses with the reset and retry times of the token bucket', async () => {
      const clock = clockAheadOfServer();
      const t0 = clock.nowMs();
      const limiter = new RateLimiter({
        rate: 3,
        perSeconds: 1,
        clock,
        store: newStore({ clock: 'client' }),
      });
      // 3 tokens per 1000 ms: one token every 333.3 ms, so a token takes 334 whole ms to come back.
      expect(await limiter.check('alice')).toEqual({
        allowed: true,
        limit: 3,
        remaining: 2,
        resetAtMs: t0 + 334,
        retryAfterMs: 0,
      });
      expect(await limiter.check('alice')).toEqual({
        allowed: true,
        limit: 3,
        remaining: 1,
        resetAtMs: t0 + 667,
        retryAfterMs: 0,
      });
      expect(await limiter.check('alice')).toEqual({
        allowed: true,
        limit: 3,
        remaining: 0,
        resetAtMs: t0 + 1000,
        retryAfterMs: 0,
      });
      expect(await limiter.check('alice')).toEqual({
        allowed: false,
        limit: 3,
        remaining: 0,
        resetAtMs: t0 + 1000,
        retryAfterMs: 334,
      });
      clock.advanceMs(333);
      expect(await limiter.check('alice')).toMatchObject({ allowed: false, retryAfterMs: 1 });
      clock.advanceMs(1);
      expect(await limiter.check('alice')).toEqual({
        allowed: true,
        limit: 3,
        remaining: 0,
        resetAtMs: t0 + 334 + 1000,
        retryAfterMs: 0,
      });
      expect(await limiter.check('bob')).toMatchObject({ allowed: true, remaining: 2 });
      expect(errors).toEqual([]);
    });

    it('gives the decisions, remaining counts and reset times of the memory store for random request sequences', async () => {
      const amount = fc.oneof(
        fc.integer({ min: 1, max: 50 }),
        fc.double({ min: 0.01, max: 50, noNaN: true, noDefaultInfinity: true }),
      );
      const period = fc.oneof(
        fc.constantFrom(0.001, 0.25, 1, 7, 60, 3600),
        fc.double({ min: 0.001, max: 5000, noNaN: true, noDefaultInfinity: true }),
      );
      const step = fc.record({
        moveMs: fc.oneof(
          fc.constant(0),
          fc.integer({ min: 0, max: 3000 }),
          fc.integer({ min: -2000, max: 0 }),
          fc.double({ min: 0, max: 100, noNaN: true }),
        ),
        client: fc.constantFrom('a', 'b', 'c'),
        remainingOnly: fc.boolean(),
        wholeCost: fc.boolean(),
        costShare: fc.double({ min: 0.001, max: 1, noNaN: true }),
      });
      const store = newStore({ clock: 'client' });
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          amount,
          period,
          fc.double({ min: 1, max: 40, noNaN: true }),
          fc.boolean(),
          fc.array(step, { minLength: 1, maxLength: 40 }),
          async (rate, perSeconds, burstDraw, wholeBurst, steps) => {
            const burst = wholeBurst ? Math.ceil(burstDraw) : burstDraw;
            const clock = clockAheadOfServer();
            const startMs = clock.nowMs();
            const options = { rate, perSeconds, burst, clock, keyPrefix: `run${++run}:` };
            const inMemory = new RateLimiter({ ...options, store: new MemoryStore() });
            const onRedis = new RateLimiter({ ...options, store });
            const expected: (RateLimitDecision | number)[] = [];
            const actual: (RateLimitDecision | number)[] = [];
            for (const { moveMs, client, remainingOnly, wholeCost, costShare } of steps) {
              clock.setMs(Math.max(startMs, clock.nowMs() + moveMs));
              if (remainingOnly) {
                expected.push(inMemory.getRemaining(client));
                actual.push(await onRedis.getRemaining(client));
                continue;
              }
              const cost = wholeCost
                ? Math.max(1, Math.floor(costShare * burst))
                : costShare * burst;
              expected.push(inMemory.check(client, cost));
              actual.push(await onRedis.check(client, cost));
            }
            expect(actual).toEqual(expected);
          },
        ),
        { numRuns: 300 },
      );
      expect(errors).toEqual([]);
    });

    it('times buckets by the Redis server clock by default, whatever the limiter clock says', async () => {
      const limiter = new RateLimiter({
        rate: 1,
        perSeconds: 60,
        clock: new ManualClock(0),
        store: newStore(),
      });
      const beforeMs = await serverTimeMs(redis);
      const decision = await limiter.check('carol');
      const afterMs = await serverTimeMs(redis);
      // A full bucket of 1 token refills in exactly 60 s from the server time of the check.
      expect(decision.allowed).toBe(true);
      expect(decision.resetAtMs).toBeGreaterThanOrEqual(beforeMs + 60_000);
      expect(decision.resetAtMs).toBeLessThanOrEqual(afterMs + 60_000);
      const refusedAfterMs = await serverTimeMs(redis);
      const refused = await limiter.check('carol');
      const refusedBeforeMs = await serverTimeMs(redis);
      expect(refused).toMatchObject({ allowed: false, resetAtMs: decision.resetAtMs });
      expect(refused.retryAfterMs).toBeGreaterThanOrEqual(decision.resetAtMs - refusedBeforeMs);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(decision.resetAtMs - refusedAfterMs);
    });

    it('takes costs of 1 and more, and reads remaining tokens, on the server clock', async () => {
      // 5 tokens, then one more per 10^9 s: nothing refills while the test runs.
      const limiter = new RateLimiter({ rate: 1, perSeconds: 1e9, burst: 5, store: newStore() });
      expect(await limiter.check('cleo', 2)).toMatchObject({ allowed: true, remaining: 3 });
      expect(await limiter.check('cleo')).toMatchObject({ allowed: true, remaining: 2 });
      expect(await limiter.getRemaining('cleo')).toBe(2);
      expect(await limiter.check('cleo', 3)).toMatchObject({ allowed: false, remaining: 2 });
      expect(await limiter.check('cleo', 2)).toMatchObject({ allowed: true, remaining: 0 });
      expect(await limiter.allowRequest('cleo')).toBe(false);
      expect(errors).toEqual([]);
    });

    it('expires each key at its resetAtMs, and a refused check leaves the expiry alone', async () => {
      const store = newStore();
      const limiter = new RateLimiter({ rate: 1, perSeconds: 60, burst: 2, store });
      const first = await limiter.check('dave');
      expect(await redis.command('PEXPIRETIME', `${store.prefix}dave`)).toBe(first.resetAtMs);
      const second = await limiter.check('dave');
      expect(await redis.command('PEXPIRETIME', `${store.prefix}dave`)).toBe(second.resetAtMs);
      const refused = await limiter.check('dave');
      expect(refused.allowed).toBe(false);
      expect(await redis.command('PEXPIRETIME', `${store.prefix}dave`)).toBe(second.resetAtMs);
      const ttlMs = Number(await redis.command('PTTL', `${store.prefix}dave`));
      expect(ttlMs).toBeGreaterThan(0);
      expect(ttlMs).toBeLessThanOrEqual(120_000);

      const clock = clockAheadOfServer();
      const clientTimed = newStore({ clock: 'client' });
      const decision = await new RateLimiter({
        rate: 5,
        perSeconds: 10,
        clock,
        store: clientTimed,
      }).check('erin', 3);
      expect(decision.resetAtMs).toBe(clock.nowMs() + 6000);
      expect(await redis.command('PEXPIRETIME', `${clientTimed.prefix}erin`)).toBe(
        decision.resetAtMs,
      );
    });

    it.each([1.2e-11, 1e-300, Number.MIN_VALUE])(
      'agrees with the memory store on reset times past 2^52 ms (rate %s), and caps the expiry at 2^52 ms',
      async (rate) => {
        const clock = clockAheadOfServer();
        const store = newStore({ clock: 'client' });
        const onRedis = new RateLimiter({ rate, perSeconds: 60, burst: 2, clock, store });
        const inMemory = new RateLimiter({
          rate,
          perSeconds: 60,
          burst: 2,
          clock,
          store: new MemoryStore(),
        });
        const actual = [
          await onRedis.check('kate'),
          await onRedis.check('kate'),
          await onRedis.check('kate'),
        ];
        const expected = [inMemory.check('kate'), inMemory.check('kate'), inMemory.check('kate')];
        expect(actual).toEqual(expected);
        expect(actual[0]!.resetAtMs).toBeGreaterThan(2 ** 52);
        expect(actual[2]).toMatchObject({ allowed: false, remaining: 0 });
        expect(await redis.command('PEXPIRETIME', `${store.prefix}kate`)).toBe(2 ** 52);
      },
    );

    it('admits exactly the limit to 8 connections sending 500 concurrent requests each at one key', async () => {
      const connections = await connectMany(kind, server.port, 8);
      const prefix = `${kind.name}:contention:`;
      // 100 tokens, then one more per 10^9 s: nothing refills while the test runs.
      const limiters = connections.map(
        (connection) =>
          new RateLimiter({
            rate: 1,
            perSeconds: 1e9,
            burst: 100,
            store: new RedisStore({
              client: connection.client,
              prefix,
              timeoutMs: 20_000,
              onError: (error) => errors.push(error),
            }),
          }),
      );
      const answers = await Promise.all(
        limiters.map((limiter) =>
          Promise.all(Array.from({ length: 500 }, () => limiter.allowRequest('hot'))),
        ),
      );
      const admitted = answers.flat().filter(Boolean).length;
      expect(answers.flat()).toHaveLength(4000);
      expect(admitted).toBe(100);
      expect(await limiters[0]!.getRemaining('hot')).toBe(0);
      expect(errors).toEqual([]);
      await Promise.all(connections.map((connection) => connection.close()));
    });

    it('reads remaining tokens without taking any, and resets one client', async () => {
      const clock = clockAheadOfServer();
      const limiter = new RateLimiter({
        rate: 4,
        perSeconds: 60,
        clock,
        store: newStore({ clock: 'client' }),
      });
      expect(await limiter.getRemaining('frank')).toBe(4);
      await limiter.check('frank', 3);
      expect(await limiter.getRemaining('frank')).toBe(1);
      expect(await limiter.getRemaining('frank')).toBe(1);
      clock.advanceMs(15_000);
      expect(await limiter.getRemaining('frank')).toBe(2);
      await limiter.check('grace');
      await limiter.reset('frank');
      expect(await limiter.getRemaining('frank')).toBe(4);
      expect(await limiter.getRemaining('grace')).toBe(3);
    });

    it('clears the keys under a prefix, reading glob characters literally, through several SCAN pages', async () => {
      const store = newStore();
      const limiter = new RateLimiter({ rate: 1, perSeconds: 60, store });
      const many = Array.from({ length: 1200 }, (_, i) => `a*b:${i}`);
      await Promise.all([...many, 'axb:1', 'other'].map((client) => limiter.check(client)));
      await redis.command('SET', 'outside-the-prefix', '1');
      await store.clear('a*b:');
      const left = (await redis.command('KEYS', `${store.prefix}*`)) as string[];
      expect(left.sort()).toEqual([`${store.prefix}axb:1`, `${store.prefix}other`]);
      await limiter.reset();
      expect(await redis.command('KEYS', `${store.prefix}*`)).toEqual([]);
      expect(await redis.command('EXISTS', 'outside-the-prefix')).toBe(1);
      expect(errors).toEqual([]);
    });

    it('starts a full bucket when the refill interval of the policy changes', async () => {
      const store = newStore();
      await new RateLimiter({ rate: 2, perSeconds: 60, store }).check('heidi', 2);
      const changed = new RateLimiter({ rate: 2, perSeconds: 30, store });
      expect(await changed.check('heidi')).toMatchObject({ allowed: true, remaining: 1 });
    });

    it('runs the script again by EVAL after Redis has flushed it', async () => {
      const limiter = new RateLimiter({ rate: 2, perSeconds: 60, store: newStore() });
      await limiter.check('ivan');
      await redis.command('SCRIPT', 'FLUSH');
      const evalCallsBefore = await commandCalls(redis, 'eval');
      expect(await limiter.check('ivan')).toMatchObject({ allowed: true, remaining: 0 });
      expect(await limiter.check('ivan')).toMatchObject({ allowed: false, remaining: 0 });
      expect(await commandCalls(redis, 'eval')).toBe(evalCallsBefore + 1);
      expect(errors).toEqual([]);
    });

    it('shares one quota per endpoint rule through an EndpointRateLimiter', async () => {
      const store = newStore();
      const limits = new EndpointRateLimiter({
        rules: { '/agents/plan': { rate: 2, perSeconds: 60 }, '/health/*': 'unlimited' },
        store,
      });
      const other = new EndpointRateLimiter({
        rules: { '/agents/plan': { rate: 2, perSeconds: 60 }, '/health/*': 'unlimited' },
        store,
      });
      expect((await limits.check('/agents/plan', 'judy')).allowed).toBe(true);
      expect((await other.check('/agents/plan', 'judy')).allowed).toBe(true);
      expect((await limits.check('/agents/plan', 'judy')).allowed).toBe(false);
      expect((await other.check('/health/live', 'judy')).allowed).toBe(true);
      expect(await redis.command('EXISTS', `${store.prefix}/agents/plan judy`)).toBe(1);
    });
  });
});
