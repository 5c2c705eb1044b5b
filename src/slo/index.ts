export {
  BURN_RATE_ALERT_RULES,
  BURN_RATE_WINDOWS_MS,
  ERROR_BUDGET_PERIOD_MS,
  type AlertEvaluation,
  type AlertSeverity,
  type BurnRateAlertRule,
  type BurnRateReport,
  type BurnRateWindow,
  type ErrorBudgetReport,
  type ObjectiveBurnRates,
  type ObjectiveErrorBudget,
  type ObjectiveTarget,
  type SloAlerts,
  type WindowBurn,
} from './burn-rate.js';
export {
  generateSloReport,
  getDefaultSloTracker,
  getP95Latency,
  trackEndpointLatency,
} from './default-tracker.js';
export {
  DEFAULT_LATENCY_BUCKETS_MS,
  MAX_LATENCY_MS,
  type LatencyHistogramSnapshot,
} from './latency-histogram.js';
export {
  DEFAULT_SLOS,
  type SloObjective,
  type SloObjectiveKind,
  type SloObjectives,
} from './objectives.js';
export {
  DEFAULT_MAX_ENDPOINTS,
  DEFAULT_WINDOW_SIZE,
  OVERFLOW_ENDPOINT,
  SLOTracker,
  type RecordOptions,
  type SLOTrackerOptions,
} from './slo-tracker.js';
export { SLO_SNAPSHOT_FORMAT, type SloEndpointSnapshot, type SloSnapshot } from './snapshot.js';
export {
  MINUTE_BUCKET_MS,
  TEN_MINUTE_BUCKET_MS,
  type BucketRow,
  type TimeSeries,
  type TimeSeriesPoint,
  type TimeSeriesResolution,
} from './time-buckets.js';
export type {
  ComplianceCheck,
  ComplianceResult,
  EndpointReport,
  EndpointStats,
  GlobalStats,
  LatencySummary,
  RequestCounts,
  SloReport,
  SloViolation,
  WindowSummary,
} from './types.js';
