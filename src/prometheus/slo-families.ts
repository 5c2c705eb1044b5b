/**
 * The families written from an `SLOTracker`: per endpoint a latency histogram in seconds whose
 * buckets are the tracker's own (every objective threshold among them), request and error counters,
 * windowed percentiles, objectives, compliance, error budgets and burn rates.
 *
 * Internal module: its names are not part of the public API unless an entry exports them.
 */
import type { BurnRateWindow } from '../slo/burn-rate.js';
import type { LatencyHistogramSnapshot } from '../slo/latency-histogram.js';
import { OVERFLOW_ENDPOINT, type SLOTracker } from '../slo/slo-tracker.js';
import { addSample, family, flag, type Labels, type MetricFamily } from './metric-family.js';
import { formatLe, sloLabel, type MetricNames } from './names.js';

const PERCENTILES = ['50', '95', '99'] as const;
const PERCENTILE_LABELS: readonly Labels[] = /* @__PURE__ */ PERCENTILES.map((percentile) =>
  Object.freeze({ percentile }),
);
const INF_LABELS: Labels = Object.freeze({ le: '+Inf' });

/** Label objects shared by every endpoint of one collection. */
interface SharedLabels {
  /** `{ le }` of each bound, `+Inf` last. */
  readonly le: readonly Labels[];
  /** `{ slo }` and `{ slo, window }` objects, created on first use. */
  readonly slo: Map<string, Labels>;
}

function sloLabels(shared: SharedLabels, slo: string, window?: string): Labels {
  const key = window === undefined ? slo : `${slo} ${window}`;
  let labels = shared.slo.get(key);
  if (labels === undefined) {
    labels = window === undefined ? { slo } : { slo, window };
    shared.slo.set(key, labels);
  }
  return labels;
}

interface SloFamilies {
  readonly duration: MetricFamily;
  readonly requests: MetricFamily;
  readonly errors: MetricFamily;
  readonly window: MetricFamily;
  readonly latencyObjective: MetricFamily;
  readonly errorRateObjective: MetricFamily;
  readonly compliant: MetricFamily;
  readonly budget: MetricFamily;
  readonly burnRate: MetricFamily;
}

/** Totals of the endpoints written under {@link OVERFLOW_ENDPOINT}. */
interface Folded {
  cumulativeCounts: number[] | undefined;
  sumMs: number;
  count: number;
  errorCount: number;
}

function emptyFamilies(names: MetricNames): SloFamilies {
  return {
    duration: family(
      names.durationSeconds,
      'histogram',
      'Request latency in seconds; the buckets include every objective threshold.',
    ),
    requests: family(names.requestsTotal, 'counter', 'Requests recorded.'),
    errors: family(names.errorsTotal, 'counter', 'Failed requests recorded.'),
    window: family(
      names.latencyWindowSeconds,
      'gauge',
      "Exact latency percentile of the endpoint's last windowSize requests, in seconds.",
    ),
    latencyObjective: family(
      names.latencyObjectiveSeconds,
      'gauge',
      'Latency objective: the percentile must stay at or under this many seconds.',
    ),
    errorRateObjective: family(
      names.errorRateObjectiveRatio,
      'gauge',
      'Error-rate objective: the share of failed requests must stay at or under this ratio.',
    ),
    compliant: family(
      names.compliant,
      'gauge',
      'Whether the endpoint meets every objective now (1) or not (0).',
    ),
    budget: family(
      names.errorBudgetRemainingRatio,
      'gauge',
      'Share of the error budget of the last 3 days still unspent (negative when overspent).',
    ),
    burnRate: family(
      names.burnRate,
      'gauge',
      'Error budget burn rate over the window (1 spends the budget exactly over the SLO period).',
    ),
  };
}

/**
 * The endpoints written under their own name: those with objectives first, then the others in the
 * order first seen, `maxEndpoints` in all. The order is stable, so an endpoint once folded stays
 * folded and the overflow counters only grow.
 */
function keptEndpoints(tracker: SLOTracker, maxEndpoints: number): Set<string> {
  const endpoints = tracker.endpoints().filter((endpoint) => endpoint !== OVERFLOW_ENDPOINT);
  const objectives = tracker.objectives;
  const judged = endpoints.filter((endpoint) => Object.hasOwn(objectives, endpoint));
  const others = endpoints.filter((endpoint) => !Object.hasOwn(objectives, endpoint));
  return new Set([...judged, ...others].slice(0, maxEndpoints));
}

/** The error count of an endpoint, from the exact ratio the tracker keeps (exact below 2^50 requests). */
function errorCountOf(tracker: SLOTracker, endpoint: string, count: number): number {
  return Math.round((tracker.errorRate(endpoint) ?? 0) * count);
}

