// @ts-check
/**
 * The example service's objectives (greenslo's DEFAULT_SLOS) and the k6 thresholds equal to them.
 * No k6 imports here, so that a test can compare them with DEFAULT_SLOS under Node.
 */

/** @typedef {{ readonly p95Ms: number, readonly errorRate: number }} Objective */

/** @type {Readonly<Record<string, Objective>>} */
export const SLOS = Object.freeze({
  '/health': Object.freeze({ p95Ms: 10, errorRate: 0.0001 }),
  '/health/ready': Object.freeze({ p95Ms: 20, errorRate: 0.0001 }),
  '/health/live': Object.freeze({ p95Ms: 5, errorRate: 0.0001 }),
  '/metrics': Object.freeze({ p95Ms: 50, errorRate: 0.0001 }),
});

/**
 * The k6 metric name of a probe: `/health/ready` -> `health_ready`, `/metrics?format=json` ->
 * `metrics_format_json`.
 * @param {string} label
 * @returns {string}
 */
export function metricName(label) {
  return (
    label
      .replace(/^\/+/, '')
      .replace(/[^A-Za-z0-9]+/g, '_')
      .replace(/_+$/, '') || 'root'
  );
}

/** @typedef {{ readonly label: string, readonly slo: string, readonly latency: { readonly name: string }, readonly errors: { readonly name: string } }} NamedProbe */

/**
 * Thresholds equal to the SLOs: the P95 of each probe's latency Trend and its error Rate.
 * @param {ReadonlyArray<NamedProbe>} probes
 * @returns {Record<string, string[]>}
 * @throws {Error} when a probe names an endpoint without objective
 */
export function thresholdsFor(probes) {
  /** @type {Record<string, string[]>} */
  const thresholds = {};
  for (const probe of probes) {
    const objective = SLOS[probe.slo];
    if (objective === undefined) throw new Error(`no objective for ${probe.slo}`);
    thresholds[probe.latency.name] = [`p(95)<${objective.p95Ms}`];
    thresholds[probe.errors.name] = [`rate<${objective.errorRate}`];
  }
  return thresholds;
}
