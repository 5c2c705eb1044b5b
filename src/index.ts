/**
 * greenslo: latency SLOs, energy and carbon accounting, and rate limiting for any Node.js or
 * Fetch-runtime service. This entry holds what applications type: the classes, functions and
 * defaults, with their option and result types. Framework adapters live in `greenslo/express`,
 * `greenslo/koa`, `greenslo/fetch` ...; the building blocks for adapter authors in `greenslo/http`.
 * This entry imports nothing from `node:*` or any framework.
 *
 * @packageDocumentation
 * @module greenslo
 */
export { GreensloError, isGreensloError, systemClock } from './core/index.js';
export type * from './core/index.js';

export {
  BURN_RATE_ALERT_RULES,
  BURN_RATE_WINDOWS_MS,
  DEFAULT_LATENCY_BUCKETS_MS,
  DEFAULT_MAX_ENDPOINTS,
  DEFAULT_SLOS,
  DEFAULT_WINDOW_SIZE,
  ERROR_BUDGET_PERIOD_MS,
  generateSloReport,
  getDefaultSloTracker,
  getP95Latency,
  OVERFLOW_ENDPOINT,
  SLO_SNAPSHOT_FORMAT,
  SLOTracker,
  trackEndpointLatency,
} from './slo/index.js';
export type * from './slo/index.js';

export {
  create429Response,
  DEFAULT_HEADER_STANDARD,
  DEFAULT_MAX_KEYS,
  DEFAULT_RATE_LIMITS,
  DEFAULT_RULE_NAME,
  EndpointRateLimiter,
  getRateLimitHeaders,
  MemoryStore,
  normalizeClientAddress,
  RateLimiter,
  TokenBucket,
} from './rate-limit/index.js';
export type * from './rate-limit/index.js';

export {
  constantPower,
  DEFAULT_ASSUMED_POWER_W,
  DEFAULT_AUTO_HYSTERESIS_RATIO,
  DEFAULT_CARBON_INTENSITY_G_PER_KWH,
  DEFAULT_LOW_POWER_PROFILE,
  DEFAULT_MIN_DWELL_MS,
  DEFAULT_MIN_MEASUREMENT_MS,
  DEFAULT_NORMAL_PROFILE,
  DEFAULT_POWER_WINDOW_MS,
  DEFAULT_PUE,
  DEFAULT_SAMPLE_INTERVAL_MS,
  DEFAULT_TARGET_REDUCTION,
  DEFAULT_WARNING_HYSTERESIS_RATIO,
  defaultEnergyMonitor,
  emissionsGrams,
  EnergyMonitor,
  generateSustainabilityReport,
  lookupCarbonIntensity,
  LowPowerMode,
  POWER_HISTORY_SIZE,
  powerFromWatts,
  PRECISIONS,
  setDefaultEnergyMonitor,
  trackRequestEnergy,
} from './energy/index.js';
export type * from './energy/index.js';

export { DEFAULT_GUARD_HEADERS, UNMATCHED_ENDPOINT } from './http/index.js';
export type {
  GuardFailureKind,
  GuardHeaders,
  GuardOptions,
  LimitedRequestInfo,
  LimitedResponseInit,
} from './http/index.js';
export type * from './status/index.js';
