import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GreensloError } from '../../src/core/errors.js';
import { RateLimiter } from '../../src/rate-limit/rate-limiter.js';
import { MemoryStore } from '../../src/rate-limit/memory-store.js';
import { RedisStore, type RedisStoreOptions } from '../../src/redis/index.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { findProgram } from '../support/programs.js';
import { RedisServer } from '../support/redis-server.js';
import { CLIENT_KINDS, connectMany, OLDER_NODE_REDIS_KINDS, type TestClient } from './clients.js';

const program = findProgram('redis-server', 'redis-server');

/** Calls of one command so far, from `INFO commandstats`. */
async function commandCalls(redis: TestClient, command: string): Promise<number> {
  const info = String(await redis.command('INFO', 'commandstats'));
  const match = new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(info);
  return match ? Number(match[1]) : 0;
}

/** `burst` tokens, then one more per 10^9 s: nothing refills while a test runs. */
const noRefill = (burst: number): { rate: number; perSeconds: number; burst: number } => ({
  rate: 1,
  perSeconds: 1e9,
  burst,
});

describe.skipIf(!program)('RedisStore at fleet scale, against a real redis-server', () => {
  let server: RedisServer;
  const unhandled: unknown[] = [];
  const recordUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };
  beforeAll(async () => {
    server = await RedisServer.start(program!, ['--enable-debug-command', 'local']);
    process.on('unhandledRejection', recordUnhandled);
  });
  afterAll(async () => {
    process.off('unhandledRejection', recordUnhandled);
    await server.stop();
    expect(unhandled).toEqual([]);
  });

  describe.each([...CLIENT_KINDS, ...OLDER_NODE_REDIS_KINDS])('with a $name client', (kind) => {
    let redis: TestClient;
    let errors: GreensloError[];
    let storeNumber = 0;
    const newStore = (
      options: Partial<RedisStoreOptions> = {},
      client: TestClient = redis,
    ): RedisStore =>
      new RedisStore({
        client: client.client,
        prefix: `${kind.name}:fleet:${++storeNumber}:`,
        onError: (error) => errors.push(error),
        ...options,
      });

    beforeEach(async () => {
      redis = await kind.connect(server.port);
      errors = [];
    });
    afterEach(async () => {
      await redis.close();
    });

    it('admits exactly the limit to a cold burst of 4,000 checks over 8 connections with default options, loading the script once per store', async () => {
      const connections = await connectMany(kind, server.port, 8);
      // Cold is Redis' script cache, as after a restart; the process itself is warmed up first.
      const warmUp = connections.map(
        (connection) =>
          new RateLimiter({
            ...noRefill(100),
            store: new RedisStore({
              client: connection.client,
              prefix: `${kind.name}:warm:`,
              onError: () => undefined,
            }),
          }),
      );
      await Promise.all(
        warmUp.map((limiter) =>
          Promise.all(
            Array.from({ length: 500 }, (_, i) => limiter.allowRequest(`warm-${i % 50}`)),
          ),
        ),
      );
      await redis.command('SCRIPT', 'FLUSH');
      const evalBefore = await commandCalls(redis, 'eval');
      const prefix = `${kind.name}:cold:`;
      const limiters = connections.map(
        (connection) =>
          new RateLimiter({
            ...noRefill(100),
            store: new RedisStore({
              client: connection.client,
              prefix,
              onError: (error) => errors.push(error),
            }),
          }),
      );
      const answers = await Promise.all(
        limiters.map((limiter) =>
          Promise.all(Array.from({ length: 500 }, () => limiter.allowRequest('hot'))),
        ),
      );
      expect(answers.flat().filter(Boolean)).toHaveLength(100);
      expect(errors.map((error) => error.code)).toEqual([]);
      expect(await commandCalls(redis, 'eval')).toBeLessThanOrEqual(evalBefore + 8);
      await Promise.all(connections.map((connection) => connection.close()));
    });

    it('applies the checks of one key in one batch in the order they were made', async () => {
      const limiter = new RateLimiter({ ...noRefill(5), store: newStore({ clock: 'server' }) });
      const decisions = await Promise.all([
        limiter.check('ann', 2),
        limiter.check('ann', 4),
        limiter.check('ann', 3),
        limiter.getRemaining('ann'),
        limiter.check('ann'),
      ]);
      expect(
        decisions.map((decision) =>
          typeof decision === 'number' ? decision : [decision.allowed, decision.remaining],
        ),
      ).toEqual([[true, 3], [false, 3], [true, 0], 0, [false, 0]]);
      expect(errors.map((error) => error.code)).toEqual([]);
    });

    it('gives the tokens of checks that timed out during a stall (DEBUG SLEEP 0.6) back once Redis applies them', async () => {
      const store = newStore({ timeoutMs: 150, onStoreError: 'deny' });
      const limiter = new RateLimiter({ ...noRefill(10), store });
      expect(await limiter.check('bea', 2)).toMatchObject({ allowed: true, remaining: 8 });
      const admin = await kind.connect(server.port);
      const stall = admin.command('DEBUG', 'SLEEP', '0.6');
      const during = await Promise.all([
        limiter.check('bea'),
        limiter.check('bea', 3),
        limiter.check('bea'),
      ]);
      expect(during.map((decision) => decision.allowed)).toEqual([false, false, false]);
      expect(errors.map((error) => error.code)).toEqual([
        'store_timeout',
        'store_timeout',
        'store_timeout',
      ]);
      await stall;
      let remaining = 0;
      for (let attempt = 0; attempt < 100 && remaining !== 8; attempt++)
        remaining = await limiter.getRemaining('bea');
      expect(remaining).toBe(8);
      await admin.close();
    });

    it('opens the breaker with default options while Redis hangs (DEBUG SLEEP 4): hundreds of decisions before it wakes, then closes on a probe', async () => {
      const store = newStore();
      const limiter = new RateLimiter({ rate: 1e6, perSeconds: 1, store });
      const admin = await kind.connect(server.port);
      let awake = false;
      const stall = admin.command('DEBUG', 'SLEEP', '4').then(() => (awake = true));
      let decisions = 0;
      while (decisions < 500 && !awake) {
        await limiter.check('cid');
        decisions += 1;
      }
      expect(awake).toBe(false);
      expect(decisions).toBe(500);
      expect(store.breakerState).not.toBe('closed');
      await stall;
      for (let attempt = 0; attempt < 200 && store.breakerState !== 'closed'; attempt++) {
        await limiter.check('cid');
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(store.breakerState).toBe('closed');
      const transitions = errors
        .map((error) => error.code)
        .filter((code) => code.startsWith('store_breaker'));
      expect(transitions).toEqual(['store_breaker_open', 'store_breaker_closed']);
      await admin.close();
    }, 20_000);

    it('keeps limiting exactly through SCRIPT FLUSH mid-run, and keeps answering through FLUSHALL', async () => {
      const limiter = new RateLimiter({ ...noRefill(300), store: newStore() });
      const flushed = redis.command('SCRIPT', 'FLUSH');
      const answers = await Promise.all(
        Array.from({ length: 1000 }, (_, i) =>
          i === 500 ? flushed.then(() => limiter.allowRequest('dee')) : limiter.allowRequest('dee'),
        ),
      );
      expect(answers.filter(Boolean)).toHaveLength(300);
      const wiped = redis.command('FLUSHALL');
      const after = await Promise.all(
        Array.from({ length: 200 }, () => limiter.allowRequest('eli')),
      );
      await wiped;
      expect(after.filter(Boolean).length).toBeLessThanOrEqual(300);
      expect(errors.map((error) => error.code)).toEqual([]);
    });

    it('gives refunded tokens back as the memory store does, keeping the bucket time, and leaves a missing bucket missing', async () => {
      const clock = new ManualClock(Date.now() + 365 * 24 * 3_600_000);
      const store = newStore({ clock: 'client' });
      const options = { rate: 3, perSeconds: 30, clock };
      const onRedis = new RateLimiter({ ...options, store });
      const inMemory = new RateLimiter({ ...options, store: new MemoryStore() });
      const policy = onRedis.policy;
      const steps: [string, number][] = [
        ['check', 3],
        ['refund', 1],
        ['move', 4000],
        ['check', 1],
        ['refund', 2],
        ['move', 9000],
        ['check', 2],
        ['refund', 5],
      ];
      for (const [step, amount] of steps) {
        if (step === 'move') clock.advanceMs(amount);
        else if (step === 'check')
          expect(await onRedis.check('kit', amount)).toEqual(inMemory.check('kit', amount));
        else {
          await store.refund('kit', policy, amount);
          inMemory.store.refund('kit', policy, amount);
        }
        expect(await onRedis.getRemaining('kit')).toBe(inMemory.getRemaining('kit'));
      }
      await store.refund('nobody', policy, 1);
      expect(await redis.command('EXISTS', `${store.prefix}nobody`)).toBe(0);
      expect(errors.map((error) => error.code)).toEqual([]);
    });

    it('heals a key of another type or with unreadable bytes into a full bucket, reported once', async () => {
      const store = newStore();
      const limiter = new RateLimiter({ ...noRefill(3), store });
      await redis.command('SADD', `${store.prefix}fox`, 'member');
      await redis.command('SET', `${store.prefix}gil`, 'not a bucket');
      await redis.command('HSET', `${store.prefix}hal`, 'field', '1');
      expect(await limiter.check('fox')).toMatchObject({ allowed: true, remaining: 2 });
      expect(await limiter.check('fox')).toMatchObject({ allowed: true, remaining: 1 });
      expect(await limiter.check('gil', 3)).toMatchObject({ allowed: true, remaining: 0 });
      expect(await limiter.getRemaining('hal')).toBe(3);
      expect(await redis.command('EXISTS', `${store.prefix}hal`)).toBe(0);
      expect(await limiter.check('hal')).toMatchObject({ allowed: true, remaining: 2 });
      expect(errors.map((error) => error.code)).toEqual([
        'store_key_healed',
        'store_key_healed',
        'store_key_healed',
      ]);
      expect(errors[0]!.message).toContain(`"${store.prefix}fox"`);
    });

    it('refuses a client known to be empty in process until its retryAfterMs, counted with INFO commandstats', async () => {
      const cached = newStore();
      const limiter = new RateLimiter({ rate: 1, perSeconds: 60, store: cached });
      expect(await limiter.allowRequest('ida')).toBe(true);
      const before = await commandCalls(redis, 'evalsha');
      const first = await limiter.check('ida');
      const hammering: boolean[] = [];
      for (let i = 0; i < 2000; i++) hammering.push(await limiter.allowRequest('ida'));
      const last = await limiter.check('ida');
      expect(await commandCalls(redis, 'evalsha')).toBe(before + 1);
      expect(hammering.every((allowed) => !allowed)).toBe(true);
      expect(first).toMatchObject({ allowed: false, remaining: 0 });
      expect(last).toMatchObject({ allowed: false, remaining: 0, resetAtMs: first.resetAtMs });
      expect(last.retryAfterMs).toBeGreaterThanOrEqual(1);
      expect(last.retryAfterMs).toBeLessThanOrEqual(first.retryAfterMs);
      await limiter.reset('ida');
      expect(await limiter.allowRequest('ida')).toBe(true);

      const uncached = new RateLimiter({
        rate: 1,
        perSeconds: 60,
        store: newStore({ denyCache: false }),
      });
      await uncached.check('jo');
      const beforeUncached = await commandCalls(redis, 'evalsha');
      for (let i = 0; i < 50; i++) await uncached.check('jo');
      expect(await commandCalls(redis, 'evalsha')).toBe(beforeUncached + 50);
      expect(errors.map((error) => error.code)).toEqual([]);
    });
  });
});
