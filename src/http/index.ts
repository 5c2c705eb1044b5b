export { DEFAULT_GUARD_HEADERS, RequestGuard, UNMATCHED_ENDPOINT, UNKNOWN_CLIENT, type Admission, type AdmittedRequest, type GuardFailureKind, type GuardHeaders, type GuardOptions, type RefusedRequest } from './request-guard.js';
export { createHealthEndpoints, DEFAULT_READINESS_TIMEOUT_MS, type HealthEndpoints, type HealthOptions, type ReadinessCheck } from './health.js';
export { JSON_CONTENT_TYPE, type HttpResult } from './http-result.js';
export { createMetricsEndpoint, type MetricsEndpoint, type MetricsFormat, type MetricsOptions } from './metrics-endpoint.js';
