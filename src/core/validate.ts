/**
 * Option validation shared by every class. Each helper returns the value it checked, typed, or throws
 * a `TypeError` (wrong type) or `RangeError` (NaN, infinite or out of range) whose message names the
 * owner, the option and the value received:
 * ``TokenBucket: `capacity` must be a finite number > 0, got NaN.``
 *
 * @internal
 */

/** Renders a received value for an error message: strings quoted, numbers as written. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  return `an ${typeof value}`;
}

function fail(Kind: typeof TypeError | typeof RangeError, owner: string, name: string, rule: string, value: unknown): never {
  throw new Kind(`${owner}: \`${name}\` must be ${rule}, got ${describeValue(value)}.`);
}

function checkNumber(owner: string, name: string, value: unknown, rule: string, inRange: (n: number) => boolean): number {
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
export function numberInRange(owner: string, name: string, value: unknown, min: number, max: number): number {
  return checkNumber(owner, name, value, `a finite number from ${min} to ${max}`, (n) => n >= min && n <= max);
}

/** An integer greater than or equal to `min` (a safe integer, so never Infinity). */
export function integerAtLeast(owner: string, name: string, value: unknown, min: number): number {
  return checkNumber(owner, name, value, `an integer >= ${min}`, (n) => Number.isSafeInteger(n) && n >= min);
}

/** A string with at least one character. */
export function nonEmptyString(owner: string, name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) fail(TypeError, owner, name, 'a non-empty string', value);
  return value;
}

/** One of a fixed set of strings. */
export function oneOf<const T extends string>(owner: string, name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  const rule = `one of ${allowed.map((item) => `'${item}'`).join(', ')}`;
  return fail(typeof value === 'string' ? RangeError : TypeError, owner, name, rule, value);
}

/** A function; `undefined` is accepted when the option is optional and returns `undefined`. */
export function optionalFunction<T extends (...args: never[]) => unknown>(owner: string, name: string, value: T | undefined): T | undefined {
  if (value !== undefined && typeof value !== 'function') fail(TypeError, owner, name, 'a function', value);
  return value;
}

/** An object with a `nowMs()` method. */
export function clockOption<T extends { nowMs(): number }>(owner: string, value: T): T {
  if (typeof value !== 'object' || value === null || typeof value.nowMs !== 'function') {
    fail(TypeError, owner, 'clock', 'an object with a nowMs() method', value);
  }
  return value;
}
