import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GreensloError } from '../../src/core/errors.js';
import { MemoryStore } from '../../src/rate-limit/memory-store.js';
import { RateLimiter } from '../../src/rate-limit/rate-limiter.js';
import { BUCKET_SCRIPT, BUCKET_SCRIPT_SHA1 } from '../../src/redis/bucket-script.js';
import {
  RedisStore,
  type RedisStoreErrorPolicy,
  type RedisStoreOptions,
} from '../../src/redis/index.js';
import { ManualClock } from '../../src/testing/manual-clock.js';

type Answer = (command: string, args: string[]) => unknown;

/** An ioredis-shaped client that records each command and answers with `answer`. */
function fakeClient(answer: Answer): {
  client: { call: (command: string, args: string[]) => Promise<unknown> };
  commands: string[][];
} {
  const commands: string[][] = [];
  const call = (command: string, args: string[]): Promise<unknown> => {
    commands.push([command, ...args]);
    return answer(command, args) as Promise<unknown>;
  };
  return { client: { call }, commands };
}

const failing: Answer = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
const never: Answer = () => new Promise(() => undefined);

/**
 * 6 tokens per minute, burst 3: a token is 10 000 ms of refill. At 1000 ms, a full bucket that gives
 * one token holds 2 and is full again at 11 000; an empty one needs 10 000 ms for one token and is
 * full at 31 000.
 */
const FULL_BUCKET_AFTER_ONE = {
  allowed: true,
  limit: 3,
  remaining: 2,
  resetAtMs: 11_000,
  retryAfterMs: 0,
};
const EMPTY_BUCKET_REFUSAL = {
  allowed: false,
  limit: 3,
  remaining: 0,
  resetAtMs: 31_000,
  retryAfterMs: 10_000,
};

function setUp(answer: Answer, options: Partial<RedisStoreOptions> = {}) {
  const fake = fakeClient(answer);
  const errors: GreensloError[] = [];
  const store = new RedisStore({
    client: fake.client,
    clock: 'client',
    timeoutMs: 200,
    onError: (error) => errors.push(error),
    ...options,
  });
  const limiter = new RateLimiter({
    rate: 6,
    perSeconds: 60,
    burst: 3,
    clock: new ManualClock(1000),
    store,
  });
  return { ...fake, errors, store, limiter };
}

/** Lets the checks made so far be sent: batches leave at the end of the current tick. */
const nextTick = (): Promise<void> => new Promise((resolve) => process.nextTick(resolve));