function addHistogram(
  target: SloFamilies,
  endpointLabels: Labels,
  histogram: Pick<LatencyHistogramSnapshot, 'cumulativeCounts' | 'count' | 'sumMs'>,
  shared: SharedLabels,
  errorCount: number,
): void {
  const samples = target.duration.samples;
  const counts = histogram.cumulativeCounts;
  const bounds = shared.le.length - 1;
  for (let i = 0; i < bounds; i++)
    samples.push({
      suffix: '_bucket',
      labels: endpointLabels,
      extra: shared.le[i],
      value: counts[i]!,
    });
  samples.push({
    suffix: '_bucket',
    labels: endpointLabels,
    extra: INF_LABELS,
    value: histogram.count,
  });
  samples.push({
    suffix: '_sum',
    labels: endpointLabels,
    extra: undefined,
    value: histogram.sumMs / 1000,
  });
  samples.push({
    suffix: '_count',
    labels: endpointLabels,
    extra: undefined,
    value: histogram.count,
  });
  addSample(target.requests, histogram.count, endpointLabels);
  addSample(target.errors, errorCount, endpointLabels);
}

function addWindowPercentiles(
  target: SloFamilies,
  tracker: SLOTracker,
  endpoint: string,
  endpointLabels: Labels,
): void {
  PERCENTILES.forEach((percentile, i) => {
    const valueMs = tracker.percentile(endpoint, Number(percentile));
    if (valueMs !== undefined)
      addSample(target.window, valueMs / 1000, endpointLabels, PERCENTILE_LABELS[i]);
  });
}

function addObjectives(
  target: SloFamilies,
  tracker: SLOTracker,
  endpoint: string,
  endpointLabels: Labels,
  shared: SharedLabels,
): void {
  const objective = tracker.objectives[endpoint]!;
  const latencyTargets = [objective.p50Ms, objective.p95Ms, objective.p99Ms];
  latencyTargets.forEach((targetMs, i) => {
    if (targetMs !== undefined)
      addSample(target.latencyObjective, targetMs / 1000, endpointLabels, PERCENTILE_LABELS[i]);
  });
  if (objective.errorRate !== undefined)
    addSample(target.errorRateObjective, objective.errorRate, endpointLabels);
  addSample(target.compliant, flag(tracker.checkCompliance(endpoint).compliant), endpointLabels);
  for (const budget of tracker.errorBudget(endpoint).objectives) {
    addSample(
      target.budget,
      budget.remainingRatio,
      endpointLabels,
      sloLabels(shared, sloLabel(budget.kind)),
    );
  }
  for (const rates of tracker.burnRates(endpoint).objectives) {
    const slo = sloLabel(rates.kind);
    for (const window of Object.keys(rates.windows) as BurnRateWindow[]) {
      addSample(
        target.burnRate,
        rates.windows[window].burnRate,
        endpointLabels,
        sloLabels(shared, slo, window),
      );
    }
  }
}

function fold(folded: Folded, histogram: LatencyHistogramSnapshot, errorCount: number): void {
  const counts = histogram.cumulativeCounts;
  if (folded.cumulativeCounts === undefined) folded.cumulativeCounts = counts.slice();
  else for (let i = 0; i < counts.length; i++) folded.cumulativeCounts[i]! += counts[i]!;
  folded.sumMs += histogram.sumMs;
  folded.count += histogram.count;
  folded.errorCount += errorCount;
}

/**
 * The tracker's families. Endpoints past `maxEndpoints`, and the tracker's own overflow endpoint, are
 * summed into one series labelled {@link OVERFLOW_ENDPOINT}, which carries the histogram and the
 * counters only (percentiles and objectives of several endpoints cannot be added).
 */
export function sloFamilies(
  tracker: SLOTracker,
  names: MetricNames,
  maxEndpoints: number,
): MetricFamily[] {
  const target = emptyFamilies(names);
  const shared: SharedLabels = {
    le: [...tracker.latencyBucketsMs.map((boundMs) => ({ le: formatLe(boundMs) })), INF_LABELS],
    slo: new Map(),
  };
  const kept = keptEndpoints(tracker, maxEndpoints);
  const folded: Folded = { cumulativeCounts: undefined, sumMs: 0, count: 0, errorCount: 0 };
  for (const endpoint of tracker.endpoints()) {
    const histogram = tracker.histogram(endpoint);
    if (histogram === undefined || histogram.count === 0) continue;
    const errorCount = errorCountOf(tracker, endpoint, histogram.count);
    if (!kept.has(endpoint)) {
      fold(folded, histogram, errorCount);
      continue;
    }
    const endpointLabels = { endpoint };
    addHistogram(target, endpointLabels, histogram, shared, errorCount);
    addWindowPercentiles(target, tracker, endpoint, endpointLabels);
    if (Object.hasOwn(tracker.objectives, endpoint))
      addObjectives(target, tracker, endpoint, endpointLabels, shared);
  }
  if (folded.cumulativeCounts !== undefined) {
    const overflow = {
      cumulativeCounts: folded.cumulativeCounts,
      count: folded.count,
      sumMs: folded.sumMs,
    };
    addHistogram(target, { endpoint: OVERFLOW_ENDPOINT }, overflow, shared, folded.errorCount);
  }
  const {
    duration,
    requests,
    errors,
    window,
    latencyObjective,
    errorRateObjective,
    compliant,
    budget,
    burnRate,
  } = target;
  return [
    duration,
    requests,
    errors,
    window,
    latencyObjective,
    errorRateObjective,
    compliant,
    budget,
    burnRate,
  ];
}
