/**
 * What the exposition is written from (an SLO tracker, an energy monitor, a rate limiter, a low-power
 * mode), how its options are checked, and the collection of every family from them.
 */
import {
  describeValue,
  integerAtLeast,
  optionalFunction,
  type OptionHints,
} from '../core/validate.js';
import type { SLOTracker } from '../slo/slo-tracker.js';
import {
  energyFamilies,
  lowPowerFamilies,
  type EnergySource,
  type LowPowerSource,
} from './energy-families.js';
import type { MetricFamily } from './metric-family.js';
import { checkPrefix, DEFAULT_PROMETHEUS_PREFIX, metricNames, type MetricNames } from './names.js';
import {
  rateLimitFamilies,
  storeFaultFamilies,
  type RateLimitSource,
} from './rate-limit-families.js';
import { sloFamilies } from './slo-families.js';
import { storeBreakerFamilies, type StoreBreakerState } from './store-breaker-families.js';

/**
 * Most endpoints written under their own `endpoint` label; the rest are summed under
 * `__overflow__`. Above a tracker's default bound (200 names, plus those with objectives) so that,
 * with defaults, nothing more is folded.
 *
 * @defaultValue `250`
 */
export const DEFAULT_PROMETHEUS_MAX_ENDPOINTS = 250;

/** The objects whose figures are exposed; each is optional, and only the families of those given are written. */
export interface PrometheusSources {
  /** Latency histograms, request and error counters, percentiles, objectives, compliance, budgets and burn rates per endpoint. */
  readonly slo?: SLOTracker | undefined;
  /** Energy and CO2 counters, power, requests tracked and the power source. */
  readonly energy?: EnergySource | undefined;
  /** Rate-limit decisions per rule and outcome (an `EndpointRateLimiter`), under the name the adapters use. */
  readonly limits?: RateLimitSource | undefined;
  /** Low-power mode state, target and measured reduction. */
  readonly lowPower?: LowPowerSource | undefined;
  /**
   * Returns how many rate-limit checks the store failed to answer so far, such as
   * `() => redisStore.failureCount`. Written as `<prefix>rate_limit_store_faults_total` when given.
   */
  readonly storeFaults?: (() => number) | undefined;
  /**
   * Returns the state of the store's circuit breaker, such as `() => redisStore.breakerState`.
   * Written as `<prefix>rate_limit_store_breaker_state{state}` (1 for the current state) when given.
   */
  readonly storeBreaker?: (() => StoreBreakerState) | undefined;
}

/** How the metrics are named and bounded. */
export interface PrometheusExpositionOptions {
  /**
   * Prefix of every metric name: letters, digits and underscores, not starting with a digit (may be
   * empty). Give `prometheusRules` the same.
   * @defaultValue `'greenslo_'`
   */
  readonly prefix?: string | undefined;
  /**
   * Most endpoints written under their own `endpoint` label (an integer >= 0): those with objectives
   * first, then the others in the order first seen. The rest are summed into `endpoint="__overflow__"`
   * (histogram and counters only), so totals stay exact and the series count stays bounded.
   * @defaultValue {@link DEFAULT_PROMETHEUS_MAX_ENDPOINTS}
   */
  readonly maxEndpoints?: number | undefined;
}

/** The keys of {@link PrometheusSources}. @internal */
export const SOURCE_KEYS = [
  'slo',
  'energy',
  'limits',
  'lowPower',
  'storeFaults',
  'storeBreaker',
] as const;
/** The keys of {@link PrometheusExpositionOptions}. @internal */
export const EXPOSITION_KEYS = ['prefix', 'maxEndpoints'] as const;
/** Earlier and other names of the sources. @internal */
export const SOURCE_HINTS: OptionHints = Object.freeze({
  limiter: 'use `limits`, the name every options object gives the rate limiter',
  rateLimiter: 'use `limits`',
  tracker: 'use `slo`',
  monitor: 'use `energy`',
  registry: 'pass the registry to collectInto, not in the sources',
});

/** Checked options, ready to collect from. @internal */
export interface ExpositionPlan {
  readonly sources: PrometheusSources;
  readonly names: MetricNames;
  readonly maxEndpoints: number;
  readonly owner: string;
}

function checkSource(
  owner: string,
  name: string,
  value: unknown,
  method: string,
  what: string,
): void {
  if (value === undefined) return;
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof (value as Record<string, unknown>)[method] !== 'function'
  ) {
    throw new TypeError(
      `${owner}: \`${name}\` must be ${what} (an object with a ${method}() method), got ${describeValue(value)}.`,
    );
  }
}

/**
 * Checks sources and options once.
 *
 * @throws TypeError when a source lacks the methods read from it, `storeFaults` is not a function,
 *   or `prefix` is not a valid metric-name prefix
 * @throws RangeError when `maxEndpoints` is not an integer >= 0
 * @internal
 */
export function planExposition(
  owner: string,
  sources: PrometheusSources,
  options: PrometheusExpositionOptions,
): ExpositionPlan {
  if (typeof sources !== 'object' || sources === null)
    throw new TypeError(`${owner}: \`sources\` must be an object, got ${describeValue(sources)}.`);
  checkSource(owner, 'slo', sources.slo, 'histogram', 'an SLOTracker');
  checkSource(owner, 'energy', sources.energy, 'metrics', 'an EnergyMonitor');
  checkSource(owner, 'limits', sources.limits, 'decisionCounts', 'an EndpointRateLimiter');
  checkSource(owner, 'lowPower', sources.lowPower, 'measuredReduction', 'a LowPowerMode');
  optionalFunction(owner, 'storeFaults', sources.storeFaults);
  optionalFunction(owner, 'storeBreaker', sources.storeBreaker);
  const prefix = checkPrefix(owner, options.prefix ?? DEFAULT_PROMETHEUS_PREFIX);
  const maxEndpoints = integerAtLeast(
    owner,
    'maxEndpoints',
    options.maxEndpoints ?? DEFAULT_PROMETHEUS_MAX_ENDPOINTS,
    0,
  );
  return { sources, names: metricNames(prefix), maxEndpoints, owner };
}

/**
 * Every family of the given sources, always the same names for the same sources (a family may have no
 * samples, for example before the first request).
 *
 * @internal
 */
export function collectFamilies(plan: ExpositionPlan): MetricFamily[] {
  const { sources, names } = plan;
  const families: MetricFamily[] = [];
  if (sources.slo !== undefined)
    families.push(...sloFamilies(sources.slo, names, plan.maxEndpoints));
  if (sources.energy !== undefined) families.push(...energyFamilies(sources.energy, names));
  if (sources.lowPower !== undefined) families.push(...lowPowerFamilies(sources.lowPower, names));
  if (sources.limits !== undefined) families.push(...rateLimitFamilies(sources.limits, names));
  if (sources.storeFaults !== undefined)
    families.push(...storeFaultFamilies(plan.owner, sources.storeFaults, names));
  if (sources.storeBreaker !== undefined)
    families.push(...storeBreakerFamilies(plan.owner, sources.storeBreaker, names));
  return families;
}
