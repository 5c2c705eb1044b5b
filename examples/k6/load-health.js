// @ts-check
/**
 * k6 load test of the example service's health endpoints against their SLOs.
 *
 *   k6 run examples/k6/load-health.js                              (ramp-up, steady, spike)
 *   k6 run -e BASE_URL=http://127.0.0.1:8080 -e SPIKE_VUS=80 examples/k6/load-health.js
 *   k6 run --vus 20 --duration 1m examples/k6/load-health.js       (constant load instead)
 *
 * See settings.js for the environment variables. k6 exits 99 when a threshold (an SLO) fails.
 */
import { endpointProbes, hit, optionsFor, summaryHandler, think } from './common.js';

const probes = endpointProbes([
  { label: '/health', path: '/health', slo: '/health' },
  { label: '/health/ready', path: '/health/ready', slo: '/health/ready' },
  { label: '/health/live', path: '/health/live', slo: '/health/live' },
]);

/** Stages from the environment, thresholds equal to the SLOs. */
export const options = optionsFor(probes);

export default function () {
  for (const probe of probes) hit(probe, (body) => body.includes('"status"'));
  think();
}

/** Prints P50/P95/P99 and PASS/FAIL per endpoint. */
export const handleSummary = summaryHandler(probes);
