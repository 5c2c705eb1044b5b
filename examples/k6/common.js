// @ts-check
/* global __ENV -- k6 provides the environment as a global */
/**
 * What both k6 scripts share: their settings, one latency Trend and one error Rate per probe, and
 * the request that feeds them. See settings.js for the environment variables.
 */
import http from 'k6/http';
import { check, sleep } from 'k6';
import { Rate, Trend } from 'k6/metrics';
import { baseUrlFromEnv, stagesFromEnv, thinkTimeFromEnv } from './settings.js';
import { metricName, thresholdsFor } from './slos.js';
import { SUMMARY_TREND_STATS, summaryText } from './summary.js';

/** The service's base URL. */
export const BASE_URL = baseUrlFromEnv(__ENV);
const THINK_TIME_S = thinkTimeFromEnv(__ENV);

/**
 * @typedef {object} EndpointProbe
 * @property {string} label   how the summary names it (`/metrics?format=json`)
 * @property {string} path    path and query to request
 * @property {string} slo     the endpoint whose objective applies (`/metrics`)
 * @property {Trend} latency  its latency, in milliseconds
 * @property {Rate} errors    its share of failed requests
 */

/**
 * One Trend and one Rate per probe, named after the label (`metrics_format_json_latency`).
 * @param {ReadonlyArray<{ label: string, path: string, slo: string }>} probes
 * @returns {EndpointProbe[]}
 */
export function endpointProbes(probes) {
  return probes.map(({ label, path, slo }) => {
    const name = metricName(label);
    return {
      label,
      path,
      slo,
      latency: new Trend(`${name}_latency`, true),
      errors: new Rate(`${name}_errors`),
    };
  });
}

/**
 * The options of a script: the stages from the environment and thresholds equal to the SLOs.
 * @param {EndpointProbe[]} probes
 * @returns {import('k6/options').Options}
 */
export function optionsFor(probes) {
  return {
    stages: stagesFromEnv(__ENV),
    thresholds: thresholdsFor(probes),
    summaryTrendStats: SUMMARY_TREND_STATS,
  };
}

/**
 * Requests a probe once and records its latency and whether it failed.
 * @param {EndpointProbe} probe
 * @param {(body: string) => boolean} [bodyIsValid]
 */
export function hit(probe, bodyIsValid = () => true) {
  const response = http.get(`${BASE_URL}${probe.path}`, { tags: { endpoint: probe.label } });
  const body = typeof response.body === 'string' ? response.body : '';
  const ok = check(response, {
    [`${probe.label} answers 200`]: (r) => r.status === 200,
    [`${probe.label} body`]: () => bodyIsValid(body),
  });
  probe.latency.add(response.timings.duration);
  probe.errors.add(!ok);
}

/** Pauses the virtual user for THINK_TIME seconds. */
export function think() {
  if (THINK_TIME_S > 0) sleep(THINK_TIME_S);
}

/**
 * The `handleSummary` of a script: the per-probe summary on stdout instead of k6's.
 * @param {EndpointProbe[]} probes
 * @returns {(data: import('./summary.js').SummaryData) => Record<string, string>}
 */
export function summaryHandler(probes) {
  return (data) => ({ stdout: summaryText(data, probes, BASE_URL) });
}
