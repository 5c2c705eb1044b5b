/**
 * Rate limits per endpoint and client, with counts of decisions per rule.
 */
import { systemClock, type Clock } from '../core/clock.js';
import { clockOption, describeValue, positiveNumber } from '../core/validate.js';
import { ClockReader } from './clock-reader.js';
import { bucketPolicy, failClientId, failCost, storeOption } from './checks.js';
import { DEFAULT_MAX_KEYS, MemoryStore, type MemoryStoreStats } from './memory-store.js';
import { DEFAULT_RATE_LIMITS, DEFAULT_RULE_NAME, UNLIMITED_DECISION, type EndpointRule, type EndpointRules, type RateLimitRule } from './endpoint-rules.js';
import type { RateLimitStore, StoreAnswer } from './store.js';
import type { BucketPolicy, RateLimitDecision } from './types.js';

const OWNER = 'EndpointRateLimiter';
const SLASH = 47;
const MS_PER_SECOND = 1000;

/** Options of {@link EndpointRateLimiter}. */
export interface EndpointRateLimiterOptions<S extends RateLimitStore = RateLimitStore> {
  /** Rules keyed by endpoint pattern; defaults to {@link DEFAULT_RATE_LIMITS}. */
  readonly rules?: EndpointRules;
  /** Rule for endpoints no pattern matches; defaults to `'unlimited'`. */
  readonly default?: EndpointRule;
  /** Source of time, read once per check; defaults to `systemClock`. */
  readonly clock?: Clock;
  /**
   * One store shared by every rule, keys prefixed with the pattern and a space
   * (`"/agents/plan 203.0.113.7"`); defaults to one `MemoryStore` per rule.
   */
  readonly store?: S;
  /** Bound on buckets of each rule's default store; defaults to {@link DEFAULT_MAX_KEYS}. Ignored with `store`. */
  readonly maxKeys?: number;
}

/** The rule an endpoint resolves to. */
export interface EndpointRuleMatch {
  /** The matching pattern, or `'default'` ({@link DEFAULT_RULE_NAME}) when none matched. */
  readonly pattern: string;
  /** The rule, with `burst` filled in, or `'unlimited'`. */
  readonly rule: Required<RateLimitRule> | 'unlimited';
}

/** How many checks a rule allowed and limited since the limiter was created. */
export interface EndpointDecisionCount {
  /** The rule's pattern, or `'default'` for endpoints no pattern matched. */
  readonly rule: string;
  /** Checks allowed (on unlimited rules: every check). */
  readonly allowed: number;
  /** Checks refused. */
  readonly limited: number;
}

/** The figures of one rule's own memory store (see `MemoryStoreStats`), with the rule's pattern. */
export interface EndpointStoreStats extends MemoryStoreStats {
  /** The rule's pattern, or `'default'`. */
  readonly rule: string;
}

interface RuleBuckets {
  readonly policy: BucketPolicy;
  readonly store: RateLimitStore;
  readonly keyPrefix: string;
}

interface Entry {
  readonly match: EndpointRuleMatch;
  /** Where and how the rule's buckets are kept; undefined for an unlimited rule. */
  readonly buckets: RuleBuckets | undefined;
  /** For wildcard patterns: the path before `/*`. */
  readonly pathPrefix: string;
  allowed: number;
  limited: number;
}

/**
 * Applies a token-bucket limit per endpoint pattern and client (`/agents/plan` 10 per minute per
 * client, `/health/*` unlimited), and counts each rule's decisions for export.
 *
 * Unlimited endpoints answer {@link UNLIMITED_DECISION} without touching a store. With the default
 * memory stores every method is synchronous; with an asynchronous `store` `check` returns Promises.
 *
 * @typeParam S - the store's type, which decides whether answers are plain values or Promises
 * @example
 * ```ts
 * const limits = new EndpointRateLimiter({ rules: DEFAULT_RATE_LIMITS });
 * const decision = limits.check('/agents/plan', clientIp);
 * if (!decision.allowed) return create429Response({ ... });
 * limits.decisionCounts(); // [{ rule: '/agents/plan', allowed: 1, limited: 0 }, ...]
 * ```
 */
export class EndpointRateLimiter<S extends RateLimitStore = MemoryStore> {
  readonly #exact = new Map<string, Entry>();
  readonly #wildcards: Entry[] = [];
  readonly #entries: Entry[] = [];
  readonly #fallback: Entry;
  readonly #synchronous: boolean;
  readonly #clock: ClockReader;
  /** The last endpoint resolved and its entry: routers pass the same route string again and again. */
  #lastEndpoint: string;
  #lastEntry: Entry;

