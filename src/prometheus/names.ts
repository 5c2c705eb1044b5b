/**
 * Metric names and label formatting shared by the exposition text and the rules file, so that the
 * series the rules query are exactly the series the exposition writes.
 *
 * Internal module: its names are not part of the public API unless an entry exports them.
 */

/** Default prefix of every metric name. */
export const DEFAULT_PROMETHEUS_PREFIX = 'greenslo_';

const METRIC_PREFIX_PATTERN = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Checks a metric-name prefix: letters, digits and underscores, not starting with a digit (may be empty). */
export function checkPrefix(owner: string, prefix: unknown): string {
  if (typeof prefix !== 'string' || (prefix !== '' && !METRIC_PREFIX_PATTERN.test(prefix))) {
    throw new TypeError(
      `${owner}: \`prefix\` must be a string of letters, digits and underscores, got ${JSON.stringify(prefix)}.`,
    );
  }
  return prefix;
}

/** Names of the per-endpoint request series. */
export function requestMetricNames(prefix: string) {
  return {
    durationSeconds: `${prefix}request_duration_seconds`,
    requestsTotal: `${prefix}requests_total`,
    errorsTotal: `${prefix}request_errors_total`,
  } as const;
}

/**
 * The `le` label value of a bucket bound given in milliseconds. Written as JavaScript prints the
 * number of seconds (`0.01`, `0.25`, `1`, `+Inf`), the form both the exposition and the rules use.
 */
export function formatLe(boundMs: number): string {
  return boundMs === Infinity ? '+Inf' : String(boundMs / 1000);
}

/** Escapes a label value for the text exposition format and PromQL string literals. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** The `slo` label of an objective (`latency_p95`, `errors`), the same in the exposition and the rules. */
export function sloLabel(kind: 'p50' | 'p95' | 'p99' | 'errorRate'): string {
  return kind === 'errorRate' ? 'errors' : `latency_${kind}`;
}

/** Every metric name the exposition writes, beside the request series of {@link requestMetricNames}. */
export function metricNames(prefix: string) {
  return {
    ...requestMetricNames(prefix),
    latencyWindowSeconds: `${prefix}request_latency_window_seconds`,
    latencyObjectiveSeconds: `${prefix}slo_latency_objective_seconds`,
    errorRateObjectiveRatio: `${prefix}slo_error_rate_objective_ratio`,
    compliant: `${prefix}slo_compliant`,
    errorBudgetRemainingRatio: `${prefix}slo_error_budget_remaining_ratio`,
    burnRate: `${prefix}slo_burn_rate`,
    energyJoulesTotal: `${prefix}energy_joules_total`,
    emissionsGramsTotal: `${prefix}co2_emissions_grams_total`,
    unattributedJoulesTotal: `${prefix}energy_unattributed_joules_total`,
    energyRequestsTotal: `${prefix}energy_requests_total`,
    requestEnergyJoulesTotal: `${prefix}request_energy_joules_total`,
    requestEmissionsGramsTotal: `${prefix}request_co2_emissions_grams_total`,
    requestsInFlight: `${prefix}energy_requests_in_flight`,
    powerWatts: `${prefix}power_watts`,
    powerThresholdWatts: `${prefix}power_threshold_watts`,
    overPowerThreshold: `${prefix}power_over_threshold`,
    energyFaultsTotal: `${prefix}energy_faults_total`,
    energyInfo: `${prefix}energy_info`,
    powerSourceWatts: `${prefix}power_source_watts`,
    carbonIntensity: `${prefix}carbon_intensity_grams_per_kwh`,
    embodiedEmissionsGramsTotal: `${prefix}embodied_emissions_grams_total`,
    sciGramsPerRequest: `${prefix}sci_grams_per_request`,
    lowPowerEnabled: `${prefix}low_power_mode_enabled`,
    lowPowerTargetReductionRatio: `${prefix}low_power_target_reduction_ratio`,
    lowPowerReductionRatio: `${prefix}low_power_reduction_ratio`,
    rateLimitDecisionsTotal: `${prefix}rate_limit_decisions_total`,
    rateLimitStoreFaultsTotal: `${prefix}rate_limit_store_faults_total`,
  } as const;
}

/** The names {@link metricNames} returns. */
export type MetricNames = ReturnType<typeof metricNames>;
