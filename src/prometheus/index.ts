/**
 * Prometheus support for greenslo: the figures of an `SLOTracker`, an `EnergyMonitor`, an
 * `EndpointRateLimiter` and a `LowPowerMode` as exposition text (`renderPrometheus`, served with
 * `PROMETHEUS_CONTENT_TYPE`) or as collectors on an existing prom-client registry (`collectInto`),
 * and the SLO recording and multi-window burn-rate alert rules for a fleet (`prometheusRules`).
 *
 * The latency histogram's buckets include every objective's threshold, so the rules' good/total
 * ratios are exact across every instance; the rules query exactly the series the exposition writes
 * (give both the same `prefix`). A Grafana dashboard over these metrics ships in
 * `examples/grafana/dashboard.json`.
 *
 * @example
 * ```ts
 * import { PROMETHEUS_CONTENT_TYPE, prometheusRules, renderPrometheus } from 'greenslo/prometheus';
 *
 * const body = renderPrometheus({ slo, energy, limits, lowPower }); // serve at /metrics
 * const rules = prometheusRules(slo.objectives); // write to a file in Prometheus' rule_files
 * ```
 *
 * @packageDocumentation
 * @module greenslo/prometheus
 */
export {
  PROMETHEUS_CONTENT_TYPE,
  renderPrometheus,
  type RenderPrometheusOptions,
} from './exposition.js';
export { collectInto, type PromClientRegistry } from './prom-client.js';
export {
  DEFAULT_PROMETHEUS_MAX_ENDPOINTS,
  type PrometheusExpositionOptions,
  type PrometheusSources,
} from './sources.js';
export type { EnergySource, LowPowerSource } from './energy-families.js';
export type { RateLimitSource } from './rate-limit-families.js';
export { prometheusRules, SLO_RULE_WINDOWS, type PrometheusRulesOptions } from './rules.js';
export { DEFAULT_PROMETHEUS_PREFIX } from './names.js';
