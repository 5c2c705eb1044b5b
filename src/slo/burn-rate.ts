/**
 * Error budgets and burn rates of objectives read as good/total events, and the multi-window,
 * multi-burn-rate alert rules of the Google SRE workbook.
 *
 * A latency objective such as p95 <= 10 ms has a target ratio of 0.95 (95 % of requests at or under
 * 10 ms) and an error budget of 0.05; an error-rate objective of 0.0001 has a budget of 0.0001. The
 * burn rate over a window is `(bad / total) / budget`: 1 spends the budget exactly over the SLO
 * period, 14.4 spends 2 % of a 30-day budget in one hour.
 */
import type { BucketTotals } from './bucket-ring.js';
import type { ResolvedObjective, SloObjectiveKind } from './objectives.js';

/** The windows over which burn rates are computed. */
export type BurnRateWindow = '5m' | '30m' | '1h' | '2h' | '6h' | '1d' | '3d';

/** Three days: the longest burn-rate window, and the error-budget period. */
const THREE_DAYS_MS = 72 * 3_600_000;

/**
 * Length of each burn-rate window in milliseconds. Windows up to 6 h are read from one-minute
 * buckets, longer ones from ten-minute buckets; each covers its last whole buckets including the
 * current, partly elapsed one.
 *
 * @defaultValue `{ '5m': 300000, '30m': 1800000, '1h': 3600000, '2h': 7200000, '6h': 21600000, '1d': 86400000, '3d': 259200000 }`
 */
export const BURN_RATE_WINDOWS_MS: Readonly<Record<BurnRateWindow, number>> = Object.freeze({
  '5m': 5 * 60_000,
  '30m': 30 * 60_000,
  '1h': 3_600_000,
  '2h': 2 * 3_600_000,
  '6h': 6 * 3_600_000,
  '1d': 24 * 3_600_000,
  '3d': THREE_DAYS_MS,
});

/**
 * The period over which {@link SLOTracker.errorBudget} counts consumed budget: the last three days,
 * the reach of the tracker's time buckets.
 *
 * @defaultValue `259200000` (3 days)
 */
export const ERROR_BUDGET_PERIOD_MS = THREE_DAYS_MS;

/** How urgent an alert is: `page` wakes someone now, `ticket` can wait for working hours. */
export type AlertSeverity = 'page' | 'ticket';

/** One multi-window rule: it fires when the burn rate is over the threshold in both windows. */
export interface BurnRateAlertRule {
  /** How urgent the alert is. */
  readonly severity: AlertSeverity;
  /** The long window: the burn has lasted long enough to matter. */
  readonly longWindow: BurnRateWindow;
  /** The short window: the burn is still going on (so the alert resets soon after a fix). */
  readonly shortWindow: BurnRateWindow;
  /** The burn rate both windows must exceed. */
  readonly burnRateThreshold: number;
}

/**
 * The alert rules {@link SLOTracker.alerts} evaluates (SRE workbook, for a 30-day SLO period):
 * page at 14.4x over 1 h and 5 m or 6x over 6 h and 30 m; ticket at 3x over 1 d and 2 h or 1x over
 * 3 d and 6 h.
 *
 * @defaultValue the four rules above, in that order
 */
export const BURN_RATE_ALERT_RULES: readonly BurnRateAlertRule[] = Object.freeze([
  Object.freeze({ severity: 'page', longWindow: '1h', shortWindow: '5m', burnRateThreshold: 14.4 }),
  Object.freeze({ severity: 'page', longWindow: '6h', shortWindow: '30m', burnRateThreshold: 6 }),
  Object.freeze({ severity: 'ticket', longWindow: '1d', shortWindow: '2h', burnRateThreshold: 3 }),
  Object.freeze({ severity: 'ticket', longWindow: '3d', shortWindow: '6h', burnRateThreshold: 1 }),
] as const);

/** Events and burn rate of one objective over one window. */
export interface WindowBurn {
  /** `(badCount / totalCount) / budgetRatio`; 0 when there were no requests. */
  readonly burnRate: number;
  /** Requests in the window. */
  readonly totalCount: number;
  /** Requests that missed the objective: slower than the threshold, or failed for `errorRate`. */
  readonly badCount: number;
}

/** The objective an entry refers to, read as a good/total target. */
export interface ObjectiveTarget {
  /** Which objective. */
  readonly kind: SloObjectiveKind;
  /** The objective as configured: milliseconds for latency kinds, a ratio for `errorRate`. */
  readonly target: number;
  /** Share of requests that must be good: 0.95 for p95, `1 - errorRate` for the error rate. */
  readonly targetRatio: number;
  /** Share of requests allowed to be bad: `1 - targetRatio`. */
  readonly budgetRatio: number;
}

/** Burn rates of one objective over every window. */
export interface ObjectiveBurnRates extends ObjectiveTarget {
  /** One entry per burn-rate window. */
  readonly windows: Readonly<Record<BurnRateWindow, WindowBurn>>;
}

/** Burn rates of each objective of an endpoint, as {@link SLOTracker.burnRates} returns them. */
export interface BurnRateReport {
  /** The endpoint. */
  readonly endpoint: string;
  /** One entry per objective of the endpoint; empty when it has none. */
  readonly objectives: readonly ObjectiveBurnRates[];
}

