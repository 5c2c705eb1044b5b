/**
 * Option validation shared by every class. Each helper returns the value it checked, typed, or throws
 * a `TypeError` (wrong type) or `RangeError` (NaN, infinite or out of range) whose message names the
 * owner, the option and the value received:
 * ``TokenBucket: `capacity` must be a finite number > 0, got NaN.``
 *
 * Internal module: its names are not part of the public API unless an entry exports them.
 */

/** Renders a received value for an error message: strings quoted, numbers as written. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  return `an ${typeof value}`;
}

/**
 * Throws the standard error of an option: ``owner: `name` must be rule, got value.``
 *
 * @param Kind - `TypeError` for a value of the wrong type, `RangeError` for one out of range
 * @param owner - the class or function named in the error
 * @param name - the option
 * @param rule - what the option must be (`'a finite number > 0'`)
 * @param value - the value received
 */
export function fail(
  Kind: typeof TypeError | typeof RangeError,
  owner: string,
  name: string,
  rule: string,
  value: unknown,
): never {
  throw new Kind(`${owner}: \`${name}\` must be ${rule}, got ${describeValue(value)}.`);
}

/** A finite number that `inRange` accepts; `rule` says which in the error message. */
export function checkNumber(
  owner: string,
  name: string,
  value: unknown,
  rule: string,
  inRange: (n: number) => boolean,
): number {
  if (typeof value !== 'number') fail(TypeError, owner, name, rule, value);
  if (!Number.isFinite(value) || !inRange(value)) fail(RangeError, owner, name, rule, value);
  return value;
}

/** Any finite number. */
export function finiteNumber(owner: string, name: string, value: unknown): number {
  return checkNumber(owner, name, value, 'a finite number', () => true);
}

/** A finite number greater than 0. */
export function positiveNumber(owner: string, name: string, value: unknown): number {
  return checkNumber(owner, name, value, 'a finite number > 0', (n) => n > 0);
}

/** A finite number greater than or equal to 0. */
export function nonNegativeNumber(owner: string, name: string, value: unknown): number {
  return checkNumber(owner, name, value, 'a finite number >= 0', (n) => n >= 0);
}

/** A finite number from `min` to `max`, both included. */
export function numberInRange(
  owner: string,
  name: string,
  value: unknown,
  min: number,
  max: number,
): number {
  return checkNumber(
    owner,
    name,
    value,
    `a finite number from ${min} to ${max}`,
    (n) => n >= min && n <= max,
  );
}

/** An integer greater than or equal to `min` (a safe integer, so never Infinity). */
export function integerAtLeast(owner: string, name: string, value: unknown, min: number): number {
  return checkNumber(
    owner,
    name,
    value,
    `an integer >= ${min}`,
    (n) => Number.isSafeInteger(n) && n >= min,
  );
}

/** A string with at least one character. */
export function nonEmptyString(owner: string, name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0)
    fail(TypeError, owner, name, 'a non-empty string', value);
  return value;
}

/** One of a fixed set of strings. */
export function oneOf<const T extends string>(
  owner: string,
  name: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value))
    return value as T;
  const rule = `one of ${allowed.map((item) => `'${item}'`).join(', ')}`;
  return fail(typeof value === 'string' ? RangeError : TypeError, owner, name, rule, value);
}

/** A function; `undefined` is accepted when the option is optional and returns `undefined`. */
export function optionalFunction<T extends (...args: never[]) => unknown>(
  owner: string,
  name: string,
  value: T | undefined,
): T | undefined {
  if (value !== undefined && typeof value !== 'function')
    fail(TypeError, owner, name, 'a function', value);
  return value;
}

/** An object with a `nowMs()` method. */
export function clockOption<T extends { nowMs(): number }>(owner: string, value: T): T {
  if (typeof value !== 'object' || value === null || typeof value.nowMs !== 'function') {
    fail(TypeError, owner, 'clock', 'an object with a nowMs() method', value);
  }
  return value;
}

/** The largest epoch millisecond a clock may return: the last instant a `Date` can hold. */
export const MAX_CLOCK_MS = 8.64e15;