  /**
   * @param options - rules, default rule, clock, store
   * @throws TypeError when an option has the wrong type
   * @throws RangeError when a pattern is not a path (optionally ending in `/*`), or a rule's `rate`,
   *   `perSeconds` or `burst` is not a finite number > 0
   */
  constructor(options: EndpointRateLimiterOptions<S> = {}) {
    this.#clock = new ClockReader(clockOption(OWNER, options.clock ?? systemClock));
    const rules = options.rules ?? DEFAULT_RATE_LIMITS;
    if (typeof rules !== 'object' || rules === null) throw new TypeError(`${OWNER}: \`rules\` must be an object of endpoint rules, got ${describeValue(rules)}.`);
    const shared = options.store === undefined ? undefined : storeOption(OWNER, options.store);
    const maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
    const seen = new Map<string, string>();
    for (const [pattern, rule] of Object.entries(rules)) {
      const entry = makeEntry(checkPattern(pattern), checkRule(`rules[${JSON.stringify(pattern)}]`, rule), shared, maxKeys);
      const canonical = canonicalPath(pattern);
      const clash = seen.get(canonical);
      if (clash !== undefined) throw new RangeError(`${OWNER}: \`rules\` has ${describeValue(clash)} and ${describeValue(pattern)}, which match the same paths (matching ignores case and trailing slashes).`);
      seen.set(canonical, pattern);
      this.#entries.push(entry);
      if (pattern.endsWith('/*')) this.#wildcards.push(entry);
      else this.#exact.set(canonical, entry);
    }
    this.#wildcards.sort((a, b) => b.pathPrefix.length - a.pathPrefix.length);
    this.#fallback = makeEntry(DEFAULT_RULE_NAME, checkRule('default', options.default ?? 'unlimited'), shared, maxKeys);
    this.#entries.push(this.#fallback);
    // Any valid endpoint primes the cache: a check never skips the validation of its own endpoint.
    this.#lastEndpoint = '/';
    this.#lastEntry = this.#lookUp('/');
    this.#synchronous = shared === undefined || shared.synchronous;
  }

  /**
   * Admits or refuses one request of `cost` tokens from `clientId` to `endpoint`, and counts it.
   *
   * @param endpoint - the request's route or path, without query string (`/agents/plan`)
   * @param clientId - the client's key
   * @param cost - tokens the request costs, `0 < cost <= burst` of the matching rule
   * @returns the decision (a Promise of it with an asynchronous store); {@link UNLIMITED_DECISION}
   *   on unlimited endpoints
   * @throws TypeError when `endpoint` or `clientId` is not a non-empty string
   * @throws RangeError when `cost` is not a finite number in `(0, burst]`
   */
  check(endpoint: string, clientId: string, cost = 1): StoreAnswer<S, RateLimitDecision> {
    const entry = this.#resolve(endpoint);
    if (typeof clientId !== 'string' || clientId.length === 0) failClientId(OWNER, clientId);
    const buckets = entry.buckets;
    if (buckets === undefined) return this.#unlimited(entry, cost);
    const policy = buckets.policy;
    if (typeof cost !== 'number' || !(cost > 0 && cost <= policy.capacity)) failCost(OWNER, 'cost', cost, policy.capacity);
    const nowMs = this.#clock.nowMs(OWNER);
    const key = buckets.keyPrefix === '' ? clientId : buckets.keyPrefix + clientId;
    const answer = buckets.store.consume(key, policy, cost, nowMs);
    if (this.#synchronous) return count(entry, answer as RateLimitDecision) as StoreAnswer<S, RateLimitDecision>;
    return Promise.resolve(answer).then((decision) => count(entry, decision)) as StoreAnswer<S, RateLimitDecision>;
  }

  #unlimited(entry: Entry, cost: unknown): StoreAnswer<S, RateLimitDecision> {
    if (typeof cost !== 'number' || !(cost > 0 && cost < Infinity)) failCost(OWNER, 'cost', cost, Infinity);
    entry.allowed += 1;
    return (this.#synchronous ? UNLIMITED_DECISION : Promise.resolve(UNLIMITED_DECISION)) as StoreAnswer<S, RateLimitDecision>;
  }

  /**
   * The rule `endpoint` resolves to, for headers and 429 bodies (`perSeconds` is the window).
   *
   * @param endpoint - the request's route or path
   * @throws TypeError when `endpoint` is not a non-empty string
   */
  match(endpoint: string): EndpointRuleMatch {
    return this.#resolve(endpoint).match;
  }

  /**
   * Allowed and limited checks per rule since creation, in rule order with `'default'` last, ready
   * for export as counters (for example `greenslo_rate_limit_decisions_total{rule, outcome}`).
   */
  decisionCounts(): EndpointDecisionCount[] {
    return this.#entries.map((entry) => ({ rule: entry.match.pattern, allowed: entry.allowed, limited: entry.limited }));
  }

  /**
   * The figures of each rule's own `MemoryStore` (size, `evictedActiveBuckets`, ...), in rule order;
   * empty when a shared `store` was given (read its own figures instead). A growing
   * `evictedActiveBuckets` means `maxKeys` is too small for the clients active at once.
   */
  storeStats(): EndpointStoreStats[] {
    const stats: EndpointStoreStats[] = [];
    for (const { match, buckets } of this.#entries) {
      if (buckets !== undefined && buckets.keyPrefix === '' && buckets.store instanceof MemoryStore) stats.push({ rule: match.pattern, ...buckets.store.stats() });
    }
    return stats;
  }

  /**
   * Refills the buckets of `clientId` on every rule, or every bucket when called without one.
   *
   * @param clientId - the client's key; omit it to reset all clients
   * @returns nothing, or a Promise settled when every store has finished
   * @throws TypeError when `clientId` is given but is not a non-empty string
   */
  reset(clientId?: string): StoreAnswer<S, void> {
    if (clientId !== undefined && (typeof clientId !== 'string' || clientId.length === 0)) failClientId(OWNER, clientId);
    const answers = this.#entries.map(({ buckets }) => {
      if (buckets === undefined) return undefined;
      return clientId === undefined ? buckets.store.clear(buckets.keyPrefix) : buckets.store.reset(buckets.keyPrefix + clientId);
    });
    if (this.#synchronous) return undefined as StoreAnswer<S, void>;
    return Promise.all(answers.map((answer) => Promise.resolve(answer))).then(() => undefined) as StoreAnswer<S, void>;
  }

