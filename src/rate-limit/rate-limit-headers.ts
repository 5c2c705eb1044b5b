/**
 * HTTP rate-limit header fields: legacy `X-RateLimit-*`, `Retry-After`, and the IETF httpapi draft's
 * `RateLimit` and `RateLimit-Policy`.
 */
import { systemClock } from '../core/clock.js';
import { describeValue, finiteNumber, nonNegativeNumber, oneOf, positiveNumber } from '../core/validate.js';

const OWNER = 'getRateLimitHeaders';
const MS_PER_SECOND = 1000;
/** Structured-field integers have at most 15 digits (RFC 9651). */
const MAX_FIELD_INTEGER = 999_999_999_999_999;

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
}

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
  const limit = nonNegativeLimit(options.limit);
  if (limit === Infinity) return {};
  const writer = new RateLimitHeaderWriter({ limit, windowSeconds: options.windowSeconds, policy: options.policy, standard: options.standard });
  const remaining = nonNegativeNumber(OWNER, 'remaining', options.remaining);
  const resetAtMs = finiteNumber(OWNER, 'resetAtMs', options.resetAtMs);
  const retryAfterSeconds = retrySeconds(options);
  const nowMs = writer.writesDraft ? finiteNumber(OWNER, 'nowMs', options.nowMs ?? systemClock.nowMs()) : 0;
  return writer.write(remaining, resetAtMs, retryAfterSeconds, nowMs);
}

/** The fixed figures of one rate-limit policy, as {@link RateLimitHeaderWriter} takes them. */
export interface RateLimitHeaderPolicy {
  /** Quota: the bucket's capacity, finite; written rounded down. */
  readonly limit: number;
  /** The policy's window in seconds, written as `w`; rounded up. Omitted when `undefined`. */
  readonly windowSeconds?: number | undefined;
  /** Policy name in the draft fields; defaults to {@link DEFAULT_POLICY_NAME}. */
  readonly policy?: string | undefined;
  /** Which fields to write; defaults to {@link DEFAULT_HEADER_STANDARD}. */
  readonly standard?: RateLimitHeaderStandard | undefined;
}

/**
 * Writes the rate-limit header fields of one policy, response after response: the parts that never
 * change (the quota, `RateLimit-Policy`, the quoted policy name) are checked and formatted once, so
 * each response costs only its own figures. It writes exactly what {@link getRateLimitHeaders}
 * writes for the same figures; adapters and custom integrations use it on their hot path.
 *
 * @example
 * ```ts
 * const writer = new RateLimitHeaderWriter({ limit: 60, windowSeconds: 60, standard: 'draft' });
 * writer.write(42, 1_023_000, 0, 1_000_000);
 * // { RateLimit: '"default";r=42;t=23', 'RateLimit-Policy': '"default";q=60;w=60' }
 * ```
 */
export class RateLimitHeaderWriter {
  /** The quota written, a whole number. */
  readonly limit: number;
  /** Whether the draft fields are written, which need the time of the response. */
  readonly writesDraft: boolean;
  readonly #writesLegacy: boolean;
  readonly #limitText: string;
  readonly #quotedName: string;
  readonly #policyField: string;

  /**
   * @param policy - the quota, window, policy name and standard
   * @throws TypeError when an option has the wrong type
   * @throws RangeError when `limit` is negative or not finite, `windowSeconds` is not > 0,
   *   `standard` is unknown, or `policy` has characters outside printable ASCII
   */
  constructor(policy: RateLimitHeaderPolicy) {
    this.limit = Math.floor(nonNegativeNumber(OWNER, 'limit', policy.limit));
    const standard = oneOf(OWNER, 'standard', policy.standard ?? DEFAULT_HEADER_STANDARD, ['legacy', 'draft', 'both']);
    this.#writesLegacy = standard !== 'draft';
    this.writesDraft = standard !== 'legacy';
    this.#limitText = String(this.limit);
    this.#quotedName = quotedString(policy.policy ?? DEFAULT_POLICY_NAME);
    const window = policy.windowSeconds === undefined ? '' : `;w=${fieldInteger(Math.ceil(positiveNumber(OWNER, 'windowSeconds', policy.windowSeconds)))}`;
    this.#policyField = `${this.#quotedName};q=${fieldInteger(this.limit)}${window}`;
  }

  /**
   * The header fields of one response.
   *
   * @param remaining - whole tokens left, >= 0 (rounded down, at most the limit)
   * @param resetAtMs - epoch milliseconds at which the bucket is full again
   * @param retryAfterSeconds - seconds until the client may retry; > 0 adds `Retry-After` (rounded up)
   * @param nowMs - the time of the response, epoch milliseconds, for the draft's `t`
   * @returns header names to values, in the order {@link getRateLimitHeaders} gives them
   */
  write(remaining: number, resetAtMs: number, retryAfterSeconds: number, nowMs: number): Record<string, string> {
    const whole = Math.min(this.limit, Math.floor(remaining));
    const retrySeconds = Math.ceil(retryAfterSeconds);
    const headers: Record<string, string> = {};
    if (this.#writesLegacy) {
      headers['X-RateLimit-Limit'] = this.#limitText;
      headers['X-RateLimit-Remaining'] = String(whole);
      headers['X-RateLimit-Reset'] = String(Math.ceil(resetAtMs / MS_PER_SECOND));
    }
    if (retrySeconds > 0) headers['Retry-After'] = String(retrySeconds);
    if (!this.writesDraft) return headers;
    // `t` of a limited response is its Retry-After, so that both name the same moment.
    const seconds = retrySeconds > 0 ? retrySeconds : Math.max(0, Math.ceil((resetAtMs - nowMs) / MS_PER_SECOND));
    headers.RateLimit = `${this.#quotedName};r=${fieldInteger(whole)};t=${fieldInteger(seconds)}`;
    headers['RateLimit-Policy'] = this.#policyField;
    return headers;
  }
}

/** Whole seconds to wait (rounded up), or 0 when the request was not limited. */
function retrySeconds(options: RateLimitHeaderOptions): number {
  if (options.retryAfterSeconds !== undefined) return Math.ceil(nonNegativeNumber(OWNER, 'retryAfterSeconds', options.retryAfterSeconds));
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
  if (typeof text !== 'string') throw new TypeError(`${OWNER}: \`policy\` must be a string of printable ASCII, got ${describeValue(text)}.`);
  let quoted = '"';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code > 0x7e) throw new RangeError(`${OWNER}: \`policy\` must be a string of printable ASCII, got ${describeValue(text)}.`);
    quoted += code === 0x22 || code === 0x5c ? `\\${text[i]}` : text[i];
  }
  return `${quoted}"`;
}