/**
 * Checks one clock reading where it was read: a finite number from 0 to {@link MAX_CLOCK_MS}.
 * Cheap on the hot path (one comparison chain); the message is built only on failure.
 *
 * @param owner - the class or method named in the error (`'SLOTracker.record'`)
 * @param nowMs - the reading to check
 * @returns `nowMs`, unchanged
 * @throws RangeError (TypeError for a non-number) naming `clock.nowMs()` and the value received
 */
export function clockReading(owner: string, nowMs: number): number {
  if (nowMs >= 0 && nowMs <= MAX_CLOCK_MS) return nowMs;
  const Kind = typeof nowMs === 'number' ? RangeError : TypeError;
  throw new Kind(
    `${owner}: \`clock.nowMs()\` must return a finite number from 0 to ${MAX_CLOCK_MS}, got ${describeValue(nowMs)}.`,
  );
}

/** Names other libraries use for an option, and what to use here instead. */
export type OptionHints = Readonly<Record<string, string>>;

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length]!;
}

function unknownKeyHint(
  key: string,
  known: readonly string[],
  hints: OptionHints | undefined,
): string {
  const hint = hints?.[key];
  if (hint !== undefined) return ` (${hint})`;
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 4)) + 1;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best === undefined ? '' : ` (did you mean \`${best}\`?)`;
}

/**
 * Refuses an options object holding a key the owner does not know, so that a misspelt or foreign
 * option (`windowMs`, `max`) is never silently ignored. Call it before checking required options:
 * an unknown key usually explains a missing one. Keys whose value is `undefined` are refused too.
 *
 * @param owner - the class or function named in the error
 * @param options - the options object as received (already known to be an object)
 * @param known - every key the owner accepts
 * @param hints - what to use instead of other libraries' names, keyed by the foreign name
 * @throws TypeError naming every unknown key, each with a hint or the closest known key
 * @example
 * ```ts
 * rejectUnknownKeys('RateLimiter', options, ['rate', 'perSeconds', 'burst', 'clock', 'store', 'maxKeys'], {
 *   windowMs: 'use `perSeconds`, in seconds',
 * });
 * ```
 */
export function rejectUnknownKeys(
  owner: string,
  options: object,
  known: readonly string[],
  hints?: OptionHints,
): void {
  let unknown: string[] | undefined;
  for (const key in options) {
    if (!known.includes(key))
      (unknown ??= []).push(`\`${key}\` is not an option${unknownKeyHint(key, known, hints)}`);
  }
  if (unknown === undefined) return;
  const rest = `known options are ${known.map((name) => `\`${name}\``).join(', ')}`;
  throw new TypeError(`${owner}: ${unknown.join('; ')}; ${rest}.`);
}

/**
 * Checks an options object as received: an object (not null, not an array) holding only known keys.
 * Call it first in a constructor, before any option is read, so that unknown keys are reported
 * before missing required ones.
 *
 * @param owner - the class or function named in the error
 * @param options - the options as received
 * @param known - every key the owner accepts
 * @param hints - what to use instead of other libraries' names (see {@link rejectUnknownKeys})
 * @returns `options`, typed
 * @throws TypeError when `options` is not an object, or names every unknown key
 */
export function optionsObject<T extends object>(
  owner: string,
  options: T,
  known: readonly (keyof T & string)[],
  hints?: OptionHints,
): T {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${owner}: options must be an object, got ${describeValue(options)}.`);
  }
  rejectUnknownKeys(owner, options, known, hints);
  return options;
}

/** Hints for option names of express-rate-limit, rate-limiter-flexible and @fastify/rate-limit. */
export const RATE_LIMIT_OPTION_HINTS: OptionHints = Object.freeze({
  windowMs: 'use `perSeconds`, the window in seconds',
  timeWindow: 'use `perSeconds`, the window in seconds',
  duration: 'use `perSeconds`, the window in seconds',
  max: 'use `rate`, requests per window, and `burst`',
  limit: 'use `rate`, requests per window',
  points: 'use `rate`, requests per window',
  keyGenerator: 'use `clientKey`',
  standardHeaders: 'use `headers`',
  legacyHeaders: 'use `headers`',
});
