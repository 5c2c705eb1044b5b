/**
 * Rate limits per endpoint and client, with counts of decisions per rule.
 */
import { systemClock, type Clock } from '../core/clock.js';
import {
  clockOption,
  clockReading,
  describeValue,
  fail,
  nonEmptyString,
  optionsObject,
  positiveNumber,
  RATE_LIMIT_OPTION_HINTS,
} from '../core/validate.js';
import { ClockReader } from './clock-reader.js';
import { bucketPolicy, failCost, isCost, storeOption } from './checks.js';
import { DEFAULT_MAX_KEYS, MemoryStore, type MemoryStoreStats } from './memory-store.js';
import {
  DEFAULT_RATE_LIMITS,
  DEFAULT_RULE_NAME,
  type EndpointRule,
  type EndpointRules,
  type RateLimitRule,
} from './endpoint-rules.js';
import { RateLimitPolicyFields } from './rate-limit-headers.js';
import type { RateLimitStore, StoreAnswer } from './store.js';
import type { BucketPolicy, RateLimitDecision } from './types.js';

const OWNER = 'EndpointRateLimiter';
const OPTION_KEYS = ['rules', 'default', 'clock', 'store', 'maxKeys'] as const;
const RULE_KEYS = ['rate', 'perSeconds', 'burst', 'name'];
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

/** A rule with its defaults filled in. */
export type ResolvedRateLimitRule = Readonly<Required<RateLimitRule>>;

/** The rule an endpoint resolves to: everything headers, 429 bodies and metrics need of it. */
export interface EndpointRuleMatch {
  /** The matching pattern, or `'default'` ({@link DEFAULT_RULE_NAME}) when none matched. */
  readonly pattern: string;
  /** The policy's name in header fields and metrics: the rule's `name`, else its pattern. */
  readonly name: string;
  /** The rule, with `burst` and `name` filled in, or `'unlimited'`. */
  readonly rule: ResolvedRateLimitRule | 'unlimited';
  /** The rule's header fields, serialized once; `undefined` for an unlimited rule. */
  readonly fields: RateLimitPolicyFields | undefined;
}

/**
 * The decision of {@link EndpointRateLimiter.check}: the bucket's figures, the rule that decided,
 * and what {@link EndpointRateLimiter.refund} needs to give the tokens back.
 */
export interface EndpointDecision extends RateLimitDecision {
  /** The rule the endpoint resolved to (its name, limit, window and header fields). */
  readonly rule: EndpointRuleMatch;
  /** The store key of the bucket charged; `''` on an unlimited rule. */
  readonly key: string;
  /** Tokens the check asked for. */
  readonly cost: number;
}

/** Per-call options of {@link EndpointRateLimiter.check}. */
export interface EndpointCheckOptions {
  /** Tokens the request costs, `0 < cost <= burst`. @defaultValue 1 */
  readonly cost?: number | undefined;
  /**
   * The time of the check, epoch milliseconds, when the caller has read its clock already (as the
   * guards do, once per request); the limiter's own clock is not read then.
   */
  readonly nowMs?: number | undefined;
}

/** How many checks a rule allowed, limited and refunded since the limiter was created. */
export interface EndpointDecisionCount {
  /** The rule's name (its pattern unless named), or `'default'` for endpoints no pattern matched. */
  readonly rule: string;
  /** The rule's pattern, or `'default'`. */
  readonly pattern: string;
  /** Checks allowed (on unlimited rules: every check). */
  readonly allowed: number;
  /** Checks refused. */
  readonly limited: number;
  /** Allowed checks whose tokens were given back by {@link EndpointRateLimiter.refund}. */
  readonly refunded: number;
}

/** The figures of one rule's own memory store (see `MemoryStoreStats`), with the rule's name. */
export interface EndpointStoreStats extends MemoryStoreStats {
  /** The rule's name (its pattern unless named), or `'default'`. */
  readonly rule: string;
}

interface RuleBuckets {
  readonly policy: BucketPolicy;
  readonly store: RateLimitStore;
  readonly keyPrefix: string;
}