/** The outcome of one alert rule for one objective. */
export interface AlertEvaluation extends BurnRateAlertRule {
  /** The objective evaluated. */
  readonly kind: SloObjectiveKind;
  /** Burn rate over the long window. */
  readonly longBurnRate: number;
  /** Burn rate over the short window. */
  readonly shortBurnRate: number;
  /** Whether both burn rates exceed the threshold. */
  readonly firing: boolean;
}

/** Alert state of an endpoint, as {@link SLOTracker.alerts} returns it. */
export interface SloAlerts {
  /** The endpoint. */
  readonly endpoint: string;
  /** Whether a page rule fires for any objective. */
  readonly page: boolean;
  /** Whether a ticket rule fires for any objective. */
  readonly ticket: boolean;
  /** Every rule for every objective, firing or not. */
  readonly evaluations: readonly AlertEvaluation[];
}

/** Error budget of one objective over {@link ERROR_BUDGET_PERIOD_MS}. */
export interface ObjectiveErrorBudget extends ObjectiveTarget {
  /** Requests in the period. */
  readonly totalCount: number;
  /** Requests that missed the objective in the period. */
  readonly badCount: number;
  /** Bad requests the objective allows for this traffic: `budgetRatio * totalCount`. */
  readonly allowedBadCount: number;
  /** Share of the budget spent: `badCount / allowedBadCount` (above 1 when overspent; 0 without traffic). */
  readonly consumedRatio: number;
  /** `1 - consumedRatio`; negative when overspent. */
  readonly remainingRatio: number;
}

/** Error budgets of an endpoint, as {@link SLOTracker.errorBudget} returns them. */
export interface ErrorBudgetReport {
  /** The endpoint. */
  readonly endpoint: string;
  /** Length of the period counted, in milliseconds (the last three days). */
  readonly periodMs: number;
  /** One entry per objective of the endpoint; empty when it has none. */
  readonly objectives: readonly ObjectiveErrorBudget[];
}

/**
 * Totals of one endpoint over a window, or undefined when it never recorded.
 *
 * @internal
 */
export type WindowTotals = (windowMs: number) => BucketTotals | undefined;

/** Requests that missed the objective among `totals`. @internal */
export function badCount(
  objective: ResolvedObjective,
  thresholdIndex: number,
  totals: BucketTotals | undefined,
): number {
  if (totals === undefined) return 0;
  if (objective.kind === 'errorRate') return totals.errorCount;
  return totals.count - totals.goodCounts[thresholdIndex]!;
}

/** `(bad / total) / budget`, 0 without traffic, Infinity for any bad request against a zero budget. @internal */
export function burnRate(bad: number, total: number, budgetRatio: number): number {
  if (total === 0 || bad === 0) return 0;
  return budgetRatio === 0 ? Infinity : bad / total / budgetRatio;
}

/** Burn rates of one objective over every window. @internal */
export function objectiveBurnRates(
  objective: ResolvedObjective,
  thresholdIndex: number,
  totalsOver: WindowTotals,
): ObjectiveBurnRates {
  const windows = {} as Record<BurnRateWindow, WindowBurn>;
  for (const [window, windowMs] of Object.entries(BURN_RATE_WINDOWS_MS) as [
    BurnRateWindow,
    number,
  ][]) {
    const totals = totalsOver(windowMs);
    const totalCount = totals?.count ?? 0;
    const bad = badCount(objective, thresholdIndex, totals);
    windows[window] = {
      burnRate: burnRate(bad, totalCount, objective.budgetRatio),
      totalCount,
      badCount: bad,
    };
  }
  return { ...targetOf(objective), windows };
}

/** Every alert rule evaluated on an objective's burn rates. @internal */
export function evaluateAlertRules(rates: ObjectiveBurnRates): AlertEvaluation[] {
  return BURN_RATE_ALERT_RULES.map((rule) => {
    const longBurnRate = rates.windows[rule.longWindow].burnRate;
    const shortBurnRate = rates.windows[rule.shortWindow].burnRate;
    const firing = longBurnRate > rule.burnRateThreshold && shortBurnRate > rule.burnRateThreshold;
    return { ...rule, kind: rates.kind, longBurnRate, shortBurnRate, firing };
  });
}

/** The error budget of one objective from its totals over the period. @internal */
export function objectiveErrorBudget(
  objective: ResolvedObjective,
  thresholdIndex: number,
  totals: BucketTotals | undefined,
): ObjectiveErrorBudget {
  const totalCount = totals?.count ?? 0;
  const bad = badCount(objective, thresholdIndex, totals);
  const allowedBadCount = objective.budgetRatio * totalCount;
  const consumedRatio = bad === 0 ? 0 : allowedBadCount === 0 ? Infinity : bad / allowedBadCount;
  return {
    ...targetOf(objective),
    totalCount,
    badCount: bad,
    allowedBadCount,
    consumedRatio,
    remainingRatio: 1 - consumedRatio,
  };
}

function targetOf(objective: ResolvedObjective): ObjectiveTarget {
  return {
    kind: objective.kind,
    target: objective.target,
    targetRatio: objective.targetRatio,
    budgetRatio: objective.budgetRatio,
  };
}
