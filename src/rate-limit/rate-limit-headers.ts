/**
 * HTTP rate-limit header fields: legacy `X-RateLimit-*`, `Retry-After`, and the IETF httpapi draft's
 * `RateLimit` and `RateLimit-Policy`.
 */
import { systemClock } from '../core/clock.js';
import {
  fail,
  finiteNumber,
  nonNegativeNumber,
  oneOf,
  optionsObject,
  positiveNumber,
} from '../core/validate.js';

const OWNER = 'getRateLimitHeaders';
const MS_PER_SECOND = 1000;
/** Structured-field integers have at most 15 digits (RFC 9651). */
const MAX_FIELD_INTEGER = 999_999_999_999_999;
/** `Retry-After` is clamped to 12 digits (about 31,700 years), so that it is always a plain integer. */
const MAX_RETRY_AFTER_SECONDS = 999_999_999_999;

/** Which header fields `getRateLimitHeaders` writes. */
export type RateLimitHeaderStandard = 'legacy' | 'draft' | 'both';

/**
 * Header fields written unless told otherwise: legacy and draft.
 *
 * @defaultValue 'both'
 */
export const DEFAULT_HEADER_STANDARD: RateLimitHeaderStandard = 'both';

/**
 * Policy name used in the draft fields unless told otherwise.
 *
 * @defaultValue 'default'
 */
export const DEFAULT_POLICY_NAME = 'default';

/**
 * Input of {@link getRateLimitHeaders}. The fields of a `RateLimitDecision` fit it directly:
 * `getRateLimitHeaders({ ...decision, windowSeconds: 60 })`.
 */
export interface RateLimitHeaderOptions {
  /** Quota: the bucket's capacity. `Infinity` (an unlimited endpoint) yields no fields at all. */
  readonly limit: number;
  /** Whole tokens left; written rounded down. */
  readonly remaining: number;
  /** Epoch milliseconds at which the bucket is full again. */
  readonly resetAtMs: number;
  /**
   * Seconds until the client may retry; given and > 0 means the request was limited, which adds
   * `Retry-After`. Rounded up to whole seconds.
   */
  readonly retryAfterSeconds?: number;
  /** From a decision: when `false` and `retryAfterSeconds` is absent, the request counts as limited. */
  readonly allowed?: boolean;
  /** From a decision: milliseconds until the client may retry, used when `retryAfterSeconds` is absent. */
  readonly retryAfterMs?: number;
  /** The policy's window in seconds (the limiter's `perSeconds`), written as `w`; rounded up. */
  readonly windowSeconds?: number;
  /** Policy name in the draft fields: printable ASCII; defaults to {@link DEFAULT_POLICY_NAME}. */
  readonly policy?: string;
  /** Which fields to write; defaults to {@link DEFAULT_HEADER_STANDARD}. */
  readonly standard?: RateLimitHeaderStandard;
  /** The time of the response, epoch milliseconds, to compute `t`; defaults to `systemClock.nowMs()`. */
  readonly nowMs?: number;
  /**
   * From an `EndpointRateLimiter` decision: its rule, whose name and window are used when `policy`
   * and `windowSeconds` are not given.
   */
  readonly rule?: {
    /** The rule's name, written as the policy name. */
    readonly name: string;
    /** The rule itself: its window in seconds, or `'unlimited'`. */
    readonly rule:
      | {
          /** Length of the rule's window in seconds. */
          readonly perSeconds: number;
        }
      | 'unlimited';
  };
  /** From an `EndpointRateLimiter` decision: ignored. */
  readonly key?: string;
  /** From an `EndpointRateLimiter` decision: ignored. */
  readonly cost?: number;
}

const OPTION_KEYS: readonly (keyof RateLimitHeaderOptions)[] = [
  'limit',
  'remaining',
  'resetAtMs',
  'retryAfterSeconds',
  'allowed',
  'retryAfterMs',
  'windowSeconds',
  'policy',
  'standard',
  'nowMs',
  'rule',
  'key',
  'cost',
];

/**
 * Builds the rate-limit header fields of a response, as a plain object usable with Express
 * `res.set`, Koa `ctx.set` or `new Headers(...)`.
 *
 * - `legacy`: `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset`, the last one
 *   in **epoch seconds** (rounded up), as express-rate-limit sends it (some proxies send
 *   seconds-until instead).
 * - `draft` (draft-ietf-httpapi-ratelimit-headers-10, RFC 9651 lists):
 *   `RateLimit: "default";r=42;t=23` and `RateLimit-Policy: "default";q=60;w=60`. `t` is the whole
 *   seconds until the bucket is full again; on a limited response it is the `Retry-After` value, so
 *   both name the same moment.
 * - `Retry-After` (integer seconds, rounded up) only on limited responses, whatever the standard.
 *
 * @param options - the decision's figures, window, policy name, standard and time
 * @returns header names to values; empty when `limit` is `Infinity`
 * @throws TypeError when an option has the wrong type
 * @throws RangeError when a number is negative or not finite, `standard` is unknown, or `policy` has
 *   characters outside printable ASCII
 * @example
 * ```ts
 * getRateLimitHeaders({ limit: 60, remaining: 0, resetAtMs: 1_060_000, retryAfterSeconds: 1, windowSeconds: 60, nowMs: 1_000_000 });
 * // { 'X-RateLimit-Limit': '60', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '1060',
 * //   'Retry-After': '1', RateLimit: '"default";r=0;t=1', 'RateLimit-Policy': '"default";q=60;w=60' }
 * ```
 */
