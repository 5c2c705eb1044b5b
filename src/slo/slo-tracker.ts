/**
 * `SLOTracker`: per-endpoint latency percentiles, error rates, objectives and compliance, error
 * budgets and burn rates, with bounded memory per endpoint and a bounded number of endpoints.
 */
import { systemClock, type Clock } from '../core/clock.js';
import {
  clockOption,
  clockReading,
  describeValue,
  fail,
  MAX_CLOCK_MS,
  integerAtLeast,
  nonEmptyString,
  numberInRange,
  oneOf,
  optionsObject,
  type OptionHints,
} from '../core/validate.js';
import { AllTimeDigest, DigestScratch, MAX_BATCH_SIZE } from './all-time-digest.js';
import {
  ERROR_BUDGET_PERIOD_MS,
  evaluateAlertRules,
  objectiveBurnRates,
  objectiveErrorBudget,
  type BurnRateReport,
  type ErrorBudgetReport,
  type SloAlerts,
} from './burn-rate.js';
import { DistinctCounter } from './distinct-counter.js';
import { EndpointState } from './endpoint-state.js';
import {
  DEFAULT_LATENCY_BUCKETS_MS,
  histogramBounds,
  MAX_LATENCY_MS,
  type LatencyHistogramSnapshot,
} from './latency-histogram.js';

export { MAX_LATENCY_MS } from './latency-histogram.js';
import {
  DEFAULT_SLOS,
  latencyThresholds,
  resolveObjective,
  type ResolvedObjective,
  validateObjectives,
  type SloObjectiveKind,
  type SloObjectives,
} from './objectives.js';
import {
  endpointSnapshot,
  mergeEndpoint,
  SLO_SNAPSHOT_FORMAT,
  validateSnapshot,
  type SloSnapshot,
} from './snapshot.js';
import type { TimeSeries, TimeSeriesResolution } from './time-buckets.js';
import type {
  ComplianceCheck,
  ComplianceResult,
  EndpointReport,
  EndpointStats,
  GlobalStats,
  SloReport,
  SloViolation,
} from './types.js';
import { combinedWindowSummary, latencySummary, WindowQueries } from './window-queries.js';

/**
 * How many latest requests per endpoint the exact windowed percentiles cover.
 *
 * @defaultValue `1000`
 */
export const DEFAULT_WINDOW_SIZE = 1000;

/**
 * How many endpoint names a tracker keeps apart (endpoints named in the objectives come on top).
 *
 * @defaultValue `200`
 */
export const DEFAULT_MAX_ENDPOINTS = 200;

/**
 * The endpoint that collects the requests of every name past `maxEndpoints`, so that a caller
 * sending random paths cannot grow memory.
 *
 * @defaultValue `'__overflow__'`
 */
export const OVERFLOW_ENDPOINT = '__overflow__';

/** Options of {@link SLOTracker}; each has a default. */
export interface SLOTrackerOptions {
  /** Source of time for the time buckets and reports. @defaultValue {@link systemClock} */
  readonly clock?: Clock;
  /** Latest requests per endpoint that windowed percentiles cover, an integer >= 1. @defaultValue {@link DEFAULT_WINDOW_SIZE} */
  readonly windowSize?: number;
  /** Objectives keyed by endpoint. @defaultValue {@link DEFAULT_SLOS} */
  readonly objectives?: SloObjectives;
  /** Endpoint names kept apart before further names fold into {@link OVERFLOW_ENDPOINT}. @defaultValue {@link DEFAULT_MAX_ENDPOINTS} */
  readonly maxEndpoints?: number;
  /** A brand name that {@link SLOTracker.report} includes, such as `'brAInwav'`. */
  readonly brand?: string;
  /** Histogram bucket bounds in milliseconds; the objectives' thresholds are added. @defaultValue {@link DEFAULT_LATENCY_BUCKETS_MS} */
  readonly latencyBucketsMs?: readonly number[];
}

/** Options of {@link SLOTracker.record}. */
export interface RecordOptions {
  /** Whether the request failed (counts against the error rate). @defaultValue `false` */
  readonly error?: boolean;
  /**
   * When the request ended, in epoch milliseconds, for a caller that already read its clock (an
   * adapter reads it once per request), from 0 to 8.64e15. @defaultValue a reading of the tracker's clock
   */
  readonly atMs?: number;
}

