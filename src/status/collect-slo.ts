/**
 * Reads an {@link SLOTracker} into {@link EndpointStatus} objects. A status depends only on the
 * endpoint's records and on the current one-minute bucket, so it is kept until the endpoint records
 * again or the minute turns: quiet endpoints cost almost nothing on the next render. When only the
 * minute turned, the endpoint's buckets are unchanged and its chart series is kept too (trimmed to
 * the window): `timeSeries` copies every bucket of six hours and is the costliest read.
 *
 * Internal module: its names are not part of the public API unless an entry exports them.
 */
import type { BurnRateReport, ErrorBudgetReport } from '../slo/burn-rate.js';
import { BURN_RATE_ALERT_RULES } from '../slo/burn-rate.js';
import type { SloObjective } from '../slo/objectives.js';
import type { SLOTracker } from '../slo/slo-tracker.js';
import { MINUTE_BUCKET_MS, type TimeSeriesPoint } from '../slo/time-buckets.js';
import { formatBurnRate, formatMs, formatPercent } from './format.js';
import type {
  BudgetFigure,
  BurnFigure,
  EndpointStatus,
  ErrorRateFigure,
  LatencyFigure,
} from './types.js';
import {
  compareVerdictsWorstFirst,
  pageBurnThreshold,
  STATUS_BURN_WINDOWS,
  verdictOfBurnRate,
  verdictOfRatio,
  verdictOfValue,
  worseVerdict,
  type StatusBurnWindow,
  type Verdict,
} from './verdict.js';

/** Settings the collection needs. */
export interface SloCollectSettings {
  readonly warningRatio: number;
  readonly chartWindowMs: number;
}

interface CacheEntry {
  readonly count: number;
  readonly sumMs: number;
  readonly minuteIndex: number;
  readonly status: EndpointStatus;
}

const PAGE_THRESHOLDS = /* @__PURE__ */ STATUS_BURN_WINDOWS.map((window) =>
  pageBurnThreshold(window),
);

/** Collects endpoint statuses, reusing those whose endpoint and minute have not changed. */
export class SloCollector {
  #cache = new Map<string, CacheEntry>();

  constructor(
    private readonly slo: SLOTracker,
    private readonly settings: SloCollectSettings,
  ) {}

  /** Every tracked endpoint's status, worst verdict first, then in the tracker's order. */
  collect(nowMs: number): EndpointStatus[] {
    const minuteIndex = Math.floor(nowMs / MINUTE_BUCKET_MS);
    const next = new Map<string, CacheEntry>();
    const statuses: EndpointStatus[] = [];
    for (const endpoint of this.slo.endpoints()) {
      const histogram = this.slo.histogram(endpoint);
      const count = histogram?.count ?? 0;
      const sumMs = histogram?.sumMs ?? 0;
      const cached = this.#cache.get(endpoint);
      const sameRecords = cached !== undefined && cached.count === count && cached.sumMs === sumMs;
      let entry: CacheEntry;
      if (sameRecords && cached.minuteIndex === minuteIndex) entry = cached;
      else {
        // Trimming a kept series is exact only while time moves forward.
        const series =
          sameRecords && minuteIndex > cached.minuteIndex ? cached.status.latencySeries : undefined;
        entry = {
          count,
          sumMs,
          minuteIndex,
          status: endpointStatus(this.slo, endpoint, count, minuteIndex, this.settings, series),
        };
      }
      next.set(endpoint, entry);
      statuses.push(entry.status);
    }
    this.#cache = next;
    // Array.prototype.sort is stable: equal verdicts keep the tracker's order.
    return statuses.sort((a, b) => compareVerdictsWorstFirst(a.verdict, b.verdict));
  }
}

function endpointStatus(
  slo: SLOTracker,
  endpoint: string,
  count: number,
  minuteIndex: number,
  settings: SloCollectSettings,
  knownSeries: readonly TimeSeriesPoint[] | undefined,
): EndpointStatus {
  const objective: SloObjective | undefined = slo.objectives[endpoint];
  const { warningRatio } = settings;
  const p50 = latencyFigure(slo.p50(endpoint), objective?.p50Ms, warningRatio);
  const p95 = latencyFigure(slo.p95(endpoint), objective?.p95Ms, warningRatio);
  const p99 = latencyFigure(slo.p99(endpoint), objective?.p99Ms, warningRatio);
  const actualRatio = slo.errorRate(endpoint) ?? null;
  const targetRatio = objective?.errorRate ?? null;
  const errorRate: ErrorRateFigure = {
    actualRatio,
    targetRatio,
    verdict: verdictOfValue(actualRatio, objective?.errorRate, warningRatio),
  };
  const judged = objective !== undefined && Object.keys(objective).length > 0;
  const errorBudgets = judged ? budgetFigures(slo.errorBudget(endpoint), warningRatio) : [];
  const burnReport = judged ? slo.burnRates(endpoint) : undefined;
  const burnRates = burnReport === undefined ? null : burnFigures(burnReport);
  const alerts = burnReport === undefined ? [] : firingAlerts(burnReport);
  const latencySeries = recentPoints(
    knownSeries ?? slo.timeSeries(endpoint)?.points ?? [],
    minuteIndex,
    settings.chartWindowMs,
  );
  const partial = {
    endpoint,
    requestCount: count,
    p50,
    p95,
    p99,
    errorRate,
    errorBudgets,
    burnRates,
    alerts,
    latencySeries,
  };
  return { ...partial, ...judge(partial, judged) };
}