export function getRateLimitHeaders(options: RateLimitHeaderOptions): Record<string, string> {
  optionsObject(OWNER, options, OPTION_KEYS as (keyof RateLimitHeaderOptions)[]);
  const limit = nonNegativeLimit(options.limit);
  if (limit === Infinity) return {};
  const rule = options.rule;
  const windowSeconds =
    options.windowSeconds ?? (typeof rule?.rule === 'object' ? rule.rule.perSeconds : undefined);
  const fields = new RateLimitPolicyFields({
    limit,
    windowSeconds,
    policy: options.policy ?? rule?.name,
  });
  const standard = oneOf(OWNER, 'standard', options.standard ?? DEFAULT_HEADER_STANDARD, [
    'legacy',
    'draft',
    'both',
  ]);
  const figures: RateLimitFigures = {
    remaining: nonNegativeNumber(OWNER, 'remaining', options.remaining),
    resetAtMs: finiteNumber(OWNER, 'resetAtMs', options.resetAtMs),
    retryAfterMs: retrySeconds(options) * MS_PER_SECOND,
  };
  // The time is read (and checked) only for the draft fields' `t`.
  const nowMs =
    standard === 'legacy' ? 0 : finiteNumber(OWNER, 'nowMs', options.nowMs ?? systemClock.nowMs());
  return figures.retryAfterMs > 0
    ? fields.refused(figures, nowMs, standard)
    : fields.admitted(figures, nowMs, standard);
}

/** The figures of one response that the header fields show, as a `RateLimitDecision` holds them. */
export interface RateLimitFigures {
  /** Whole tokens left, >= 0 (written rounded down, at most the quota). */
  readonly remaining: number;
  /** Epoch milliseconds at which the bucket is full again. */
  readonly resetAtMs: number;
  /** Milliseconds until the client may retry; > 0 adds `Retry-After` (rounded up to seconds). */
  readonly retryAfterMs: number;
}

/**
 * The fields of one rate-limit policy that never change, checked and serialized once (the quota,
 * the quoted name, the whole `RateLimit-Policy` value), and the header fields of each response,
 * built in one object literal. `EndpointRateLimiter` makes one per rule; each decision carries its
 * rule's.
 *
 * @example
 * ```ts
 * const fields = new RateLimitPolicyFields({ limit: 60, windowSeconds: 60, policy: 'embed' });
 * fields.admitted({ remaining: 42, resetAtMs: 1_023_000, retryAfterMs: 0 }, 1_000_000, 'draft');
 * // { RateLimit: '"embed";r=42;t=23', 'RateLimit-Policy': '"embed";q=60;w=60' }
 * ```
 */
export class RateLimitPolicyFields {
  // Set in the constructor, so `declare`d: bundles then carry no field declarations for them.
  /** The quota written, a whole number. */
  declare readonly limit: number;
  /** The quota as written in `X-RateLimit-Limit`. */
  declare readonly limitText: string;
  /** The policy name as an RFC 9651 string, quotes included. */
  declare readonly quotedName: string;
  /** The whole `RateLimit-Policy` value (`"embed";q=60;w=60`). */
  declare readonly policyField: string;

  /**
   * @param policy - the quota, window and policy name
   * @throws TypeError when an option has the wrong type
   * @throws RangeError when `limit` is negative or not finite, `windowSeconds` is not > 0, or
   *   `policy` has characters outside printable ASCII
   */
  constructor(policy: RateLimitHeaderPolicy) {
    this.limit = Math.floor(nonNegativeNumber(OWNER, 'limit', policy.limit));
    if (this.limit === Infinity) fail(RangeError, OWNER, 'limit', 'finite', Infinity);
    this.limitText = String(this.limit);
    this.quotedName = quotedString(policy.policy ?? DEFAULT_POLICY_NAME);
    const window =
      policy.windowSeconds === undefined
        ? ''
        : `;w=${fieldInteger(Math.ceil(positiveNumber(OWNER, 'windowSeconds', policy.windowSeconds)))}`;
    this.policyField = `${this.quotedName};q=${fieldInteger(this.limit)}${window}`;
  }

