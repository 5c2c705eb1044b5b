/**
 * Verdicts of the status page: how a measured figure compares with what its objective allows, as
 * a level (green, amber, red or grey) that is always shown with a word and an icon, never by colour
 * alone.
 */
import { BURN_RATE_ALERT_RULES, type BurnRateWindow } from '../slo/burn-rate.js';

/**
 * How a figure stands against its objective: `ok` (green), `at-risk` (amber: within the objective
 * but close to it), `breached` (red) or `unjudged` (grey: no objective applies).
 */
export type Verdict = 'ok' | 'at-risk' | 'breached' | 'unjudged';

/**
 * Share of an objective (0..1) above which a figure that still meets it counts as at risk: with
 * `0.8`, a p95 of 85 ms against a target of 100 ms is amber.
 *
 * @defaultValue `0.8`
 */
export const DEFAULT_STATUS_WARNING_RATIO = 0.8;

/** How a verdict is written beside its colour. */
export interface VerdictLabel {
  /** The word, such as `'At risk'`. */
  readonly text: string;
  /** A character whose shape differs for each verdict, such as `'▲'`. */
  readonly icon: string;
}

/**
 * The word and icon shown with each verdict, so that no verdict relies on colour.
 *
 * @defaultValue `ok`: ✓ OK, `at-risk`: ▲ At risk, `breached`: ✕ Breached, `unjudged`: – No objective
 */
export const VERDICT_LABELS: Readonly<Record<Verdict, VerdictLabel>> = Object.freeze({
  ok: Object.freeze({ text: 'OK', icon: '\u2713' }),
  'at-risk': Object.freeze({ text: 'At risk', icon: '\u25B2' }),
  breached: Object.freeze({ text: 'Breached', icon: '\u2715' }),
  unjudged: Object.freeze({ text: 'No objective', icon: '\u2013' }),
});

const SEVERITY: Readonly<Record<Verdict, number>> = {
  unjudged: 0,
  ok: 1,
  'at-risk': 2,
  breached: 3,
};

/**
 * Judges a figure by its share of what the objective allows (`actual / allowed`).
 *
 * @param usedRatio - the figure over its limit: 0.9 for a p95 of 90 ms against 100 ms; Infinity
 *   for anything against a limit of zero; NaN counts as breached
 * @param warningRatio - the share above which a figure is at risk (0..1)
 * @returns `ok` up to `warningRatio`, `at-risk` up to 1, `breached` above 1
 */
export function verdictOfRatio(usedRatio: number, warningRatio: number): Verdict {
  if (usedRatio <= warningRatio) return 'ok';
  return usedRatio <= 1 ? 'at-risk' : 'breached';
}

/**
 * Judges a measured value against its target, where lower is better.
 *
 * @param actual - the measured value (milliseconds or a ratio); null when nothing was measured
 * @param target - the objective, in the same unit; undefined when there is none
 * @param warningRatio - the share of the target above which the value is at risk (0..1)
 */
export function verdictOfValue(
  actual: number | null,
  target: number | undefined,
  warningRatio: number,
): Verdict {
  if (target === undefined) return 'unjudged';
  if (actual === null) return 'ok';
  if (target === 0) return actual === 0 ? 'ok' : 'breached';
  return verdictOfRatio(actual / target, warningRatio);
}

/** The burn-rate windows the status page shows: 5 minutes, 1 hour and 6 hours. */
export type StatusBurnWindow = Extract<BurnRateWindow, '5m' | '1h' | '6h'>;

/** The burn-rate windows the status page shows, shortest first. */
export const STATUS_BURN_WINDOWS: readonly StatusBurnWindow[] = Object.freeze([
  '5m',
  '1h',
  '6h',
] as const);

/**
 * The burn rate above which each shown window counts as breached: the lowest threshold of the page
 * rules of {@link BURN_RATE_ALERT_RULES} that use the window (14.4 for 5 m and 1 h, 6 for 6 h).
 *
 * @internal
 */
export function pageBurnThreshold(window: BurnRateWindow): number {
  const thresholds = BURN_RATE_ALERT_RULES.filter(
    (rule) =>
      rule.severity === 'page' && (rule.longWindow === window || rule.shortWindow === window),
  ).map((rule) => rule.burnRateThreshold);
  return thresholds.length === 0 ? Infinity : Math.min(...thresholds);
}

/**
 * Judges a burn rate: `ok` while the budget lasts the period (at most 1), `at-risk` when it burns
 * faster, `breached` above the page threshold of the window ({@link pageBurnThreshold}).
 *
 * @internal
 */
export function verdictOfBurnRate(burnRate: number, pageThreshold: number): Verdict {
  if (burnRate <= 1) return 'ok';
  return burnRate <= pageThreshold ? 'at-risk' : 'breached';
}

/** The worse of two verdicts (`breached` > `at-risk` > `ok` > `unjudged`). @internal */
export function worseVerdict(a: Verdict, b: Verdict): Verdict {
  return SEVERITY[b] > SEVERITY[a] ? b : a;
}

/** Orders verdicts worst first, for sorting endpoints. @internal */
export function compareVerdictsWorstFirst(a: Verdict, b: Verdict): number {
  return SEVERITY[b] - SEVERITY[a];
}
