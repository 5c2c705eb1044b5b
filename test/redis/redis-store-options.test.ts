import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/rate-limit/memory-store.js';
import { RateLimiter } from '../../src/rate-limit/rate-limiter.js';
import { DEFAULT_REDIS_CLOCK, DEFAULT_REDIS_PREFIX, DEFAULT_REDIS_TIMEOUT_MS, RedisStore, type RedisStoreOptions } from '../../src/redis/index.js';

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
    expect(new RedisStore({ client: { call: () => Promise.resolve(null) } }).synchronous).toBe(false);
    expect(new RedisStore({ client: { sendCommand: () => Promise.resolve(null) } }).synchronous).toBe(false);
  });

  it('refuses a missing options object or a client of another shape with a TypeError naming `client`', () => {
    expect(() => new RedisStore(undefined as unknown as RedisStoreOptions)).toThrow(new TypeError('RedisStore: `options` must be an object with a `client`, got undefined.'));
    expect(build({ client: undefined })).toThrow(TypeError);
    expect(build({ client: {} })).toThrow(/^RedisStore: `client` must be an ioredis client \(with `call`\) or a node-redis v4\+ client \(with `sendCommand`\), got an object\.$/);
    expect(build({ client: 'redis://localhost' })).toThrow(/`client` must be .*, got "redis:\/\/localhost"\./);
  });

  it('refuses a prefix that is not a non-empty string', () => {
    expect(build({ prefix: '' })).toThrow(new TypeError('RedisStore: `prefix` must be a non-empty string, got "".'));
    expect(build({ prefix: 7 })).toThrow(new TypeError('RedisStore: `prefix` must be a non-empty string, got 7.'));
  });

  it('refuses a timeout that is not a number of milliseconds from 1 to 2^31 - 1', () => {
    const rule = 'a finite number from 1 to 2147483647';
    expect(build({ timeoutMs: Number.NaN })).toThrow(new RangeError(`RedisStore: \`timeoutMs\` must be ${rule}, got NaN.`));
    expect(build({ timeoutMs: 0 })).toThrow(new RangeError(`RedisStore: \`timeoutMs\` must be ${rule}, got 0.`));
    expect(build({ timeoutMs: Infinity })).toThrow(new RangeError(`RedisStore: \`timeoutMs\` must be ${rule}, got Infinity.`));
    expect(build({ timeoutMs: 2 ** 31 })).toThrow(RangeError);
    expect(build({ timeoutMs: '100' })).toThrow(new TypeError(`RedisStore: \`timeoutMs\` must be ${rule}, got "100".`));
  });

  it("refuses a clock other than 'server' or 'client'", () => {
    expect(build({ clock: 'local' })).toThrow(new RangeError("RedisStore: `clock` must be one of 'server', 'client', got \"local\"."));
    expect(build({ clock: { nowMs: () => 0 } })).toThrow(new TypeError("RedisStore: `clock` must be one of 'server', 'client', got an object."));
  });

  it('refuses an onError that is not a function', () => {
    expect(build({ onError: 'log' })).toThrow(new TypeError('RedisStore: `onError` must be a function, got "log".'));
  });

  it("refuses an onStoreError other than 'deny', 'allow', an in-memory limiter or a synchronous store", () => {
    const rule = "'deny', 'allow', an in-memory RateLimiter or a synchronous RateLimitStore";
    expect(build({ onStoreError: 'block' })).toThrow(new RangeError(`RedisStore: \`onStoreError\` must be ${rule}, got "block".`));
    expect(build({ onStoreError: {} })).toThrow(new TypeError(`RedisStore: \`onStoreError\` must be ${rule}, got an object.`));
    expect(build({ onStoreError: true })).toThrow(new TypeError(`RedisStore: \`onStoreError\` must be ${rule}, got true.`));
    const redisBacked = new RateLimiter({ rate: 1, perSeconds: 1, store: new RedisStore({ client }) });
    expect(build({ onStoreError: redisBacked })).toThrow(TypeError);
    expect(build({ onStoreError: new RedisStore({ client }) })).toThrow(TypeError);
    expect(build({ onStoreError: new RateLimiter({ rate: 1, perSeconds: 1 }) })).not.toThrow();
    expect(build({ onStoreError: new MemoryStore() })).not.toThrow();
  });
});
