import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/rate-limit/memory-store.js';
import { RateLimiter } from '../../src/rate-limit/rate-limiter.js';
import {
  DEFAULT_REDIS_CLOCK,
  DEFAULT_REDIS_MAX_BATCH,
  DEFAULT_REDIS_PREFIX,
  DEFAULT_REDIS_TIMEOUT_MS,
  RedisStore,
  type RedisStoreOptions,
} from '../../src/redis/index.js';

const client = { call: () => Promise.resolve(null) };

function build(options: Record<string, unknown>): () => RedisStore {
  return () => new RedisStore({ client, ...options });
}

describe('RedisStore options', () => {
  it('uses the documented defaults', () => {
    const store = new RedisStore({ client });
    expect(store.prefix).toBe(DEFAULT_REDIS_PREFIX);
    expect(store.prefix).toBe('greenslo:');
    expect(store.timeoutMs).toBe(DEFAULT_REDIS_TIMEOUT_MS);
    expect(store.clock).toBe(DEFAULT_REDIS_CLOCK);
    expect(store.clock).toBe('server');
    expect(store.synchronous).toBe(false);
  });

  it('accepts an ioredis-shaped client (call) and a node-redis-shaped client (sendCommand)', () => {
    expect(new RedisStore({ client: { call: () => Promise.resolve(null) } }).synchronous).toBe(
      false,
    );
    expect(
      new RedisStore({ client: { sendCommand: () => Promise.resolve(null) } }).synchronous,
    ).toBe(false);
  });

  it('refuses a missing options object or a client of another shape with a TypeError naming `client`', () => {
    expect(() => new RedisStore(undefined as unknown as RedisStoreOptions)).toThrow(
      new TypeError('RedisStore: `options` must be an object with a `client`, got undefined.'),
    );
    expect(build({ client: undefined })).toThrow(TypeError);
    expect(build({ client: {} })).toThrow(
      new TypeError(
        'RedisStore: `client` lacks `call` (ioredis) and `sendCommand` (node-redis): it must be an ioredis or node-redis v4+ client or cluster.',
      ),
    );
    expect(build({ client: 'redis://localhost' })).toThrow(
      new TypeError(
        'RedisStore: `client` must be an ioredis or node-redis client or cluster, got "redis://localhost".',
      ),
    );
    expect(build({ client: { call: client.call, isCluster: true } })).toThrow(
      new TypeError('RedisStore: `client` is an ioredis Cluster but lacks `nodes`.'),
    );
  });

  it('refuses unknown options, with hints for the names rate-limiter-flexible uses', () => {
    expect(build({ storeClient: client })).toThrow(
      /^RedisStore: `storeClient` is not an option \(use `client`\); known options are `client`, `prefix`/,
    );
    expect(build({ timeoutMS: 5 })).toThrow(
      /^RedisStore: `timeoutMS` is not an option \(did you mean `timeoutMs`\?\)/,
    );
    expect(build({ keyPrefix: 'x' })).toThrow(/\(use `prefix`\)/);
  });

  it('refuses a maxBatch that is not an integer from 1 to 4096, and a denyCache that is not a boolean', () => {
    const rule = 'an integer from 1 to 4096';
    expect(new RedisStore({ client }).maxBatch).toBe(DEFAULT_REDIS_MAX_BATCH);
    expect(new RedisStore({ client, maxBatch: 1 }).maxBatch).toBe(1);
    expect(build({ maxBatch: 0 })).toThrow(
      new RangeError(`RedisStore: \`maxBatch\` must be ${rule}, got 0.`),
    );
    expect(build({ maxBatch: 2.5 })).toThrow(
      new RangeError(`RedisStore: \`maxBatch\` must be ${rule}, got 2.5.`),
    );
    expect(build({ maxBatch: 4097 })).toThrow(RangeError);
    expect(build({ maxBatch: '64' })).toThrow(
      new TypeError(`RedisStore: \`maxBatch\` must be ${rule}, got "64".`),
    );
    expect(build({ denyCache: 'yes' })).toThrow(
      new TypeError('RedisStore: `denyCache` must be true or false, got "yes".'),
    );
  });

  it('refuses a breaker that is not a boolean or { failures, openMs } with valid numbers', () => {
    expect(new RedisStore({ client, breaker: { failures: 2, openMs: 50 } }).breakerState).toBe(
      'closed',
    );
    expect(new RedisStore({ client, breaker: false }).breakerState).toBe('closed');
    expect(build({ breaker: 'on' })).toThrow(
      new TypeError(
        'RedisStore: `breaker` must be true, false or { failures?, openMs? }, got "on".',
      ),
    );
    expect(build({ breaker: { failures: 0 } })).toThrow(
      new RangeError('RedisStore: `breaker.failures` must be an integer >= 1, got 0.'),
    );
    expect(build({ breaker: { openMs: -1 } })).toThrow(
      new RangeError(
        'RedisStore: `breaker.openMs` must be a finite number from 1 to 2147483647, got -1.',
      ),
    );
    expect(build({ breaker: { threshold: 3 } })).toThrow(
      /^RedisStore breaker: `threshold` is not an option; known options are `failures`, `openMs`\.$/,
    );
  });

  it("checks the client clock's readings where they are used", async () => {
    const store = new RedisStore({ client, clock: 'client' });
    const policy = { capacity: 1, refillTokens: 1, refillIntervalMs: 1000 };
    expect(() => store.consume('a', policy, 1, Number.NaN)).toThrow(
      new RangeError(
        "RedisStore (clock: 'client'): `clock.nowMs()` must return a finite number from 0 to 8640000000000000, got NaN.",
      ),
    );
    expect(() => store.remaining('a', policy, -1)).toThrow(RangeError);
    // The server clock ignores the limiter's reading.
    await expect(
      new RedisStore({ client, onError: () => undefined }).remaining('a', policy, Number.NaN),
    ).resolves.toBe(0);
  });

  it('refuses a prefix that is not a non-empty string', () => {
    expect(build({ prefix: '' })).toThrow(
      new TypeError('RedisStore: `prefix` must be a non-empty string, got "".'),
    );
    expect(build({ prefix: 7 })).toThrow(
      new TypeError('RedisStore: `prefix` must be a non-empty string, got 7.'),
    );
  });

  it('refuses a timeout that is not a number of milliseconds from 1 to 2^31 - 1', () => {
    const rule = 'a finite number from 1 to 2147483647';
    expect(build({ timeoutMs: Number.NaN })).toThrow(
      new RangeError(`RedisStore: \`timeoutMs\` must be ${rule}, got NaN.`),
    );
    expect(build({ timeoutMs: 0 })).toThrow(
      new RangeError(`RedisStore: \`timeoutMs\` must be ${rule}, got 0.`),
    );
    expect(build({ timeoutMs: Infinity })).toThrow(
      new RangeError(`RedisStore: \`timeoutMs\` must be ${rule}, got Infinity.`),
    );
    expect(build({ timeoutMs: 2 ** 31 })).toThrow(RangeError);
    expect(build({ timeoutMs: '100' })).toThrow(
      new TypeError(`RedisStore: \`timeoutMs\` must be ${rule}, got "100".`),
    );
  });

  it("refuses a clock other than 'server' or 'client'", () => {
    expect(build({ clock: 'local' })).toThrow(
      new RangeError("RedisStore: `clock` must be one of 'server', 'client', got \"local\"."),
    );
    expect(build({ clock: { nowMs: () => 0 } })).toThrow(
      new TypeError("RedisStore: `clock` must be one of 'server', 'client', got an object."),
    );
  });

  it('refuses an onError that is not a function', () => {
    expect(build({ onError: 'log' })).toThrow(
      new TypeError('RedisStore: `onError` must be a function, got "log".'),
    );
  });

  it("refuses an onStoreError other than 'deny', 'allow', an in-memory limiter or a synchronous store", () => {
    const rule = "'deny', 'allow', an in-memory RateLimiter or a synchronous RateLimitStore";
    expect(build({ onStoreError: 'block' })).toThrow(
      new RangeError(`RedisStore: \`onStoreError\` must be ${rule}, got "block".`),
    );
    expect(build({ onStoreError: {} })).toThrow(
      new TypeError(`RedisStore: \`onStoreError\` must be ${rule}, got an object.`),
    );
    expect(build({ onStoreError: true })).toThrow(
      new TypeError(`RedisStore: \`onStoreError\` must be ${rule}, got true.`),
    );
    const redisBacked = new RateLimiter({
      rate: 1,
      perSeconds: 1,
      store: new RedisStore({ client }),
    });
    expect(build({ onStoreError: redisBacked })).toThrow(TypeError);
    expect(build({ onStoreError: new RedisStore({ client }) })).toThrow(TypeError);
    expect(build({ onStoreError: new RateLimiter({ rate: 1, perSeconds: 1 }) })).not.toThrow();
    expect(build({ onStoreError: new MemoryStore() })).not.toThrow();
  });
});