const OWNER = 'SLOTracker';
const RECORD = `${OWNER}.record`;
const KNOWN_OPTIONS = [
  'clock',
  'windowSize',
  'objectives',
  'maxEndpoints',
  'brand',
  'latencyBucketsMs',
] as const;
/** prom-client's and other trackers' names for these options. */
const OPTION_HINTS: OptionHints = Object.freeze({
  buckets: 'use `latencyBucketsMs`, in milliseconds',
  slos: 'use `objectives`',
  maxAgeSeconds: 'the time buckets are fixed: one minute for 6 h, ten minutes for 3 d',
});

/**
 * Tracks request latencies and failures per endpoint and judges them against objectives.
 *
 * - Windowed percentiles are exact over the last `windowSize` requests (linear interpolation between
 *   the closest ranks, as numpy's default), computed by selection and cached until the next record.
 * - All-time percentiles come from a t-digest and are approximate.
 * - Time buckets (one minute for 6 h, ten minutes for 3 d) give burn rates, alerts, error budgets
 *   and a recent-latency series; a cumulative histogram gives exact counts at every threshold.
 * - Names past `maxEndpoints` fold into {@link OVERFLOW_ENDPOINT}; endpoints named in the
 *   objectives never fold.
 *
 * Memory per endpoint is fixed (about 9 bytes per window slot, 40 to 64 bytes for each of 792 time
 * buckets, and a digest of at most a few thousand centroids). No timers run.
 *
 * @example
 * ```ts
 * import { SLOTracker } from 'greenslo';
 *
 * const slo = new SLOTracker({ objectives: { '/search': { p95Ms: 200, errorRate: 0.001 } } });
 * slo.record('/search', 123.4);
 * slo.record('/search', 812, { error: true });
 * slo.p95('/search'); // milliseconds
 * slo.checkCompliance('/search').compliant;
 * ```
 */
export class SLOTracker {
  readonly #clock: Clock;
  readonly #windowSize: number;
  readonly #objectives: SloObjectives;
  readonly #maxEndpoints: number;
  readonly #brand: string | undefined;
  readonly #histogramBoundsMs: Float64Array;
  readonly #digestScratch: DigestScratch;
  readonly #windowQueries: WindowQueries;
  #endpoints = new Map<string, EndpointState>();
  /** Endpoints that count against `maxEndpoints`: neither in the objectives nor the overflow. */
  #otherEndpointCount = 0;
  /** Endpoints kept apart like those of the objectives, without objectives of their own. */
  readonly #reserved = new Set<string>();
  readonly #foldedNames = new DistinctCounter();
  #version = 0;
  #globalCache: { version: number; stats: GlobalStats } | undefined;

