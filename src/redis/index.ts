/**
 * Redis store for rate limiting across processes: `RedisStore` makes every `RateLimiter` and
 * `EndpointRateLimiter` that uses the same Redis server share one quota per client, with the
 * decisions the in-memory store gives. ioredis and node-redis (v4 or later) are optional peers,
 * reached through small structural types.
 *
 * @packageDocumentation
 * @module greenslo/redis
 */
export {
  DEFAULT_REDIS_CLOCK,
  DEFAULT_REDIS_MAX_BATCH,
  DEFAULT_REDIS_PREFIX,
  DEFAULT_REDIS_TIMEOUT_MS,
  RedisStore,
  type RedisClockSource,
  type RedisStoreErrorCode,
  type RedisStoreOptions,
} from './redis-store.js';
export {
  DEFAULT_STORE_ERROR_POLICY,
  type InsuranceRateLimiter,
  type RedisStoreErrorPolicy,
} from './store-error-policy.js';
export type {
  IoRedisClientLike,
  NodeRedisClientLike,
  NodeRedisClusterLike,
  RedisClientLike,
} from './redis-client.js';
export {
  DEFAULT_BREAKER_FAILURES,
  DEFAULT_BREAKER_OPEN_MS,
  type RedisBreakerOptions,
  type RedisBreakerState,
} from './breaker.js';
