// @ts-check
/**
 * k6 load test of the example service's /metrics endpoint, in both of its formats, against the
 * /metrics SLO (p95 < 50 ms), with the liveness probe beside it.
 *
 *   k6 run examples/k6/load-metrics.js                             (ramp-up, steady, spike)
 *   k6 run -e BASE_URL=http://127.0.0.1:8080 -e TARGET_VUS=5 examples/k6/load-metrics.js
 *   k6 run --vus 10 --duration 30s examples/k6/load-metrics.js     (constant load instead)
 *
 * See settings.js for the environment variables. k6 exits 99 when a threshold (an SLO) fails.
 */
import { endpointProbes, hit, optionsFor, summaryHandler, think } from './common.js';

const probes = endpointProbes([
  { label: '/metrics', path: '/metrics', slo: '/metrics' },
  { label: '/metrics?format=json', path: '/metrics?format=json', slo: '/metrics' },
  { label: '/health/live', path: '/health/live', slo: '/health/live' },
]);

const [prometheus, json, live] =
  /** @type {[import('./common.js').EndpointProbe, import('./common.js').EndpointProbe, import('./common.js').EndpointProbe]} */ (
    probes
  );

/** Stages from the environment, thresholds equal to the SLOs. */
export const options = optionsFor(probes);

export default function () {
  hit(prometheus, (body) => body.includes('# TYPE greenslo_'));
  hit(json, (body) => body.startsWith('{'));
  hit(live);
  think();
}

/** Prints P50/P95/P99 and PASS/FAIL per endpoint. */
export const handleSummary = summaryHandler(probes);