describe('RedisStore commands', () => {
  it('sends one EVALSHA for one check, with the client time, the policy and the cost', async () => {
    const { limiter, commands, store } = setUp(() => Promise.resolve([[2, 11000]]));
    expect(await limiter.check('alice')).toEqual(FULL_BUCKET_AFTER_ONE);
    expect(store.failureCount).toBe(0);
    expect(commands).toEqual([
      ['EVALSHA', BUCKET_SCRIPT_SHA1, '1', 'greenslo:alice', '1000', '3', '6', '60000', '1'],
    ]);
  });

  it('sends an empty time with the server clock, so the script reads TIME, and an empty cost to read the remaining tokens', async () => {
    const { limiter, commands } = setUp(() => Promise.resolve(['3']), { clock: 'server' });
    expect(await limiter.getRemaining('alice')).toBe(3);
    expect(commands).toEqual([
      ['EVALSHA', BUCKET_SCRIPT_SHA1, '1', 'greenslo:alice', '', '3', '6', '60000', ''],
    ]);
  });

  it('sends the checks made in one tick in one EVALSHA, in the order they were made, and gives each its own reply', async () => {
    const { limiter, commands } = setUp(
      () => Promise.resolve([[2, 11000], [0, 21000, 5000], '1']),
      { clock: 'server' },
    );
    const decisions = await Promise.all([
      limiter.check('alice'),
      limiter.check('alice', 2),
      limiter.getRemaining('bob'),
    ]);
    expect(decisions).toEqual([
      FULL_BUCKET_AFTER_ONE,
      { allowed: false, limit: 3, remaining: 0, resetAtMs: 21000, retryAfterMs: 5000 },
      1,
    ]);
    expect(commands).toEqual([
      [
        'EVALSHA',
        BUCKET_SCRIPT_SHA1,
        '3',
        'greenslo:alice',
        'greenslo:alice',
        'greenslo:bob',
        '',
        '3',
        '6',
        '60000',
        '1',
        '3',
        '6',
        '60000',
        '2',
        '3',
        '6',
        '60000',
        '',
      ],
    ]);
  });

  it('starts a new call once maxBatch checks are waiting', async () => {
    const { limiter, commands } = setUp(
      (_command, args) =>
        Promise.resolve(Array.from({ length: Number(args[1]) }, () => [2, 11000])),
      { maxBatch: 2 },
    );
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((client) => limiter.check(client)));
    expect(commands.map((command) => command.slice(3, 3 + Number(command[2])))).toEqual([
      ['greenslo:a', 'greenslo:b'],
      ['greenslo:c', 'greenslo:d'],
      ['greenslo:e'],
    ]);
  });

  it('sends the command as one array to a node-redis-shaped client, without a client-side timeout', async () => {
    const sent: unknown[][] = [];
    const client = {
      sendCommand: (...call: unknown[]) => (
        sent.push(call),
        Promise.resolve([[0, '31000', '10000']])
      ),
    };
    const limiter = new RateLimiter({
      rate: 6,
      perSeconds: 60,
      burst: 3,
      clock: new ManualClock(1000),
      store: new RedisStore({ client, clock: 'client' }),
    });
    expect(await limiter.check('bob')).toEqual(EMPTY_BUCKET_REFUSAL);
    expect(sent).toEqual([
      [
        ['EVALSHA', BUCKET_SCRIPT_SHA1, '1', 'greenslo:bob', '1000', '3', '6', '60000', '1'],
        { timeout: 0 },
      ],
    ]);
  });

  it('routes a node-redis cluster command by its first key', async () => {
    const sent: unknown[][] = [];
    const client = {
      sendCommand: (...call: unknown[]) => (sent.push(call), Promise.resolve([[2, 11000]])),
      getSlotMaster: () => ({}),
    };
    const limiter = new RateLimiter({
      rate: 6,
      perSeconds: 60,
      burst: 3,
      clock: new ManualClock(1000),
      store: new RedisStore({ client, clock: 'client' }),
    });
    expect(await limiter.check('bob')).toEqual(FULL_BUCKET_AFTER_ONE);
    expect(sent).toEqual([
      [
        'greenslo:bob',
        false,
        ['EVALSHA', BUCKET_SCRIPT_SHA1, '1', 'greenslo:bob', '1000', '3', '6', '60000', '1'],
        { timeout: 0 },
      ],
    ]);
  });

  it('loads the script once by EVAL after NOSCRIPT, and sends the other waiting calls again by EVALSHA', async () => {
    let loaded = false;
    const { limiter, commands, errors } = setUp(
      (command, args) => {
        if (command === 'EVAL') loaded = true;
        if (command === 'EVALSHA' && !loaded)
          return Promise.reject(new Error('NOSCRIPT No matching script. Please use EVAL.'));
        return Promise.resolve(Array.from({ length: Number(args[1]) }, () => ['2', '11000']));
      },
      { maxBatch: 1 },
    );
    const decisions = await Promise.all([
      limiter.check('carol'),
      limiter.check('dan'),
      limiter.check('eve'),
    ]);
    expect(decisions).toEqual([
      FULL_BUCKET_AFTER_ONE,
      FULL_BUCKET_AFTER_ONE,
      FULL_BUCKET_AFTER_ONE,
    ]);
    // Two calls in flight at most: eve's waits until carol's (loaded by EVAL) is answered.
    expect(
      commands.map((command) => [command[0], command[1] === BUCKET_SCRIPT, command[3]]),
    ).toEqual([
      ['EVALSHA', false, 'greenslo:carol'],
      ['EVALSHA', false, 'greenslo:dan'],
      ['EVAL', true, 'greenslo:carol'],
      ['EVALSHA', false, 'greenslo:eve'],
      ['EVALSHA', false, 'greenslo:dan'],
    ]);
    expect(errors).toEqual([]);
  });

  it('reports a key that held something else once, as store_key_healed, and decides by what Redis answered', async () => {
    const { limiter, errors, store } = setUp(() => Promise.resolve([[2, 11000], [1]]));
    expect(await limiter.check('fay')).toEqual(FULL_BUCKET_AFTER_ONE);
    expect(errors.map((error) => [error.code, error.message])).toEqual([
      [
        'store_key_healed',
        'RedisStore: the key "greenslo:fay" held no bucket (another type or unreadable bytes); it was replaced by a full bucket.',
      ],
    ]);
    expect(store.failureCount).toBe(1);
  });
});