function latencyFigure(
  actual: number | undefined,
  target: number | undefined,
  warningRatio: number,
): LatencyFigure {
  const actualMs = actual ?? null;
  return {
    actualMs,
    targetMs: target ?? null,
    verdict: verdictOfValue(actualMs, target, warningRatio),
  };
}

function budgetFigures(report: ErrorBudgetReport, warningRatio: number): BudgetFigure[] {
  return report.objectives.map((budget) => ({
    kind: budget.kind,
    remainingRatio: budget.remainingRatio,
    totalCount: budget.totalCount,
    badCount: budget.badCount,
    verdict: verdictOfRatio(budget.consumedRatio, warningRatio),
  }));
}

function burnFigures(report: BurnRateReport): Record<StatusBurnWindow, BurnFigure> | null {
  if (report.objectives.length === 0) return null;
  const figures = {} as Record<StatusBurnWindow, BurnFigure>;
  STATUS_BURN_WINDOWS.forEach((window, i) => {
    let fastest = report.objectives[0]!;
    for (const objective of report.objectives)
      if (objective.windows[window].burnRate > fastest.windows[window].burnRate)
        fastest = objective;
    const burnRate = fastest.windows[window].burnRate;
    figures[window] = {
      burnRate,
      kind: fastest.kind,
      verdict: verdictOfBurnRate(burnRate, PAGE_THRESHOLDS[i]!),
    };
  });
  return figures;
}

/** The multi-window rules of {@link BURN_RATE_ALERT_RULES} that fire, in words. */
function firingAlerts(report: BurnRateReport): string[] {
  const alerts: string[] = [];
  for (const objective of report.objectives) {
    for (const rule of BURN_RATE_ALERT_RULES) {
      const long = objective.windows[rule.longWindow].burnRate;
      const short = objective.windows[rule.shortWindow].burnRate;
      if (long > rule.burnRateThreshold && short > rule.burnRateThreshold) {
        alerts.push(
          `${rule.severity} alert: ${objective.kind} burning ${formatBurnRate(long)} over ${rule.longWindow} and ${formatBurnRate(short)} over ${rule.shortWindow}`,
        );
      }
    }
  }
  return alerts;
}

/** The buckets of the last `chartWindowMs`, the current minute included. */
function recentPoints(
  points: readonly TimeSeriesPoint[],
  minuteIndex: number,
  chartWindowMs: number,
): TimeSeriesPoint[] {
  const fromMs = (minuteIndex + 1) * MINUTE_BUCKET_MS - chartWindowMs;
  let first = points.length;
  while (first > 0 && points[first - 1]!.startMs >= fromMs) first--;
  return points.slice(first);
}

type Judged = Omit<EndpointStatus, 'verdict' | 'reasons'>;

/** The endpoint's verdict (the worst of its figures) and the reasons it is not `ok`. */
function judge(status: Judged, judged: boolean): Pick<EndpointStatus, 'verdict' | 'reasons'> {
  if (!judged) return { verdict: 'unjudged', reasons: [] };
  let verdict: Verdict = 'ok';
  const reasons: string[] = [];
  const note = (figureVerdict: Verdict, reason: () => string): void => {
    verdict = worseVerdict(verdict, figureVerdict);
    if (figureVerdict === 'at-risk' || figureVerdict === 'breached') reasons.push(reason());
  };
  for (const [kind, figure] of [
    ['p50', status.p50],
    ['p95', status.p95],
    ['p99', status.p99],
  ] as const) {
    note(
      figure.verdict,
      () =>
        `${kind} ${formatMs(figure.actualMs!)} ${figure.verdict === 'breached' ? 'over' : 'close to'} its ${formatMs(figure.targetMs!)} objective`,
    );
  }
  const errorRate = status.errorRate;
  note(
    errorRate.verdict,
    () =>
      `error rate ${formatPercent(errorRate.actualRatio!)} ${errorRate.verdict === 'breached' ? 'over' : 'close to'} its ${formatPercent(errorRate.targetRatio!)} objective`,
  );
  for (const budget of status.errorBudgets) {
    note(
      budget.verdict,
      () =>
        `${budget.kind} error budget ${budget.remainingRatio < 0 ? 'overspent' : `${formatPercent(Math.max(0, budget.remainingRatio))} left`}`,
    );
  }
  for (const alert of status.alerts)
    note(alert.startsWith('page') ? 'breached' : 'at-risk', () => alert);
  for (const window of STATUS_BURN_WINDOWS) {
    const burn = status.burnRates?.[window];
    if (burn !== undefined)
      note(
        burn.verdict,
        () => `${burn.kind} burning ${formatBurnRate(burn.burnRate)} over ${window}`,
      );
  }
  return { verdict, reasons };
}
