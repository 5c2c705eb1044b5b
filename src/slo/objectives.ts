/**
 * Service level objectives per endpoint: which latency percentiles and error rate an endpoint must
 * stay under, their validation, and their reading as good/total event ratios.
 */
import { fail, numberInRange, positiveNumber } from '../core/validate.js';

/**
 * The objectives of one endpoint. Each is optional; an endpoint with none is tracked but never judged.
 *
 * A latency objective such as `p95Ms: 10` means "at least 95 % of requests take 10 ms or less".
 */
export interface SloObjective {
  /** The median latency must stay at or under this many milliseconds. */
  readonly p50Ms?: number;
  /** The 95th percentile latency must stay at or under this many milliseconds. */
  readonly p95Ms?: number;
  /** The 99th percentile latency must stay at or under this many milliseconds. */
  readonly p99Ms?: number;
  /** The share of failed requests (0..1) must stay at or under this ratio. */
  readonly errorRate?: number;
}

/** Objectives keyed by endpoint name, for example `{ '/health': { p95Ms: 10, errorRate: 0.0001 } }`. */
export type SloObjectives = Readonly<Record<string, SloObjective>>;

/** What one objective constrains: a latency percentile or the error rate. */
export type SloObjectiveKind = 'p50' | 'p95' | 'p99' | 'errorRate';

/**
 * The objectives greenslo applies when none are given: the health and metrics endpoints of a
 * service, each with an error rate of at most 0.01 %.
 *
 * @defaultValue `/health` p95 <= 10 ms, `/health/ready` p95 <= 20 ms, `/health/live` p95 <= 5 ms,
 * `/metrics` p95 <= 50 ms, each with `errorRate` 0.0001
 */
export const DEFAULT_SLOS: SloObjectives = Object.freeze({
  '/health': Object.freeze({ p95Ms: 10, errorRate: 0.0001 }),
  '/health/ready': Object.freeze({ p95Ms: 20, errorRate: 0.0001 }),
  '/health/live': Object.freeze({ p95Ms: 5, errorRate: 0.0001 }),
  '/metrics': Object.freeze({ p95Ms: 50, errorRate: 0.0001 }),
});

/** One objective resolved for computation: its kind, its target value and its good/total target ratio. @internal */
export interface ResolvedObjective {
  readonly kind: SloObjectiveKind;
  /** The objective as configured: milliseconds for latency kinds, a ratio for `errorRate`. */
  readonly target: number;
  /** Share of events that must be good: 0.95 for p95, `1 - errorRate` for the error rate. */
  readonly targetRatio: number;
  /** Share of events allowed to be bad: `1 - targetRatio`. */
  readonly budgetRatio: number;
}

const LATENCY_KEYS = [
  ['p50', 'p50Ms', 0.5, 0.5],
  ['p95', 'p95Ms', 0.95, 0.05],
  ['p99', 'p99Ms', 0.99, 0.01],
] as const;
const KNOWN_KEYS: readonly string[] = ['p50Ms', 'p95Ms', 'p99Ms', 'errorRate'];

/**
 * Lists an endpoint's objectives in a fixed order (p50, p95, p99, error rate).
 *
 * @internal
 */
export function resolveObjective(objective: SloObjective | undefined): ResolvedObjective[] {
  if (objective === undefined) return [];
  const resolved: ResolvedObjective[] = [];
  for (const [kind, key, targetRatio, budgetRatio] of LATENCY_KEYS) {
    const target = objective[key];
    if (target !== undefined) resolved.push({ kind, target, targetRatio, budgetRatio });
  }
  if (objective.errorRate !== undefined) {
    resolved.push({
      kind: 'errorRate',
      target: objective.errorRate,
      targetRatio: 1 - objective.errorRate,
      budgetRatio: objective.errorRate,
    });
  }
  return resolved;
}

/**
 * Checks user objectives and returns a frozen copy without a prototype, so later changes to the
 * caller's object change nothing and an endpoint named `__proto__` is an ordinary key.
 *
 * @throws TypeError when `objectives` or one of its values is not a plain object, or a key is unknown
 * @throws RangeError when a latency is not a finite number > 0 or an error rate is outside 0..1
 * @internal
 */
export function validateObjectives(owner: string, objectives: unknown): SloObjectives {
  if (!isPlainRecord(objectives))
    fail(TypeError, owner, 'objectives', 'an object keyed by endpoint', objectives);
  const copy = Object.create(null) as Record<string, SloObjective>;
  for (const [endpoint, objective] of Object.entries(objectives)) {
    copy[endpoint] = validateObjective(owner, `objectives[${JSON.stringify(endpoint)}]`, objective);
  }
  return Object.freeze(copy);
}

function validateObjective(owner: string, name: string, objective: unknown): SloObjective {
  if (!isPlainRecord(objective))
    fail(TypeError, owner, name, 'an object such as { p95Ms: 10 }', objective);
  const unknownKey = Object.keys(objective).find((key) => !KNOWN_KEYS.includes(key));
  if (unknownKey !== undefined) {
    throw new TypeError(
      `${owner}: \`${name}\` must only have the keys p50Ms, p95Ms, p99Ms and errorRate, got ${JSON.stringify(unknownKey)}.`,
    );
  }
  const copy: { -readonly [K in keyof SloObjective]: number } = {};
  for (const [, key] of LATENCY_KEYS) {
    if (objective[key] !== undefined)
      copy[key] = positiveNumber(owner, `${name}.${key}`, objective[key]);
  }
  if (objective.errorRate !== undefined)
    copy.errorRate = numberInRange(owner, `${name}.errorRate`, objective.errorRate, 0, 1);
  return Object.freeze(copy);
}

/**
 * The latency thresholds of an objective (p50, p95, p99 in that order, those set), in milliseconds.
 *
 * @internal
 */
export function latencyThresholds(objective: SloObjective | undefined): number[] {
  if (objective === undefined) return [];
  return [objective.p50Ms, objective.p95Ms, objective.p99Ms].filter(
    (threshold): threshold is number => threshold !== undefined,
  );
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