  /**
   * @param options - see {@link SLOTrackerOptions}
   * @throws TypeError when an option has the wrong type, an option key is unknown (reported before
   *   anything else) or an objective has an unknown key
   * @throws RangeError when `windowSize` or `maxEndpoints` is not an integer >= 1, a latency objective
   *   or bucket bound is not a finite number > 0, or an `errorRate` objective is outside 0..1
   */
  constructor(options: SLOTrackerOptions = {}) {
    optionsObject(OWNER, options, KNOWN_OPTIONS, OPTION_HINTS);
    this.#clock = clockOption(OWNER, options.clock ?? systemClock);
    this.#windowSize = integerAtLeast(
      OWNER,
      'windowSize',
      options.windowSize ?? DEFAULT_WINDOW_SIZE,
      1,
    );
    this.#objectives = validateObjectives(OWNER, options.objectives ?? DEFAULT_SLOS);
    this.#maxEndpoints = integerAtLeast(
      OWNER,
      'maxEndpoints',
      options.maxEndpoints ?? DEFAULT_MAX_ENDPOINTS,
      1,
    );
    this.#brand =
      options.brand === undefined ? undefined : nonEmptyString(OWNER, 'brand', options.brand);
    this.#histogramBoundsMs = histogramBounds(
      OWNER,
      options.latencyBucketsMs ?? DEFAULT_LATENCY_BUCKETS_MS,
      this.#objectives,
    );
    this.#digestScratch = new DigestScratch(Math.min(this.#windowSize, MAX_BATCH_SIZE));
    this.#windowQueries = new WindowQueries(this.#windowSize);
  }

  /** Latest requests per endpoint that windowed percentiles cover. */
  get windowSize(): number {
    return this.#windowSize;
  }

  /** Endpoint names kept apart before further names fold into {@link OVERFLOW_ENDPOINT}. */
  get maxEndpoints(): number {
    return this.#maxEndpoints;
  }

  /** The objectives, keyed by endpoint (a frozen copy of the option). */
  get objectives(): SloObjectives {
    return this.#objectives;
  }

  /** Upper bounds of the latency histogram buckets in milliseconds: the option's and every threshold. */
  get latencyBucketsMs(): readonly number[] {
    return Array.from(this.#histogramBoundsMs);
  }

  /**
   * Records one request. Reads the clock once and allocates nothing on its usual path.
   *
   * @param endpoint - the endpoint name, such as `'/health'` (a route pattern, not a raw URL, keeps names few)
   * @param latencyMs - how long the request took, in milliseconds, from 0 to {@link MAX_LATENCY_MS}
   * @param options - `{ error: true }` when the request failed
   * @throws TypeError when `endpoint` is not a non-empty string, `latencyMs` not a number, `error`
   *   not a boolean or `options` holds another key
   * @throws RangeError when `latencyMs` is NaN, negative, infinite or above {@link MAX_LATENCY_MS},
   *   or the clock reads NaN, ±Infinity, a negative time or one past 8.64e15; nothing is recorded then
   */
  record(endpoint: string, latencyMs: number, options?: RecordOptions): void {
    if (typeof endpoint !== 'string' || endpoint.length === 0)
      nonEmptyString(RECORD, 'endpoint', endpoint);
    if (typeof latencyMs !== 'number' || !(latencyMs >= 0 && latencyMs <= MAX_LATENCY_MS))
      numberInRange(RECORD, 'latencyMs', latencyMs, 0, MAX_LATENCY_MS);
    const error = options === undefined ? false : recordError(options);
    const atMs = options === undefined ? undefined : options.atMs;
    const nowMs = atMs === undefined ? this.#clock.nowMs() : atMs;
    if (typeof nowMs !== 'number' || !(nowMs >= 0 && nowMs <= MAX_CLOCK_MS))
      failRecordTime(nowMs, atMs !== undefined);
    const state = this.#endpoints.get(endpoint) ?? this.#admit(endpoint);
    state.record(latencyMs, error, nowMs);
    this.#version++;
  }

  /**
   * Keeps `endpoint` apart from {@link OVERFLOW_ENDPOINT} however many other names come, as the
   * endpoints of the objectives are (the guards reserve the rate-limit rules' exact patterns).
   * Reserved names do not count against `maxEndpoints`.
   *
   * @param endpoint - the endpoint name
   * @throws TypeError when `endpoint` is not a non-empty string
   */
  reserve(endpoint: string): void {
    this.#reserved.add(nonEmptyString(`${OWNER}.reserve`, 'endpoint', endpoint));
  }

  /**
   * The exact `p`th percentile of the endpoint's last `windowSize` latencies, in milliseconds.
   *
   * @param endpoint - the endpoint name
   * @param p - the percentile, from 0 to 100 (95 for P95)
   * @returns milliseconds, or undefined when the endpoint recorded nothing
   * @throws RangeError when `p` is outside 0..100
   */
  percentile(endpoint: string, p: number): number | undefined {
    numberInRange(`${OWNER}.percentile`, 'p', p, 0, 100);
    const state = this.#endpoints.get(endpoint);
    return state === undefined ? undefined : this.#windowQueries.percentile(state, p);
  }

  /** The windowed median latency in milliseconds, or undefined when the endpoint recorded nothing. */
  p50(endpoint: string): number | undefined {
    return this.percentile(endpoint, 50);
  }

  /** The windowed 95th percentile latency in milliseconds, or undefined when the endpoint recorded nothing. */
  p95(endpoint: string): number | undefined {
    return this.percentile(endpoint, 95);
  }

  /** The windowed 99th percentile latency in milliseconds, or undefined when the endpoint recorded nothing. */
  p99(endpoint: string): number | undefined {
    return this.percentile(endpoint, 99);
  }

  /** The share (0..1) of the endpoint's requests that failed, since the start; undefined when it recorded nothing. */
  errorRate(endpoint: string): number | undefined {
    const state = this.#endpoints.get(endpoint);
    return state === undefined ? undefined : state.errorCount / state.count;
  }

  /** Counts, error rates and windowed and all-time percentiles of an endpoint; undefined when it recorded nothing. */
  stats(endpoint: string): EndpointStats | undefined {
    const state = this.#endpoints.get(endpoint);
    return state === undefined ? undefined : this.#statsOf(state);
  }

  /** The endpoints tracked, in the order first seen ({@link OVERFLOW_ENDPOINT} included once used). */
  endpoints(): string[] {
    return [...this.#endpoints.keys()];
  }

  /** Counts and percentiles over every endpoint together (recomputed only after new records). */
  globalStats(): GlobalStats {
    if (this.#globalCache?.version !== this.#version)
      this.#globalCache = { version: this.#version, stats: this.#computeGlobalStats() };
    return this.#globalCache.stats;
  }

  /**
   * Judges an endpoint against its objectives: latency objectives against the windowed percentile,
   * the error-rate objective against {@link SLOTracker.errorRate}. A check passes when the actual
   * value is at or under the target, and when nothing was recorded.
   */
  checkCompliance(endpoint: string): ComplianceResult {
    const state = this.#endpoints.get(endpoint);
    const objectives = this.#objectivesOf(endpoint, state);
    const checks = objectives.map((objective): ComplianceCheck => {
      const actual =
        state === undefined
          ? null
          : objective.kind === 'errorRate'
            ? state.errorCount / state.count
            : this.#windowQueries.percentile(state, percentOf(objective.kind));
      return {
        kind: objective.kind,
        target: objective.target,
        actual,
        passed: actual === null || actual <= objective.target,
      };
    });
    return { endpoint, compliant: checks.every((check) => check.passed), checks };
  }

  /** Every failed check of every tracked endpoint. */
  violations(): SloViolation[] {
    return [...this.#endpoints.keys()].flatMap((endpoint) =>
      this.checkCompliance(endpoint)
        .checks.filter((check) => !check.passed)
        .map((check) => ({
          endpoint,
          kind: check.kind,
          target: check.target,
          actual: check.actual!,
        })),
    );
  }

  /** Every endpoint's statistics and compliance, global statistics and the overall compliance. */
  report(): SloReport {
    const nowMs = this.#nowMs('report');
    const endpoints = [...this.#endpoints.values()].map((state): EndpointReport => ({
      ...this.#statsOf(state),
      ...this.checkCompliance(state.name),
    }));
    const judged = endpoints.filter((endpoint) => endpoint.checks.length > 0);
    const folded = this.#foldedNames.estimate();
    return {
      generatedAt: new Date(nowMs).toISOString(),
      endpoints,
      global: this.globalStats(),
      overallCompliance:
        judged.length === 0
          ? 1
          : judged.filter((endpoint) => endpoint.compliant).length / judged.length,
      ...(folded > 0 ? { foldedEndpointNames: folded } : {}),
      ...(this.#brand === undefined ? {} : { brand: this.#brand }),
    };
  }

  /** Burn rates of each of the endpoint's objectives over 5 m, 30 m, 1 h, 2 h, 6 h, 1 d and 3 d. */
  burnRates(endpoint: string): BurnRateReport {
    return this.#burnRatesAt(endpoint, this.#nowMs('burnRates'));
  }

  #burnRatesAt(endpoint: string, nowMs: number): BurnRateReport {
    const state = this.#endpoints.get(endpoint);
    const objectives = this.#objectivesOf(endpoint, state);
    const rates = objectives.map((objective, i) =>
      objectiveBurnRates(objective, state?.thresholdIndexes[i] ?? -1, (windowMs) =>
        state?.buckets.totals(nowMs, windowMs),
      ),
    );
    return { endpoint, objectives: rates };
  }

  /** Evaluates the multi-window burn-rate rules ({@link BURN_RATE_ALERT_RULES}) for each objective. */
  alerts(endpoint: string): SloAlerts {
    const evaluations = this.#burnRatesAt(endpoint, this.#nowMs('alerts')).objectives.flatMap(
      evaluateAlertRules,
    );
    const firing = (severity: string): boolean =>
      evaluations.some((e) => e.firing && e.severity === severity);
    return { endpoint, page: firing('page'), ticket: firing('ticket'), evaluations };
  }

  /** Budget consumed and remaining for each objective over the last three days ({@link ERROR_BUDGET_PERIOD_MS}). */
  errorBudget(endpoint: string): ErrorBudgetReport {
    const state = this.#endpoints.get(endpoint);
    const nowMs = this.#nowMs('errorBudget');
    const totals = state?.buckets.totals(nowMs, ERROR_BUDGET_PERIOD_MS);
    const objectives = this.#objectivesOf(endpoint, state).map((objective, i) =>
      objectiveErrorBudget(objective, state?.thresholdIndexes[i] ?? -1, totals),
    );
    return { endpoint, periodMs: ERROR_BUDGET_PERIOD_MS, objectives };
  }

  /** The endpoint's cumulative latency histogram (exact counts at every objective threshold); undefined when it recorded nothing. */
  histogram(endpoint: string): LatencyHistogramSnapshot | undefined {
    const state = this.#endpoints.get(endpoint);
    if (state === undefined) return undefined;
    const histogram = state.histogram;
    return {
      endpoint,
      boundsMs: Array.from(histogram.boundsMs),
      cumulativeCounts: histogram.cumulativeCounts(),
      count: state.count,
      sumMs: histogram.sumMs,
    };
  }

  /**
   * The endpoint's requests per time bucket, for charts of recent latency.
   *
   * @param resolution - `'minute'` (last 6 hours, the default) or `'tenMinutes'` (last 3 days)
   * @returns undefined when the endpoint recorded nothing
   * @throws RangeError when `resolution` is not one of the two
   */
  timeSeries(
    endpoint: string,
    resolution: TimeSeriesResolution = 'minute',
  ): TimeSeries | undefined {
    oneOf(`${OWNER}.timeSeries`, 'resolution', resolution, ['minute', 'tenMinutes']);
    const nowMs = this.#nowMs('timeSeries');
    const state = this.#endpoints.get(endpoint);
    if (state === undefined) return undefined;
    const ring = state.buckets[resolution];
    return { endpoint, bucketMs: ring.widthMs, points: state.buckets.series(nowMs, resolution) };
  }

  /** The tracker's state as plain JSON, for {@link SLOTracker.merge} in another process. */
  snapshot(): SloSnapshot {
    const nowMs = this.#nowMs('snapshot');
    const endpoints = [...this.#endpoints.values()].map((state) => {
      state.flush();
      return endpointSnapshot(state, nowMs);
    });
    return {
      format: SLO_SNAPSHOT_FORMAT,
      takenAtMs: nowMs,
      windowSize: this.#windowSize,
      latencyBucketsMs: Array.from(this.#histogramBoundsMs),
      foldedNameRegisters: this.#foldedNames.registers(),
      endpoints,
    };
  }

  /**
   * Adds another tracker's snapshot: counts, histograms, time buckets and folded names add exactly,
   * digests merge (all-time quantiles stay approximate), and windows interleave, keeping the newest
   * `windowSize` samples. The snapshot is checked whole before anything changes. Merging the same
   * snapshot twice counts it twice.
   *
   * @throws TypeError when the snapshot does not have the shape of {@link SloSnapshot}
   * @throws RangeError when a number is out of range, the histogram bounds differ from this tracker's,
   *   or an endpoint lacks the good counts of a latency threshold this tracker keeps for it
   */
  merge(snapshot: SloSnapshot): void {
    const valid = validateSnapshot(`${OWNER}.merge`, snapshot);
    this.#checkCompatible(valid);
    for (const other of valid.endpoints) {
      const state = this.#endpoints.get(other.endpoint) ?? this.#admit(other.endpoint);
      state.flush();
      mergeEndpoint(state, other);
    }
    this.#foldedNames.addRegisters(valid.foldedNameRegisters);
    this.#version++;
  }

  /** Forgets every endpoint and count; options and objectives stay. */
  reset(): void {
    this.#endpoints = new Map();
    this.#otherEndpointCount = 0;
    this.#foldedNames.clear();
    this.#windowQueries.forget();
    this.#globalCache = undefined;
    this.#version++;
  }

  /** Reads the clock once for `method`, refusing a reading no `Date` can hold. */
  #nowMs(method: string): number {
    return clockReading(`${OWNER}.${method}`, this.#clock.nowMs());
  }

  #admit(endpoint: string): EndpointState {
    const hasObjectives = Object.hasOwn(this.#objectives, endpoint) || this.#reserved.has(endpoint);
    if (!hasObjectives && endpoint !== OVERFLOW_ENDPOINT) {
      if (this.#otherEndpointCount >= this.#maxEndpoints) {
        this.#foldedNames.add(endpoint);
        return this.#endpoints.get(OVERFLOW_ENDPOINT) ?? this.#create(OVERFLOW_ENDPOINT);
      }
      this.#otherEndpointCount++;
    }
    return this.#create(endpoint);
  }

  #create(endpoint: string): EndpointState {
    const state = new EndpointState(
      endpoint,
      this.#objectives[endpoint],
      this.#windowSize,
      this.#histogramBoundsMs,
      this.#digestScratch,
    );
    this.#endpoints.set(endpoint, state);
    return state;
  }

  /** The endpoint's objectives: those it was created with, or those the options give its name. */
  #objectivesOf(endpoint: string, state: EndpointState | undefined): readonly ResolvedObjective[] {
    return state?.objectives ?? resolveObjective(this.#objectives[endpoint]);
  }

  #statsOf(state: EndpointState): EndpointStats {
    return {
      endpoint: state.name,
      count: state.count,
      errorCount: state.errorCount,
      errorRate: state.errorCount / state.count,
      meanLatencyMs: state.histogram.sumMs / state.count,
      minLatencyMs: state.minLatencyMs,
      maxLatencyMs: state.maxLatencyMs,
      window: this.#windowQueries.summary(state),
      allTime: latencySummary(state.count, (p) => state.allTimeQuantile(p / 100)),
    };
  }

  #computeGlobalStats(): GlobalStats {
    const states = [...this.#endpoints.values()];
    const digest = new AllTimeDigest();
    let count = 0;
    let errorCount = 0;
    let sumMs = 0;
    for (const state of states) {
      count += state.count;
      errorCount += state.errorCount;
      sumMs += state.histogram.sumMs;
      state.flush();
      digest.addCentroids(state.digest.centroids());
    }
    return {
      endpointCount: states.length,
      count,
      errorCount,
      errorRate: count === 0 ? 0 : errorCount / count,
      meanLatencyMs: count === 0 ? null : sumMs / count,
      window: combinedWindowSummary(states),
      allTime:
        count === 0 ? null : latencySummary(count, (p) => digest.quantile(p / 100) ?? Number.NaN),
    };
  }

  /** Every latency threshold this tracker keeps for an endpoint must have good counts in the snapshot. */
  #checkCompatible(snapshot: SloSnapshot): void {
    // Bounds are numbers > 0, whose shortest decimal forms differ exactly when the numbers do.
    const own = this.#histogramBoundsMs.join(', ');
    const theirs = snapshot.latencyBucketsMs.join(', ');
    if (theirs !== own) {
      throw new RangeError(
        `${OWNER}.merge: \`snapshot.latencyBucketsMs\` must equal this tracker's [${own}], got [${theirs}].`,
      );
    }
    let others = this.#otherEndpointCount;
    snapshot.endpoints.forEach((other, i) => {
      let target = other.endpoint;
      if (
        !this.#endpoints.has(target) &&
        !Object.hasOwn(this.#objectives, target) &&
        target !== OVERFLOW_ENDPOINT
      ) {
        target = others < this.#maxEndpoints ? target : OVERFLOW_ENDPOINT;
        if (target !== OVERFLOW_ENDPOINT) others++;
      }
      const missing = latencyThresholds(this.#objectives[target]).find(
        (threshold) => !other.thresholdsMs.includes(threshold),
      );
      if (missing !== undefined) {
        throw new RangeError(
          `${OWNER}.merge: \`snapshot.endpoints[${i}].thresholdsMs\` must include ${missing} (an objective of ${JSON.stringify(target)}), got [${other.thresholdsMs.join(', ')}].`,
        );
      }
    });
  }
}

/** Whether `record`'s options say the request failed; throws for anything but `{ error?, atMs? }`. */
function recordError(options: RecordOptions): boolean {
  if (typeof options !== 'object' || options === null)
    fail(TypeError, RECORD, 'options', 'an object', options);
  for (const key in options)
    if (key !== 'error' && key !== 'atMs') optionsObject(RECORD, options, ['error', 'atMs']);
  const error = options.error;
  if (error !== undefined && typeof error !== 'boolean')
    fail(TypeError, RECORD, 'error', 'a boolean', error);
  return error === true;
}

/** Throws for a time `record` cannot use: a bad `atMs`, or a bad reading of the tracker's clock. */
function failRecordTime(nowMs: unknown, isGiven: boolean): never {
  if (isGiven) numberInRange(RECORD, 'atMs', nowMs, 0, MAX_CLOCK_MS);
  clockReading(RECORD, nowMs as number);
  throw new RangeError(
    `${RECORD}: \`clock.nowMs()\` must return a finite number from 0 to ${MAX_CLOCK_MS}, got ${describeValue(nowMs)}.`,
  );
}

function percentOf(kind: SloObjectiveKind): number {
  return kind === 'p50' ? 50 : kind === 'p95' ? 95 : 99;
}
