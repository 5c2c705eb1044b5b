// @ts-check
/**
 * The end-of-test summary of the k6 scripts: P50/P95/P99 and PASS/FAIL per probe against its SLO.
 * No k6 imports here, so that a test can run it under Node.
 */
import { SLOS } from './slos.js';

/** Trend statistics the summary needs (k6 computes only those listed). */
export const SUMMARY_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(50)', 'p(95)', 'p(99)', 'count'];

/**
 * The part of k6's summary data read here.
 * @typedef {{ values: Record<string, number>, thresholds?: Record<string, { ok: boolean }> }} SummaryMetric
 * @typedef {{ metrics: Record<string, SummaryMetric | undefined> }} SummaryData
 */

/**
 * @param {SummaryMetric | undefined} metric
 * @returns {boolean}
 */
function thresholdsPassed(metric) {
  return (
    metric?.thresholds === undefined ||
    Object.values(metric.thresholds).every((threshold) => threshold.ok)
  );
}

/**
 * @param {SummaryMetric | undefined} metric
 * @param {string} key
 * @returns {string}
 */
function milliseconds(metric, key) {
  const value = metric?.values[key];
  return (value === undefined ? '-' : value.toFixed(2)).padStart(8);
}

/**
 * The summary text, one line per probe, then the overall verdict.
 * @param {SummaryData} data
 * @param {ReadonlyArray<import('./slos.js').NamedProbe>} probes
 * @param {string} baseUrl
 * @returns {string}
 */
export function summaryText(data, probes, baseUrl) {
  const lines = [`greenslo k6 summary for ${baseUrl} (client-side latency, network included)`, ''];
  lines.push(
    `${'endpoint'.padEnd(24)} ${'requests'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'errors'.padStart(9)}  SLO`,
  );
  let allPassed = true;
  for (const probe of probes) {
    const latency = data.metrics[probe.latency.name];
    const errors = data.metrics[probe.errors.name];
    const objective = SLOS[probe.slo];
    const passed = thresholdsPassed(latency) && thresholdsPassed(errors);
    if (!passed) allPassed = false;
    const errorRate = `${((errors?.values.rate ?? 0) * 100).toFixed(3)} %`.padStart(9);
    const target =
      objective === undefined
        ? ''
        : `  p95 < ${objective.p95Ms} ms, errors < ${objective.errorRate * 100} %`;
    const count = String(latency?.values.count ?? 0).padStart(9);
    lines.push(
      `${probe.label.padEnd(24)} ${count} ${milliseconds(latency, 'p(50)')} ${milliseconds(latency, 'p(95)')} ${milliseconds(latency, 'p(99)')} ${errorRate}  ${passed ? 'PASS' : 'FAIL'}${target}`,
    );
  }
  lines.push('', `SLO verdict: ${allPassed ? 'PASS' : 'FAIL'}`, '');
  return lines.join('\n');
}