/** One rule as the limiter keeps it: its match, buckets and counts. */
class Entry {
  // Set in the constructor, so `declare`d: bundles then carry no field declarations for them.
  /** The rule as callers see it. */
  declare readonly match: EndpointRuleMatch;
  /** Where and how the rule's buckets are kept; undefined for an unlimited rule. */
  declare readonly buckets: RuleBuckets | undefined;
  /** The decision of every check on an unlimited rule. */
  declare readonly unlimited: EndpointDecision;
  /** For wildcard patterns: the path before `/*`. */
  declare readonly pathPrefix: string;
  allowed = 0;
  limited = 0;
  refunded = 0;

  constructor(match: EndpointRuleMatch, buckets: RuleBuckets | undefined) {
    this.match = match;
    this.buckets = buckets;
    this.unlimited = unlimitedDecision(match);
    this.pathPrefix = canonicalPath(match.pattern.slice(0, -2));
  }

  /** Counts a store's decision and adds the rule and what a refund needs to it. */
  decided(decision: RateLimitDecision, key: string, cost: number): EndpointDecision {
    if (decision.allowed) this.allowed += 1;
    else this.limited += 1;
    const { allowed, limit, remaining, resetAtMs, retryAfterMs } = decision;
    return { allowed, limit, remaining, resetAtMs, retryAfterMs, rule: this.match, key, cost };
  }
}

/**
 * Applies a token-bucket limit per endpoint pattern and client (`/agents/plan` 10 per minute per
 * client, `/health/*` unlimited), and counts each rule's decisions for export.
 *
 * Each decision carries its rule (name, limit, window, serialized header fields), so that nothing
 * downstream resolves the rule again. Unlimited endpoints answer a constant decision without
 * touching a store. With the default memory stores every method is synchronous; with an
 * asynchronous `store` `check` and `refund` return Promises.
 *
 * @typeParam S - the store's type, which decides whether answers are plain values or Promises
 * @example
 * ```ts
 * const limits = new EndpointRateLimiter({ rules: { '/login': { rate: 3, perSeconds: 60, name: 'login' } } });
 * const decision = limits.check('/login', clientIp);
 * if (!decision.allowed) return create429Response({ ... });
 * limits.decisionCounts(); // [{ rule: 'login', pattern: '/login', allowed: 1, limited: 0, refunded: 0 }, ...]
 * ```
 */
export class EndpointRateLimiter<S extends RateLimitStore = MemoryStore> {
  readonly #exact = new Map<string, Entry>();
  readonly #wildcards: Entry[] = [];
  readonly #entries: Entry[] = [];
  readonly #fallback: Entry;
  readonly #synchronous: boolean;
  readonly #clock: ClockReader;
  /** The entries counted for export: the default rule's only when the `default` option was given. */
  readonly #counted: Entry[];

  /**
   * @param options - rules, default rule, clock, store
   * @throws TypeError when an option is unknown (`windowMs`, `max`...) or has the wrong type
   * @throws RangeError when a pattern is not a path (optionally ending in `/*`), a rule's `rate`,
   *   `perSeconds` or `burst` is not a finite number > 0, or two rules share a name
   */
  constructor(options: EndpointRateLimiterOptions<S> = {}) {
    optionsObject(OWNER, options, [...OPTION_KEYS], RATE_LIMIT_OPTION_HINTS);
    this.#clock = new ClockReader(clockOption(OWNER, options.clock ?? systemClock));
    const rules = options.rules ?? DEFAULT_RATE_LIMITS;
    if (typeof rules !== 'object' || rules === null)
      fail(TypeError, OWNER, 'rules', 'an object of endpoint rules', rules);
    const shared = options.store === undefined ? undefined : storeOption(OWNER, options.store);
    const maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
    for (const [pattern, rule] of Object.entries(rules)) {
      const entry = makeEntry(
        checkPattern(pattern),
        checkRule(`rules[${JSON.stringify(pattern)}]`, rule),
        shared,
        maxKeys,
      );
      this.#entries.push(entry);
      if (pattern.endsWith('/*')) this.#wildcards.push(entry);
      else this.#exact.set(canonicalPath(pattern), entry);
    }
    this.#wildcards.sort((a, b) => b.pathPrefix.length - a.pathPrefix.length);
    this.#fallback = makeEntry(
      DEFAULT_RULE_NAME,
      checkRule('default', options.default ?? 'unlimited'),
      shared,
      maxKeys,
    );
    this.#entries.push(this.#fallback);
    checkClashes(this.#entries);
    this.#counted = options.default === undefined ? this.#entries.slice(0, -1) : this.#entries;
    this.#synchronous = shared === undefined || shared.synchronous;
  }