describe('RedisStore failure policy', () => {
  const policies: [string, () => RedisStoreErrorPolicy, readonly object[]][] = [
    ['deny', () => 'deny', [EMPTY_BUCKET_REFUSAL, EMPTY_BUCKET_REFUSAL, EMPTY_BUCKET_REFUSAL]],
    ['allow', () => 'allow', [FULL_BUCKET_AFTER_ONE, FULL_BUCKET_AFTER_ONE, FULL_BUCKET_AFTER_ONE]],
    [
      'an in-memory RateLimiter (its own policy: burst 2, clock at 0)',
      () => new RateLimiter({ rate: 1, perSeconds: 3600, burst: 2, clock: new ManualClock(0) }),
      [
        { allowed: true, limit: 2, remaining: 1, resetAtMs: 3_600_000, retryAfterMs: 0 },
        { allowed: true, limit: 2, remaining: 0, resetAtMs: 7_200_000, retryAfterMs: 0 },
        { allowed: false, limit: 2, remaining: 0, resetAtMs: 7_200_000, retryAfterMs: 3_600_000 },
      ],
    ],
    [
      'a MemoryStore (the policy of each call)',
      () => new MemoryStore(),
      [
        FULL_BUCKET_AFTER_ONE,
        { allowed: true, limit: 3, remaining: 1, resetAtMs: 21_000, retryAfterMs: 0 },
        { allowed: true, limit: 3, remaining: 0, resetAtMs: 31_000, retryAfterMs: 0 },
      ],
    ],
  ];

  it.each(policies)(
    'decides as %s while Redis refuses connections, reporting each failure',
    async (_name, policy, expected) => {
      const { limiter, errors, store } = setUp(failing, { onStoreError: policy() });
      const decisions = [
        await limiter.check('dave'),
        await limiter.check('dave'),
        await limiter.check('dave'),
      ];
      expect(decisions).toEqual(expected);
      expect(store.failureCount).toBe(3);
      expect(errors.map((error) => error.code)).toEqual([
        'store_command_failed',
        'store_command_failed',
        'store_command_failed',
      ]);
      expect(errors[0]!.message).toBe(
        'RedisStore: the Redis command failed: connect ECONNREFUSED 127.0.0.1:6379',
      );
      expect((errors[0]!.cause as Error).message).toBe('connect ECONNREFUSED 127.0.0.1:6379');
    },
  );

  it('answers remaining tokens by the policy while Redis fails', async () => {
    expect(await setUp(failing, { onStoreError: 'deny' }).limiter.getRemaining('erin')).toBe(0);
    expect(await setUp(failing, { onStoreError: 'allow' }).limiter.getRemaining('erin')).toBe(3);
    const insurance = new RateLimiter({
      rate: 1,
      perSeconds: 3600,
      burst: 5,
      clock: new ManualClock(0),
    });
    const { limiter } = setUp(failing, { onStoreError: insurance });
    await limiter.check('erin', 2);
    expect(await limiter.getRemaining('erin')).toBe(3);
    expect(insurance.getRemaining('erin')).toBe(3);
  });

  it('resets and clears the insurance limiter too, and resolves while Redis fails', async () => {
    const insurance = new RateLimiter({
      rate: 1,
      perSeconds: 3600,
      burst: 3,
      clock: new ManualClock(0),
    });
    const { limiter, errors } = setUp(failing, { onStoreError: insurance });
    await limiter.check('frank', 3);
    await limiter.check('grace', 3);
    await limiter.reset('frank');
    expect(insurance.getRemaining('frank')).toBe(3);
    expect(insurance.getRemaining('grace')).toBe(0);
    await limiter.reset();
    expect(insurance.getRemaining('grace')).toBe(3);
    expect(errors.map((error) => error.code)).toEqual([
      'store_command_failed',
      'store_command_failed',
      'store_command_failed',
      'store_command_failed',
    ]);
  });

  it('denies a request that costs more than the insurance limiter can ever hold', async () => {
    const insurance = new RateLimiter({
      rate: 1,
      perSeconds: 60,
      burst: 1,
      clock: new ManualClock(0),
    });
    const { limiter } = setUp(failing, { onStoreError: insurance });
    expect(await limiter.check('heidi', 3)).toEqual({
      allowed: false,
      limit: 1,
      remaining: 0,
      resetAtMs: 61_000,
      retryAfterMs: 180_000,
    });
  });

  it('reports a reply that is not a decision as store_invalid_reply and decides by the policy', async () => {
    const wrongBatches = ['OK', null, [], [[2, 11000], [1], 'more'], [[2, 11000], 'not a list']];
    const wrongChecks = [
      'OK',
      null,
      [1],
      [1, 2, 3, 4],
      ['many', 1],
      [1, 'soon'],
      [0, 1, ''],
      [0, 1, null],
    ].map((reply) => [reply]);
    for (const reply of [...wrongBatches, ...wrongChecks]) {
      const { limiter, errors } = setUp(() => Promise.resolve(reply));
      expect(await limiter.check('ivan')).toEqual(EMPTY_BUCKET_REFUSAL);
      expect(errors.map((error) => error.code)).toEqual(['store_invalid_reply']);
    }
    const { limiter, errors } = setUp(() => Promise.resolve([['1']]), { onStoreError: 'allow' });
    expect(await limiter.getRemaining('ivan')).toBe(3);
    expect(errors.map((error) => error.code)).toEqual(['store_invalid_reply']);
  });

  it('survives a client that throws instead of returning a Promise', async () => {
    const { limiter, errors } = setUp(() => {
      throw new Error('Connection is closed.');
    });
    expect(await limiter.check('judy')).toEqual(EMPTY_BUCKET_REFUSAL);
    expect(errors[0]!.message).toBe('RedisStore: the Redis command failed: Connection is closed.');
  });

  it('still decides when onError throws, and when the insurance limiter throws', async () => {
    const throwing = setUp(failing, {
      onError: () => {
        throw new Error('logger down');
      },
    });
    expect(await throwing.limiter.check('kim')).toEqual(EMPTY_BUCKET_REFUSAL);
    const broken = {
      policy: { capacity: 1, refillTokens: 1, refillIntervalMs: 1 },
      keyPrefix: '',
      store: new MemoryStore(),
      check: () => {
        throw new Error('broken insurance');
      },
      getRemaining: () => 0,
      reset: () => undefined,
    };
    const { limiter, errors } = setUp(failing, { onStoreError: broken });
    expect(await limiter.check('kim')).toEqual(EMPTY_BUCKET_REFUSAL);
    expect(errors.map((error) => error.code)).toEqual([
      'store_command_failed',
      'store_fallback_failed',
    ]);
  });

  it('warns once per error code on the console when no onError is given', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const fake = fakeClient(failing);
      const limiter = new RateLimiter({
        rate: 1,
        perSeconds: 1,
        store: new RedisStore({ client: fake.client }),
      });
      await limiter.check('liam');
      await limiter.check('liam');
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toContain('store_command_failed');
    } finally {
      warn.mockRestore();
    }
  });
});

