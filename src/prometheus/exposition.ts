/**
 * The Prometheus text exposition format 0.0.4 of greenslo's figures.
 */
import type { Labels, MetricFamily } from './metric-family.js';
import { escapeLabelValue } from './names.js';
import { optionsObject } from '../core/validate.js';
import {
  collectFamilies,
  EXPOSITION_KEYS,
  planExposition,
  SOURCE_HINTS,
  SOURCE_KEYS,
  type PrometheusExpositionOptions,
  type PrometheusSources,
} from './sources.js';

/**
 * The `Content-Type` of {@link renderPrometheus}'s text: Prometheus' text format 0.0.4.
 *
 * @defaultValue `'text/plain; version=0.0.4; charset=utf-8'`
 */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Options of {@link renderPrometheus}: the sources to read and how to name and bound the metrics. */
export interface RenderPrometheusOptions extends PrometheusSources, PrometheusExpositionOptions {}

const NEEDS_ESCAPE = /[\\\n"]/;

/** A sample value as the text format writes it: `+Inf`, `-Inf` and `NaN` for the special values. */
function formatValue(value: number): string {
  if (Number.isFinite(value)) return String(value);
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? '+Inf' : '-Inf';
}

/** `name="value"` pairs joined by commas, values escaped. */
function labelPairs(labels: Labels): string {
  let text = '';
  for (const name in labels) {
    const value = labels[name]!;
    text += `${text === '' ? '' : ','}${name}="${NEEDS_ESCAPE.test(value) ? escapeLabelValue(value) : value}"`;
  }
  return text;
}

/** Formats each label object once per render: samples share them. */
class LabelTexts {
  readonly #texts = new Map<Labels, string>();

  of(labels: Labels): string {
    let text = this.#texts.get(labels);
    if (text === undefined) this.#texts.set(labels, (text = labelPairs(labels)));
    return text;
  }

  /** `{...}` of both label objects, or nothing when both are empty. */
  braces(labels: Labels, extra: Labels | undefined): string {
    const first = this.of(labels);
    const second = extra === undefined ? '' : this.of(extra);
    if (second === '') return first === '' ? '' : `{${first}}`;
    return first === '' ? `{${second}}` : `{${first},${second}}`;
  }
}

/**
 * Writes families as exposition text: `# HELP` and `# TYPE` once per name, then its samples.
 * Families without samples are left out.
 *
 * @internal
 */
export function formatFamilies(families: readonly MetricFamily[]): string {
  const labels = new LabelTexts();
  let text = '';
  for (const { name, help, type, samples } of families) {
    if (samples.length === 0) continue;
    text += `# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${name} ${type}\n`;
    for (const sample of samples)
      text += `${name}${sample.suffix}${labels.braces(sample.labels, sample.extra)} ${formatValue(sample.value)}\n`;
  }
  return text;
}

/**
 * Writes the figures of an SLO tracker, an energy monitor, a rate limiter and a low-power mode as
 * Prometheus exposition text (format 0.0.4), for a `/metrics` endpoint. Each source is optional.
 *
 * Per endpoint (label `endpoint`): `<prefix>request_duration_seconds` histogram (`_bucket{le}`,
 * `_sum`, `_count`) whose buckets are the tracker's, every objective threshold among them, so that
 * `rate(..._bucket{le="0.01"}[5m]) / rate(..._count[5m])` is the exact share of requests within a
 * 10 ms objective across a fleet; `requests_total` and `request_errors_total`;
 * `request_latency_window_seconds{percentile}` (exact p50, p95, p99 of the window); for endpoints
 * with objectives, `slo_latency_objective_seconds{percentile}`, `slo_error_rate_objective_ratio`,
 * `slo_compliant` (1 or 0), `slo_error_budget_remaining_ratio{slo}` and `slo_burn_rate{slo, window}`.
 * Energy: `energy_joules_total`, `co2_emissions_grams_total`, `power_watts`, `energy_requests_total`,
 * `request_energy_joules_total`, `request_co2_emissions_grams_total`, `energy_info{power_source}`
 * and more. Rate limits: `rate_limit_decisions_total{rule, outcome}` (`allowed` or `limited`).
 * Low power: `low_power_mode_enabled`.
 *
 * Label values are escaped; endpoints past `maxEndpoints` are summed under `__overflow__`.
 * Reading the energy monitor reads its power source (at most once per call).
 *
 * @param options - the sources, and `prefix` and `maxEndpoints`
 * @returns the exposition text, each line ending in `\n`; serve it with {@link PROMETHEUS_CONTENT_TYPE}
 * @throws TypeError when an option key is unknown (`limiter` included: the option is `limits`), a
 *   source lacks the methods read from it or `prefix` is invalid
 * @throws RangeError when `maxEndpoints` is not an integer >= 0
 *
 * @example
 * ```ts
 * import { PROMETHEUS_CONTENT_TYPE, renderPrometheus } from 'greenslo/prometheus';
 *
 * // With node:http (the adapters' metricsHandler does this for Express, Koa and Fetch handlers):
 * response.writeHead(200, { 'Content-Type': PROMETHEUS_CONTENT_TYPE });
 * response.end(renderPrometheus({ slo, energy, limits }));
 * ```
 */
export function renderPrometheus(options: RenderPrometheusOptions = {}): string {
  optionsObject('renderPrometheus', options, [...SOURCE_KEYS, ...EXPOSITION_KEYS], SOURCE_HINTS);
  return formatFamilies(collectFamilies(planExposition('renderPrometheus', options, options)));
}