  /**
   * Admits or refuses one request from `clientId` to `endpoint`, and counts it.
   *
   * @param endpoint - the request's route or path, without query string (`/agents/plan`)
   * @param clientId - the client's key
   * @param options - the request's cost in tokens (a number, `0 < cost <= burst` of the matching
   *   rule, default 1), or `{ cost, nowMs }` when the caller has read the time already
   * @returns the decision with its rule (a Promise of it with an asynchronous store); on unlimited
   *   endpoints a constant decision with `limit` and `remaining` `Infinity`
   * @throws TypeError when `endpoint` or `clientId` is not a non-empty string
   * @throws RangeError when `cost` is not a finite number in `(0, burst]`, or `nowMs` (or the
   *   clock's reading) is not a finite number from 0 to 8.64e15
   */
  check(
    endpoint: string,
    clientId: string,
    options?: number | EndpointCheckOptions,
  ): StoreAnswer<S, EndpointDecision> {
    const entry = this.#lookUp(endpoint);
    if (typeof clientId !== 'string' || clientId.length === 0)
      nonEmptyString(OWNER, 'clientId', clientId);
    const cost =
      typeof options === 'object' && options !== null ? (options.cost ?? 1) : (options ?? 1);
    const buckets = entry.buckets;
    if (buckets === undefined) return this.#unlimited(entry, cost);
    const policy = buckets.policy;
    if (!isCost(cost, policy.capacity)) failCost(OWNER, 'cost', cost, policy.capacity);
    const nowMs = this.#nowMs(options);
    const key = buckets.keyPrefix === '' ? clientId : buckets.keyPrefix + clientId;
    const answer = buckets.store.consume(key, policy, cost, nowMs);
    if (this.#synchronous)
      return entry.decided(answer as RateLimitDecision, key, cost) as StoreAnswer<
        S,
        EndpointDecision
      >;
    return Promise.resolve(answer).then((decision) =>
      entry.decided(decision, key, cost),
    ) as StoreAnswer<S, EndpointDecision>;
  }

  /**
   * Gives the tokens of an admitted check back to its bucket (capped at the bucket's capacity), as
   * if the request had not been made: for requests that should not count, such as successful
   * logins. Does nothing for a refused check or an unlimited rule.
   *
   * @param decision - the decision `check` returned
   * @returns nothing, or a Promise settled once the store has given the tokens back
   * @throws TypeError when the store cannot give tokens back (it has no `refund` method)
   */
  refund(decision: EndpointDecision): StoreAnswer<S, void> {
    const entry = this.#entryOf(decision);
    const buckets = entry?.buckets;
    if (entry === undefined || buckets === undefined || !decision.allowed)
      return (this.#synchronous ? undefined : Promise.resolve()) as StoreAnswer<S, void>;
    const store = buckets.store;
    if (typeof store.refund !== 'function')
      throw new TypeError(
        `${OWNER}: the store cannot give tokens back (it has no \`refund\` method).`,
      );
    entry.refunded += 1;
    const answer = store.refund(decision.key, buckets.policy, decision.cost);
    return (
      this.#synchronous ? undefined : Promise.resolve(answer).then(() => undefined)
    ) as StoreAnswer<S, void>;
  }

  #entryOf(decision: EndpointDecision): Entry | undefined {
    for (const entry of this.#entries) if (entry.match === decision.rule) return entry;
    return undefined;
  }

  #nowMs(options: number | EndpointCheckOptions | undefined): number {
    const given = typeof options === 'object' && options !== null ? options.nowMs : undefined;
    if (given === undefined) return this.#clock.nowMs(OWNER);
    return Math.floor(clockReading(`${OWNER}.check`, given));
  }

  #unlimited(entry: Entry, cost: unknown): StoreAnswer<S, EndpointDecision> {
    if (typeof cost !== 'number' || !(cost > 0 && cost < Infinity))
      failCost(OWNER, 'cost', cost, Infinity);
    entry.allowed += 1;
    return (this.#synchronous ? entry.unlimited : Promise.resolve(entry.unlimited)) as StoreAnswer<
      S,
      EndpointDecision
    >;
  }

  /**
   * The rule `endpoint` resolves to, for headers and 429 bodies (`perSeconds` is the window).
   *
   * @param endpoint - the request's route or path
   * @throws TypeError when `endpoint` is not a non-empty string
   */
  match(endpoint: string): EndpointRuleMatch {
    return this.#lookUp(endpoint).match;
  }

  /** Every rule in order, `'default'` last. */
  rules(): EndpointRuleMatch[] {
    return this.#entries.map((entry) => entry.match);
  }

  /**
   * Allowed, limited and refunded checks per rule since creation, in rule order, ready for export as
   * counters (`greenslo_rate_limit_decisions_total{rule, outcome}`, where `rule` is the rule's name).
   * The `'default'` rule comes last, and only when the `default` option was given: without it,
   * requests no pattern matches are not counted, so no phantom `rule="default"` series appears.
   */
  decisionCounts(): EndpointDecisionCount[] {
    return this.#counted.map(({ match, allowed, limited, refunded }) => ({
      rule: match.name,
      pattern: match.pattern,
      allowed,
      limited,
      refunded,
    }));
  }

  /**
   * The figures of each rule's own `MemoryStore` (size, `evictedActiveBuckets`, ...), in rule order;
   * empty when a shared `store` was given (read its own figures instead). A growing
   * `evictedActiveBuckets` means `maxKeys` is too small for the clients active at once.
   */
  storeStats(): EndpointStoreStats[] {
    const stats: EndpointStoreStats[] = [];
    for (const { match, buckets } of this.#entries) {
      if (buckets !== undefined && buckets.keyPrefix === '' && buckets.store instanceof MemoryStore)
        stats.push({ rule: match.name, ...buckets.store.stats() });
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
    if (clientId !== undefined) nonEmptyString(OWNER, 'clientId', clientId);
    const answers = this.#entries.map(({ buckets }) => {
      if (buckets === undefined) return undefined;
      return clientId === undefined
        ? buckets.store.clear(buckets.keyPrefix)
        : buckets.store.reset(buckets.keyPrefix + clientId);
    });
    if (this.#synchronous) return undefined as StoreAnswer<S, void>;
    return Promise.all(answers.map((answer) => Promise.resolve(answer))).then(
      () => undefined,
    ) as StoreAnswer<S, void>;
  }

  #lookUp(endpoint: string): Entry {
    if (typeof endpoint !== 'string' || endpoint.length === 0)
      nonEmptyString(OWNER, 'endpoint', endpoint);
    const exact = this.#exact.get(endpoint);
    if (exact !== undefined) return exact;
    // Express and Koa route `/Agents/Plan/` to `/agents/plan` by default: so must the limits.
    const path = canonicalPath(endpoint);
    const canonical = path === endpoint ? undefined : this.#exact.get(path);
    if (canonical !== undefined) return canonical;
    for (const entry of this.#wildcards) {
      const prefix = entry.pathPrefix;
      if (
        path.startsWith(prefix) &&
        (path.length === prefix.length || path.charCodeAt(prefix.length) === SLASH)
      )
        return entry;
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

/**
 * The decision of an unlimited rule. Its fields come in another order than a checked decision's,
 * so that V8 gives the two different layouts: one layout holding `Infinity` would make `limit` and
 * `remaining` boxed doubles in every checked decision, one extra allocation each.
 */
function unlimitedDecision(match: EndpointRuleMatch): EndpointDecision {
  return Object.freeze({
    rule: match,
    key: '',
    cost: 0,
    retryAfterMs: 0,
    resetAtMs: 0,
    remaining: Infinity,
    limit: Infinity,
    allowed: true,
  });
}

function makeEntry(
  pattern: string,
  rule: ResolvedRateLimitRule | 'unlimited',
  shared: RateLimitStore | undefined,
  maxKeys: number,
): Entry {
  const name = rule === 'unlimited' ? pattern : rule.name === '' ? pattern : rule.name;
  const resolved = rule === 'unlimited' ? rule : Object.freeze({ ...rule, name });
  const fields =
    rule === 'unlimited'
      ? undefined
      : new RateLimitPolicyFields({
          limit: rule.burst,
          windowSeconds: rule.perSeconds,
          policy: name,
        });
  const match: EndpointRuleMatch = Object.freeze({ pattern, name, rule: resolved, fields });
  if (rule === 'unlimited') return new Entry(match, undefined);
  const policy = bucketPolicy(
    OWNER,
    'burst',
    rule.burst,
    rule.rate,
    rule.perSeconds * MS_PER_SECOND,
  );
  const store = shared ?? new MemoryStore({ maxKeys });
  return new Entry(match, { policy, store, keyPrefix: shared === undefined ? '' : `${pattern} ` });
}

/** Refuses two rules that match the same paths, or share a name. */
function checkClashes(entries: readonly Entry[]): void {
  const byPath = new Map<string, string>();
  const byName = new Map<string, string>();
  for (const { match } of entries) {
    const { pattern, name } = match;
    const path = canonicalPath(pattern);
    const samePath = byPath.get(path);
    const other = samePath ?? byName.get(name);
    if (other !== undefined)
      throw new RangeError(
        `${OWNER}: the rules for ${describeValue(other)} and ${describeValue(pattern)} ${samePath === undefined ? `share the name ${describeValue(name)}` : 'match the same paths (case and trailing slashes are ignored)'}.`,
      );
    byPath.set(path, pattern);
    byName.set(name, pattern);
  }
}

function checkPattern(pattern: string): string {
  const path = pattern.endsWith('/*') ? pattern.slice(0, -1) : pattern;
  if (pattern.startsWith('/') && !/[\s*]/.test(path)) return pattern;
  return fail(
    RangeError,
    OWNER,
    'rules',
    'keyed by paths like "/a/b" or "/a/*" (no spaces)',
    pattern,
  );
}

function checkRule(name: string, rule: unknown): ResolvedRateLimitRule | 'unlimited' {
  if (rule === 'unlimited') return rule;
  if (typeof rule !== 'object' || rule === null) {
    const Kind = typeof rule === 'string' ? RangeError : TypeError;
    fail(Kind, OWNER, name, "{ rate, perSeconds, burst?, name? } or 'unlimited'", rule);
  }
  optionsObject(
    `${OWNER}: \`${name}\``,
    rule,
    RULE_KEYS as (keyof object)[],
    RATE_LIMIT_OPTION_HINTS,
  );
  const { rate, perSeconds, burst, name: policyName } = rule as Partial<RateLimitRule>;
  const checkedRate = positiveNumber(OWNER, `${name}.rate`, rate);
  return Object.freeze({
    rate: checkedRate,
    perSeconds: positiveNumber(OWNER, `${name}.perSeconds`, perSeconds),
    burst: positiveNumber(OWNER, `${name}.burst`, burst ?? checkedRate),
    name: policyName === undefined ? '' : printableName(`${name}.name`, policyName),
  });
}

function printableName(name: string, value: unknown): string {
  const text = nonEmptyString(OWNER, name, value);
  if (/^[\x20-\x7e]+$/.test(text)) return text;
  return fail(RangeError, OWNER, name, 'printable ASCII', text);
}