  #resolve(endpoint: string): Entry {
    return endpoint === this.#lastEndpoint ? this.#lastEntry : this.#remember(endpoint);
  }

  #remember(endpoint: string): Entry {
    const entry = this.#lookUp(endpoint);
    this.#lastEndpoint = endpoint;
    this.#lastEntry = entry;
    return entry;
  }

  #lookUp(endpoint: string): Entry {
    if (typeof endpoint !== 'string' || endpoint.length === 0) {
      throw new TypeError(`${OWNER}: \`endpoint\` must be a non-empty string, got ${describeValue(endpoint)}.`);
    }
    const exact = this.#exact.get(endpoint);
    if (exact !== undefined) return exact;
    // Express and Koa route `/Agents/Plan/` to `/agents/plan` by default: so must the limits.
    const path = canonicalPath(endpoint);
    const canonical = path === endpoint ? undefined : this.#exact.get(path);
    if (canonical !== undefined) return canonical;
    for (const entry of this.#wildcards) {
      const prefix = entry.pathPrefix;
      if (path.startsWith(prefix) && (path.length === prefix.length || path.charCodeAt(prefix.length) === SLASH)) return entry;
    }
    return this.#fallback;
  }
}

/** A path as patterns are matched: lower case, without trailing slashes (`/Agents/Plan/` is `/agents/plan`). */
function canonicalPath(path: string): string {
  let end = path.length;
  while (end > 1 && path.charCodeAt(end - 1) === SLASH) end -= 1;
  return (end === path.length ? path : path.slice(0, end)).toLowerCase();
}

function count(entry: Entry, decision: RateLimitDecision): RateLimitDecision {
  if (decision.allowed) entry.allowed += 1;
  else entry.limited += 1;
  return decision;
}

function makeEntry(pattern: string, rule: Required<RateLimitRule> | 'unlimited', shared: RateLimitStore | undefined, maxKeys: number): Entry {
  const entry = { match: { pattern, rule }, pathPrefix: canonicalPath(pattern.slice(0, -2)), allowed: 0, limited: 0 };
  if (rule === 'unlimited') return { ...entry, buckets: undefined };
  const policy = bucketPolicy(OWNER, 'burst', rule.burst, rule.rate, rule.perSeconds * MS_PER_SECOND);
  const store = shared ?? new MemoryStore({ maxKeys });
  return { ...entry, buckets: { policy, store, keyPrefix: shared === undefined ? '' : `${pattern} ` } };
}

function checkPattern(pattern: string): string {
  const wildcard = pattern.endsWith('/*');
  const path = wildcard ? pattern.slice(0, -1) : pattern;
  if (pattern.startsWith('/') && !/[\s*]/.test(path)) return pattern;
  const rule = 'keys that are paths like "/agents/plan" or "/health/*" (no spaces, `*` only as a last "/*")';
  throw new RangeError(`${OWNER}: \`rules\` must have ${rule}, got ${describeValue(pattern)}.`);
}

function checkRule(name: string, rule: unknown): Required<RateLimitRule> | 'unlimited' {
  if (rule === 'unlimited') return rule;
  if (typeof rule === 'string') throw new RangeError(`${OWNER}: \`${name}\` must be { rate, perSeconds, burst? } or 'unlimited', got ${describeValue(rule)}.`);
  if (typeof rule !== 'object' || rule === null) {
    throw new TypeError(`${OWNER}: \`${name}\` must be { rate, perSeconds, burst? } or 'unlimited', got ${describeValue(rule)}.`);
  }
  const { rate, perSeconds, burst } = rule as Partial<RateLimitRule>;
  const checkedRate = positiveNumber(OWNER, `${name}.rate`, rate);
  return Object.freeze({
    rate: checkedRate,
    perSeconds: positiveNumber(OWNER, `${name}.perSeconds`, perSeconds),
    burst: positiveNumber(OWNER, `${name}.burst`, burst ?? checkedRate),
  });
}
