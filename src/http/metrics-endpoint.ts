/**
 * The `/metrics` endpoint: Prometheus exposition text by default, and the JSON reports (SLO report,
 * sustainability report, rate-limit decisions) with `?format=json`.
 */
import { optionsObject } from '../core/validate.js';
import { generateSustainabilityReport } from '../energy/default-monitor.js';
import type { EnergyMonitor } from '../energy/energy-monitor.js';
import type { LowPowerMode } from '../energy/low-power-mode.js';
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus } from '../prometheus/exposition.js';
import {
  EXPOSITION_KEYS,
  planExposition,
  SOURCE_HINTS,
  SOURCE_KEYS,
  type PrometheusSources,
} from '../prometheus/sources.js';
import type { EndpointRateLimiter } from '../rate-limit/endpoint-rate-limiter.js';
import type { RateLimitStore } from '../rate-limit/store.js';
import type { SLOTracker } from '../slo/slo-tracker.js';
import { jsonResult, type HttpResult } from './http-result.js';

/** Options of the metrics endpoint (`metricsHandler` in every adapter). */
export interface MetricsOptions {
  /** Tracker whose latency, errors, compliance, budgets and burn rates are exported. */
  readonly slo?: SLOTracker | undefined;
  /** Energy monitor whose energy, emissions and power are exported. */
  readonly energy?: EnergyMonitor | undefined;
  /** Rate limiter whose decisions per rule are exported. */
  readonly limits?: EndpointRateLimiter<RateLimitStore> | undefined;
  /** Low-power mode whose state is exported. */
  readonly lowPower?: LowPowerMode | undefined;
  /** Count of rate-limit store failures to export, such as `() => redisStore.failureCount`. */
  readonly storeFaults?: (() => number) | undefined;
  /** State of the rate-limit store's circuit breaker to export, such as `() => redisStore.breakerState`. */
  readonly storeBreaker?: PrometheusSources['storeBreaker'];
  /**
   * Prefix of every metric name.
   * @defaultValue `'greenslo_'`
   */
  readonly prefix?: string | undefined;
  /** Bound on endpoints exported (see `renderPrometheus`). */
  readonly maxEndpoints?: number | undefined;
}

/** The format a metrics request asks for: `?format=json` selects JSON. */
export type MetricsFormat = 'prometheus' | 'json';

/** The metrics endpoint as framework-free responses. */
export interface MetricsEndpoint {
  /**
   * Answers a metrics request.
   * @param format - `'prometheus'` (text format 0.0.4) or `'json'`
   */
  respond(format: MetricsFormat): HttpResult;
}

/**
 * Builds the metrics endpoint. Adapters wrap it as `metricsHandler(options)`.
 *
 * @param options - the sources to export and the metric prefix
 * @throws TypeError when `options` is not an object or holds an unknown key (`limiter` included: the
 *   option is `limits`), a source is of the wrong kind or the prefix is not a metric-name prefix
 * @throws RangeError when `maxEndpoints` is not an integer >= 1
 */
export function createMetricsEndpoint(options: MetricsOptions = {}): MetricsEndpoint {
  optionsObject('metricsHandler', options, [...SOURCE_KEYS, ...EXPOSITION_KEYS], SOURCE_HINTS);
  const { slo, energy, limits, lowPower, storeFaults, storeBreaker, prefix, maxEndpoints } =
    options;
  const sources = { slo, energy, limits, lowPower, storeFaults, storeBreaker };
  const exposition = {
    ...(prefix === undefined ? {} : { prefix }),
    ...(maxEndpoints === undefined ? {} : { maxEndpoints }),
  };
  planExposition('metricsHandler', sources, exposition);
  const render = (): string => renderPrometheus({ ...sources, ...exposition });
  return {
    respond(format) {
      if (format === 'json') {
        return jsonResult(200, {
          slo: slo?.report() ?? null,
          sustainability:
            energy === undefined
              ? null
              : generateSustainabilityReport({
                  monitor: energy,
                  ...(lowPower === undefined ? {} : { lowPowerMode: lowPower }),
                }),
          rateLimits: limits?.decisionCounts() ?? null,
        });
      }
      return {
        status: 200,
        headers: { 'Content-Type': PROMETHEUS_CONTENT_TYPE, 'Cache-Control': 'no-store' },
        body: render(),
      };
    },
  };
}