/** Advances the fake clock by `ms`, then lets the real event loop turn once (for the deferred deadline checks). */
async function advance(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
  await new Promise((resolve) => setImmediate(resolve));
}

describe('RedisStore deadline on real timers', () => {
  it('reads a reply that arrived by the deadline before timing the check out', async () => {
    // The reply's timer starts in the same turn as the store's deadline, just after it: both expire
    // in the same turn of the event loop, the deadline's first.
    const { limiter, errors } = setUp(
      () => new Promise((resolve) => setTimeout(() => resolve([[2, 11000]]), 200)),
      { timeoutMs: 200 },
    );
    const decision = limiter.check('opal');
    expect(await decision).toEqual(FULL_BUCKET_AFTER_ONE);
    expect(errors).toEqual([]);
  });
});

describe('RedisStore deadline', () => {
  // setImmediate stays real: a deadline is decided on the turn of the event loop after its timer
  // fires, once the replies already received have been read; `advance` lets that turn run.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('decides by the policy exactly when timeoutMs has passed without an answer', async () => {
    const { limiter, errors } = setUp(never, { timeoutMs: 200 });
    let decision: unknown;
    void limiter.check('mia').then((answer) => (decision = answer));
    await advance(199);
    expect(decision).toBeUndefined();
    await advance(1);
    expect(decision).toEqual(EMPTY_BUCKET_REFUSAL);
    expect(errors.map((error) => [error.code, error.message])).toEqual([
      ['store_timeout', 'RedisStore: Redis did not answer within 200 ms.'],
    ]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('ignores an answer that arrives after the deadline', async () => {
    let answerLate: (reply: unknown) => void = () => undefined;
    const { limiter, errors, commands } = setUp(
      () => new Promise((resolve) => (answerLate = resolve)),
      { timeoutMs: 50, onStoreError: 'allow' },
    );
    const decision = limiter.check('noah');
    await advance(50);
    expect(await decision).toEqual(FULL_BUCKET_AFTER_ONE);
    answerLate([[0, 1, 1]]);
    await advance(1000);
    expect(errors.map((error) => error.code)).toEqual(['store_timeout']);
    expect(commands).toHaveLength(1);
  });

  it('gives the tokens of a check admitted after its deadline back, with one compensating call', async () => {
    let answerLate: (reply: unknown) => void = () => undefined;
    const { limiter, errors, commands } = setUp(
      (command, args) =>
        args[2] === 'greenslo:noah' && commands.length === 1
          ? new Promise((resolve) => (answerLate = resolve))
          : Promise.resolve([[3, 1000]]),
      {
        timeoutMs: 50,
      },
    );
    const decision = limiter.check('noah');
    await advance(50);
    expect(await decision).toEqual(EMPTY_BUCKET_REFUSAL);
    answerLate([[2, 11000]]);
    await advance(0);
    expect(commands).toEqual([
      ['EVALSHA', BUCKET_SCRIPT_SHA1, '1', 'greenslo:noah', '1000', '3', '6', '60000', '1'],
      ['EVALSHA', BUCKET_SCRIPT_SHA1, '1', 'greenslo:noah', '0', '3', '6', '60000', '-1'],
    ]);
    expect(errors.map((error) => error.code)).toEqual(['store_timeout']);
  });

  it('gives the call sent again after NOSCRIPT a deadline of its own: Redis answered, so the load is timed afresh', async () => {
    const { limiter, errors, commands } = setUp(
      (command) =>
        new Promise((resolve, reject) =>
          setTimeout(
            () =>
              command === 'EVALSHA'
                ? reject(new Error('NOSCRIPT No matching script. Please use EVAL.'))
                : resolve([[2, 11000]]),
            150,
          ),
        ),
      { timeoutMs: 200 },
    );
    const decision = limiter.check('pam');
    await advance(150);
    expect(commands.map((command) => command[0])).toEqual(['EVALSHA', 'EVAL']);
    await advance(150);
    expect(await decision).toEqual(FULL_BUCKET_AFTER_ONE);
    expect(errors).toEqual([]);
  });

  it('does not fall back to EVAL when NOSCRIPT arrives after the deadline', async () => {
    let failLate: (error: Error) => void = () => undefined;
    const { limiter, commands } = setUp(
      () => new Promise((_resolve, reject) => (failLate = reject)),
      { timeoutMs: 50 },
    );
    const decision = limiter.check('olga');
    await advance(50);
    await decision;
    failLate(new Error('NOSCRIPT No matching script. Please use EVAL.'));
    await advance(10);
    expect(commands.map((command) => command[0])).toEqual(['EVALSHA']);
  });

  it('times out each of several checks in flight at its own deadline, with one timer', async () => {
    const { limiter, errors } = setUp(never, { timeoutMs: 200 });
    const decided: string[] = [];
    void limiter.check('quinn').then(() => decided.push('quinn'));
    await advance(50);
    void limiter.check('rosa').then(() => decided.push('rosa'));
    void limiter.check('sam').then(() => decided.push('sam'));
    await nextTick();
    expect(vi.getTimerCount()).toBe(1);
    await advance(149);
    expect(decided).toEqual([]);
    await advance(1);
    expect(decided).toEqual(['quinn']);
    await advance(49);
    expect(decided).toEqual(['quinn']);
    await advance(1);
    expect(decided).toEqual(['quinn', 'rosa', 'sam']);
    expect(errors.map((error) => error.code)).toEqual([
      'store_timeout',
      'store_timeout',
      'store_timeout',
    ]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps two calls in flight, takes answers in any order, and times out only the checks left unanswered', async () => {
    const answers: ((reply: unknown) => void)[] = [];
    const { limiter, errors } = setUp(() => new Promise((resolve) => answers.push(resolve)), {
      timeoutMs: 100,
      onStoreError: 'allow',
    });
    const first = limiter.check('tina');
    await nextTick();
    const second = limiter.check('uma');
    await nextTick();
    const third = limiter.check('vic');
    await nextTick();
    // The third check waits, unsent and untimed, until one of the two calls in flight is settled.
    expect(answers).toHaveLength(2);
    answers[1]!([[0, 31_000, 10_000]]);
    expect(await second).toEqual(EMPTY_BUCKET_REFUSAL);
    expect(answers).toHaveLength(3);
    answers[2]!([[1, 21_000]]);
    expect(await third).toEqual({
      allowed: true,
      limit: 3,
      remaining: 1,
      resetAtMs: 21_000,
      retryAfterMs: 0,
    });
    await advance(100);
    expect(await first).toEqual(FULL_BUCKET_AFTER_ONE);
    expect(errors.map((error) => error.code)).toEqual(['store_timeout']);
  });

  it('times out a check started by onError during a timeout, and the checks before it, each at its own deadline', async () => {
    const late: { limiter?: RateLimiter<RedisStore> } = {};
    const decided: [string, number][] = [];
    const record = (name: string) => () => decided.push([name, Date.now() - startMs]);
    const { limiter, errors } = setUp(never, {
      timeoutMs: 200,
      onError: (error) => {
        errors.push(error);
        if (errors.length === 1) void late.limiter!.check('walt').then(record('walt'));
      },
    });
    late.limiter = limiter;
    const startMs = Date.now();
    void limiter.check('vera').then(record('vera'));
    await advance(50);
    void limiter.check('xena').then(record('xena'));
    await advance(500);
    expect(decided).toEqual([
      ['vera', 200],
      ['xena', 250],
      ['walt', 400],
    ]);
    expect(errors.map((error) => error.code)).toEqual([
      'store_timeout',
      'store_timeout',
      'store_timeout',
    ]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('opens the breaker after `failures` failed calls, answers by the policy without sending, probes after openMs and closes on success', async () => {
    let healthy = false;
    const { limiter, errors, commands, store } = setUp(
      (_command, args) =>
        healthy
          ? Promise.resolve(Array.from({ length: Number(args[1]) }, () => [2, 11000]))
          : new Promise(() => undefined),
      {
        timeoutMs: 100,
        breaker: { failures: 2, openMs: 1000 },
      },
    );
    const timedOut = [limiter.check('ada'), limiter.check('ada')];
    await nextTick();
    await advance(100);
    await Promise.all(timedOut);
    expect(store.breakerState).toBe('closed');
    const second = limiter.check('bo');
    await advance(100);
    await second;
    expect(store.breakerState).toBe('open');
    const sent = commands.length;
    expect(await limiter.check('cy')).toEqual(EMPTY_BUCKET_REFUSAL);
    expect(commands).toHaveLength(sent);
    await advance(1000);
    healthy = true;
    const probe = limiter.check('di');
    expect(store.breakerState).toBe('half-open');
    expect(await limiter.check('ed')).toEqual(EMPTY_BUCKET_REFUSAL);
    expect(await probe).toEqual(FULL_BUCKET_AFTER_ONE);
    expect(store.breakerState).toBe('closed');
    expect(commands).toHaveLength(sent + 1);
    expect(errors.map((error) => error.code)).toEqual([
      'store_timeout',
      'store_timeout',
      'store_timeout',
      'store_breaker_open',
      'store_breaker_closed',
    ]);
    expect(store.failureCount).toBe(3);
  });

  it('keeps at most one timer while checks come and go, and none once timeoutMs has passed after the last', async () => {
    const { limiter } = setUp(
      (_command, args) =>
        Promise.resolve(Array.from({ length: Number(args[1]) }, () => ['2', '11000'])),
      { timeoutMs: 200 },
    );
    await Promise.all([limiter.check('pia'), limiter.check('pia'), limiter.getRemaining('pia')]);
    expect(vi.getTimerCount()).toBeLessThanOrEqual(1);
    await advance(150);
    await limiter.check('pia');
    expect(vi.getTimerCount()).toBeLessThanOrEqual(1);
    await advance(200);
    expect(vi.getTimerCount()).toBe(0);
  });
});
