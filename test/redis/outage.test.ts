import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GreensloError } from '../../src/core/errors.js';
import { RateLimiter } from '../../src/rate-limit/rate-limiter.js';
import type { RateLimitDecision } from '../../src/rate-limit/types.js';
import { RedisStore, type RedisStoreErrorPolicy } from '../../src/redis/index.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { findProgram } from '../support/programs.js';
import { RedisServer } from '../support/redis-server.js';
import { CLIENT_KINDS, type TestClient } from './clients.js';

const program = findProgram('redis-server', 'redis-server');
const TIMEOUT_MS = 150;

interface PolicyCase {
  readonly name: string;
  readonly policy: () => RedisStoreErrorPolicy;
  /** `allowed` of three checks made while Redis is down. */
  readonly duringOutage: readonly boolean[];
}

const POLICIES: readonly PolicyCase[] = [
  { name: 'deny', policy: () => 'deny', duringOutage: [false, false, false] },
  { name: 'allow', policy: () => 'allow', duringOutage: [true, true, true] },
  // A per-process share of 2 with no refill during the test.
  {
    name: 'an in-memory RateLimiter',
    policy: () =>
      new RateLimiter({ rate: 1, perSeconds: 1e9, burst: 2, clock: new ManualClock(0) }),
    duringOutage: [true, true, false],
  },
];

async function evalCalls(redis: TestClient): Promise<number> {
  const match = /cmdstat_eval:calls=(\d+)/.exec(
    String(await redis.command('INFO', 'commandstats')),
  );
  return match ? Number(match[1]) : 0;
}

describe.skipIf(!program)('RedisStore while redis-server stops and restarts', () => {
  let server: RedisServer;
  const unhandled: unknown[] = [];
  const recordUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };
  beforeAll(async () => {
    server = await RedisServer.start(program!);
    process.on('unhandledRejection', recordUnhandled);
  });
  afterAll(async () => {
    process.off('unhandledRejection', recordUnhandled);
    await server.stop();
  });

  describe.each(CLIENT_KINDS)('with a $name client', (kind) => {
    let redis: TestClient;
    beforeEach(async () => {
      await server.restart();
      redis = await kind.connect(server.port);
      await redis.command('FLUSHALL');
    });
    afterEach(async () => {
      await redis.close();
    });

    it.each(POLICIES)(
      'gives the decisions of $name within timeoutMs, then limits correctly again',
      async ({ policy, duringOutage }) => {
        const errors: GreensloError[] = [];
        const store = new RedisStore({
          client: redis.client,
          timeoutMs: TIMEOUT_MS,
          onStoreError: policy(),
          onError: (error) => errors.push(error),
        });
        // Burst 3, no refill while the test runs.
        const limiter = new RateLimiter({ rate: 1, perSeconds: 1e9, burst: 3, store });
        const remainingOf = (decisions: RateLimitDecision[]): number[] =>
          decisions.map((decision) => decision.remaining);

        const before = [await limiter.check('alice'), await limiter.check('alice')];
        expect(remainingOf(before)).toEqual([2, 1]);
        expect(errors).toEqual([]);

        await server.stop();
        const during = [
          await limiter.check('alice'),
          await limiter.check('alice'),
          await limiter.check('alice'),
        ];
        expect(during.map((decision) => decision.allowed)).toEqual(duringOutage);
        // Each check was decided by the policy, either because the client failed at once or because
        // the store's deadline of timeoutMs passed first; each failure reached onError.
        expect(errors).toHaveLength(3);
        for (const error of errors) {
          expect(['store_timeout', 'store_command_failed']).toContain(error.code);
          if (error.code === 'store_timeout')
            expect(error.message).toBe(`RedisStore: Redis did not answer within ${TIMEOUT_MS} ms.`);
        }

        const reconnected = redis.nextReady();
        await server.restart();
        await reconnected;
        // The restarted server has neither the buckets nor the script: a full bucket of 3, by EVAL.
        const after = [
          await limiter.check('alice'),
          await limiter.check('alice'),
          await limiter.check('alice'),
          await limiter.check('alice'),
        ];
        expect(after.map((decision) => decision.allowed)).toEqual([true, true, true, false]);
        expect(remainingOf(after)).toEqual([2, 1, 0, 0]);
        expect(await evalCalls(redis)).toBeGreaterThanOrEqual(1);
        expect(errors).toHaveLength(3);
        expect(unhandled).toEqual([]);
      },
    );
  });
});
