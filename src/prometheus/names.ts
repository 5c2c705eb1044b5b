/**
 * Metric names and label formatting shared by the exposition text and the rules file, so that the
 * series the rules query are exactly the series the exposition writes.
 *
 * @internal
 */

/** Default prefix of every metric name. */
export const DEFAULT_PROMETHEUS_PREFIX = 'greenslo_';

const METRIC_PREFIX_PATTERN = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Checks a metric-name prefix: letters, digits and underscores, not starting with a digit (may be empty). */
export function checkPrefix(owner: string, prefix: unknown): string {
  if (typeof prefix !== 'string' || (prefix !== '' && !METRIC_PREFIX_PATTERN.test(prefix))) {
    throw new TypeError(`${owner}: \`prefix\` must be a string of letters, digits and underscores, got ${JSON.stringify(prefix)}.`);
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
