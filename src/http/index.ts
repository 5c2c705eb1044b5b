/**
 * greenslo/http: the building blocks of the adapters, for adapter authors and custom integrations.
 * The request lifecycle (`RequestGuard`: one clock reading at each end of a request, one rate-limit
 * decision that carries its rule), the health, metrics and status endpoint cores, the route and
 * client key helpers, and the lower-level rate-limit pieces (bucket arithmetic, header fields).
 * Applications use the root entry `greenslo` and a framework adapter instead.
 *
 * @packageDocumentation
 * @module greenslo/http
 */
export {
  CLIENT_CLOSED_REQUEST,
  RequestGuard,
  UNMATCHED_ENDPOINT,
  UNKNOWN_CLIENT,
  type GuardStart,
  type GuardTicket,
} from './request-guard.js';
export {
  checkGuardOptions,
  DEFAULT_GUARD_HEADERS,
  GUARD_OPTION_HINTS,
  GUARD_OPTION_KEYS,
  type GuardFailureKind,
  type GuardHeaders,
  type GuardOptions,
  type LimitedRequestInfo,
  type LimitedResponseInit,
} from './guard-options.js';
export type { LimitedResponse } from './limited-response.js';
export { pathOfUrl } from './route-key.js';
export {
  createHealthEndpoints,
  DEFAULT_READINESS_TIMEOUT_MS,
  type HealthEndpoints,
  type HealthOptions,
  type ReadinessCheck,
} from './health.js';
export { JSON_CONTENT_TYPE, type HttpResult } from './http-result.js';
export {
  createMetricsEndpoint,
  type MetricsEndpoint,
  type MetricsFormat,
  type MetricsOptions,
} from './metrics-endpoint.js';
export * from '../status/index.js';
export {
  decideBucket,
  levelAt,
  msUntilLevel,
  scaledCapacity,
  wholeTokens,
  type BucketOutcome,
  type BucketState,
} from '../rate-limit/bucket-math.js';
export { UNLIMITED_DECISION } from '../rate-limit/endpoint-rules.js';
export {
  DEFAULT_POLICY_NAME,
  RateLimitPolicyFields,
  type RateLimitFigures,
  type RateLimitHeaderPolicy,
} from '../rate-limit/rate-limit-headers.js';
export { DEFAULT_WINDOW_SECONDS } from '../rate-limit/too-many-requests.js';
export { DEFAULT_IPV6_PREFIX_LENGTH } from '../rate-limit/client-address.js';
export { MINUTE_BUCKET_MS, TEN_MINUTE_BUCKET_MS } from '../slo/time-buckets.js';