  /**
   * The fields of an admitted response: `X-RateLimit-Limit`, `-Remaining` and `-Reset` (epoch
   * seconds) with `legacy`, `RateLimit` and `RateLimit-Policy` with `draft`, all five with `both`.
   * `t` is the whole seconds until the bucket is full again.
   *
   * @param figures - the response's figures, already checked finite and >= 0
   * @param nowMs - the time of the response, epoch milliseconds
   * @param standard - which fields to write
   */
  admitted(
    figures: RateLimitFigures,
    nowMs: number,
    standard: RateLimitHeaderStandard,
  ): Record<string, string> {
    return this.#fields(figures, Math.ceil((figures.resetAtMs - nowMs) / MS_PER_SECOND), standard);
  }

  /**
   * The fields of a refused response: those of {@link RateLimitPolicyFields.admitted} (none with
   * `'none'`) and `Retry-After`, whole seconds rounded up, at most 999,999,999,999; `t` is the
   * `Retry-After` value, so that both name the same moment. Without a wait (`retryAfterMs` 0), as
   * admitted.
   *
   * @param figures - the response's figures, already checked finite and >= 0
   * @param nowMs - the time of the response, epoch milliseconds
   * @param standard - which fields to write besides `Retry-After`
   */
  refused(
    figures: RateLimitFigures,
    nowMs: number,
    standard: RateLimitHeaderStandard | 'none',
  ): Record<string, string> {
    const retrySeconds = Math.min(
      Math.ceil(figures.retryAfterMs / MS_PER_SECOND),
      MAX_RETRY_AFTER_SECONDS,
    );
    if (!(retrySeconds > 0))
      return standard === 'none' ? {} : this.admitted(figures, nowMs, standard);
    // In the seed's order: the legacy fields, `Retry-After`, the draft fields.
    const legacy = standard === 'legacy' || standard === 'both';
    const headers = legacy ? this.#fields(figures, retrySeconds, 'legacy') : {};
    headers['Retry-After'] = String(retrySeconds);
    if (standard === 'draft' || standard === 'both')
      Object.assign(headers, this.#fields(figures, retrySeconds, 'draft'));
    return headers;
  }

  /** The fields of `standard`, each set in one literal, with `t` = `seconds`. */
  #fields(
    figures: RateLimitFigures,
    seconds: number,
    standard: RateLimitHeaderStandard,
  ): Record<string, string> {
    const whole = Math.min(this.limit, Math.floor(figures.remaining));
    const draft =
      standard === 'legacy'
        ? ''
        : `${this.quotedName};r=${fieldInteger(whole)};t=${fieldInteger(Math.max(0, seconds))}`;
    if (standard === 'draft') return { RateLimit: draft, 'RateLimit-Policy': this.policyField };
    const remaining = String(whole);
    const reset = String(Math.ceil(figures.resetAtMs / MS_PER_SECOND));
    if (standard === 'legacy')
      return {
        'X-RateLimit-Limit': this.limitText,
        'X-RateLimit-Remaining': remaining,
        'X-RateLimit-Reset': reset,
      };
    return {
      'X-RateLimit-Limit': this.limitText,
      'X-RateLimit-Remaining': remaining,
      'X-RateLimit-Reset': reset,
      RateLimit: draft,
      'RateLimit-Policy': this.policyField,
    };
  }
}

/** The fixed figures of one rate-limit policy, as {@link RateLimitPolicyFields} takes them. */
export interface RateLimitHeaderPolicy {
  /** Quota: the bucket's capacity, finite; written rounded down. */
  readonly limit: number;
  /** The policy's window in seconds, written as `w`; rounded up. Omitted when `undefined`. */
  readonly windowSeconds?: number | undefined;
  /** Policy name in the draft fields; defaults to {@link DEFAULT_POLICY_NAME}. */
  readonly policy?: string | undefined;
}

/** Whole seconds to wait (rounded up), or 0 when the request was not limited. */
function retrySeconds(options: RateLimitHeaderOptions): number {
  if (options.retryAfterSeconds !== undefined)
    return Math.ceil(nonNegativeNumber(OWNER, 'retryAfterSeconds', options.retryAfterSeconds));
  if (options.allowed !== false || options.retryAfterMs === undefined) return 0;
  return Math.ceil(nonNegativeNumber(OWNER, 'retryAfterMs', options.retryAfterMs) / MS_PER_SECOND);
}

function nonNegativeLimit(limit: number): number {
  if (limit === Infinity) return limit;
  return Math.floor(nonNegativeNumber(OWNER, 'limit', limit));
}

function fieldInteger(value: number): number {
  return Math.min(value, MAX_FIELD_INTEGER);
}

/**
 * Serializes `text` as an RFC 9651 sf-string: in double quotes, with `"` and `\` escaped by a
 * backslash.
 *
 * @throws TypeError when `text` is not a string
 * @throws RangeError when `text` holds a character outside printable ASCII (0x20–0x7E)
 */
function quotedString(text: string): string {
  if (typeof text !== 'string' || !/^[\x20-\x7e]*$/.test(text)) {
    const Kind = typeof text === 'string' ? RangeError : TypeError;
    fail(Kind, OWNER, 'policy', 'a string of printable ASCII', text);
  }
  return `"${text.replace(/["\\]/g, '\\$&')}"`;
}
