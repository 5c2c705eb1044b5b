/**
 * Rate limiting: token buckets per client and per endpoint, stores, 429 responses and headers.
 */
export type { BucketPolicy, MaybePromise, RateLimitDecision } from './types.js';
export {
  decideBucket,
  levelAt,
  msUntilLevel,
  scaledCapacity,
  wholeTokens,
  type BucketOutcome,
  type BucketState,
} from './bucket-math.js';
export type { RateLimitStore, StoreAnswer, SyncRateLimitStore } from './store.js';
export {
  DEFAULT_MAX_KEYS,
  MemoryStore,
  type MemoryStoreOptions,
  type MemoryStoreStats,
} from './memory-store.js';
export { TokenBucket, type TokenBucketOptions } from './token-bucket.js';
export { RateLimiter, type RateLimiterOptions } from './rate-limiter.js';
export {
  DEFAULT_RATE_LIMITS,
  DEFAULT_RULE_NAME,
  UNLIMITED_DECISION,
  type EndpointRule,
  type EndpointRules,
  type RateLimitRule,
} from './endpoint-rules.js';
export {
  EndpointRateLimiter,
  type EndpointCheckOptions,
  type EndpointDecision,
  type EndpointDecisionCount,
  type EndpointRateLimiterOptions,
  type EndpointRuleMatch,
  type EndpointStoreStats,
  type ResolvedRateLimitRule,
} from './endpoint-rate-limiter.js';
export {
  DEFAULT_HEADER_STANDARD,
  DEFAULT_POLICY_NAME,
  getRateLimitHeaders,
  RateLimitPolicyFields,
  type RateLimitFigures,
  type RateLimitHeaderPolicy,
  type RateLimitHeaderOptions,
  type RateLimitHeaderStandard,
} from './rate-limit-headers.js';
export {
  create429Response,
  DEFAULT_WINDOW_SECONDS,
  type TooManyRequestsBody,
  type TooManyRequestsOptions,
  type TooManyRequestsResponse,
} from './too-many-requests.js';
export {
  DEFAULT_IPV6_PREFIX_LENGTH,
  normalizeClientAddress,
  type ClientAddressOptions,
} from './client-address.js';
