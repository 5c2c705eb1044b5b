/**
 * Per-endpoint rate-limit rules, their defaults, and the decision given on unlimited endpoints.
 */
import type { RateLimitDecision } from './types.js';

/** A token-bucket limit for one endpoint: `rate` requests per `perSeconds`, bursts up to `burst`. */
export interface RateLimitRule {
  /** Tokens each client gains per `perSeconds`; a finite number > 0. */
  readonly rate: number;
  /** The period of `rate`, in seconds; a finite number > 0. */
  readonly perSeconds: number;
  /** Bucket capacity; defaults to `rate`. */
  readonly burst?: number;
  /**
   * The policy's name in the `RateLimit` and `RateLimit-Policy` header fields (`"login";q=3;w=60`)
   * and the `rule` label of its metrics: printable ASCII, unique among the rules; defaults to the
   * rule's pattern (`'default'` for the default rule).
   */
  readonly name?: string;
}

/** A rule for one endpoint pattern: a limit, or `'unlimited'` (never limited, nothing stored). */
export type EndpointRule = RateLimitRule | 'unlimited';

/**
 * Rules keyed by endpoint pattern. A pattern is an exact path (`/agents/plan`) or a path ending in
 * `/*` (`/health/*`), which matches the path itself (`/health`) and everything below it
 * (`/health/live`). An exact pattern wins over wildcards; among wildcards the longest wins.
 * Matching ignores case and trailing slashes, as Express and Koa route by default, so
 * `/Agents/Plan/` is limited as `/agents/plan`.
 */
export type EndpointRules = Readonly<Record<string, EndpointRule>>;

/**
 * The limits of the original service: `/embed/multimodal` 60 requests per minute, `/agents/plan`
 * 10, `/agents/reflect` 20, and `/health/*` and `/metrics` unlimited.
 *
 * @defaultValue
 * ```ts
 * {
 *   '/embed/multimodal': { rate: 60, perSeconds: 60 },
 *   '/agents/plan': { rate: 10, perSeconds: 60 },
 *   '/agents/reflect': { rate: 20, perSeconds: 60 },
 *   '/health/*': 'unlimited',
 *   '/metrics': 'unlimited',
 * }
 * ```
 */
export const DEFAULT_RATE_LIMITS: EndpointRules = Object.freeze({
  '/embed/multimodal': Object.freeze({ rate: 60, perSeconds: 60 }),
  '/agents/plan': Object.freeze({ rate: 10, perSeconds: 60 }),
  '/agents/reflect': Object.freeze({ rate: 20, perSeconds: 60 }),
  '/health/*': 'unlimited',
  '/metrics': 'unlimited',
});

/**
 * The decision for a request to an unlimited endpoint: allowed, with `limit` and `remaining`
 * `Infinity`, `resetAtMs` 0 (nothing was consumed, so there is nothing to reset) and `retryAfterMs`
 * 0. `getRateLimitHeaders` writes no fields for it. Test for it with `decision.limit === Infinity`.
 * (`JSON.stringify` renders `Infinity` as `null`.)
 */
export const UNLIMITED_DECISION: RateLimitDecision = /* @__PURE__ */ Object.freeze(
  /* @__PURE__ */ unlimitedDecision(),
);

/**
 * Builds the unlimited decision field by field rather than as an object literal: V8 gives object
 * literals with the same keys in the same order one shared layout, and one literal holding `Infinity`
 * would make `limit` and `remaining` boxed doubles in every decision a store returns, one extra
 * allocation each per check.
 */
function unlimitedDecision(): RateLimitDecision {
  const decision: { -readonly [K in keyof RateLimitDecision]?: RateLimitDecision[K] } = {};
  decision.allowed = true;
  decision.limit = Infinity;
  decision.remaining = Infinity;
  decision.resetAtMs = 0;
  decision.retryAfterMs = 0;
  return decision as RateLimitDecision;
}

/**
 * The name under which requests matching no pattern are counted by
 * `EndpointRateLimiter.decisionCounts()` (patterns always start with `/`, so it cannot clash).
 *
 * @defaultValue 'default'
 */
export const DEFAULT_RULE_NAME = 'default';
