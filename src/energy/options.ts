/**
 * Option checks the energy classes need beyond `src/core/validate.ts`, in the same message form.
 *
 * Internal module: its names are not part of the public API unless an entry exports them.
 */
import { checkNumber, fail, rejectUnknownKeys, type OptionHints } from '../core/validate.js';
import type { PowerSource } from './power-source.js';

/** A finite number >= `min`. */
export function numberAtLeast(owner: string, name: string, value: unknown, min: number): number {
  return checkNumber(owner, name, value, `a finite number >= ${min}`, (n) => n >= min);
}

/**
 * An options object (`undefined` is taken as `{}`) holding only known keys.
 *
 * @throws TypeError when `options` is not an object or holds a key not in `known`
 */
export function knownOptions<T extends object>(
  owner: string,
  options: T | undefined,
  known: readonly string[],
  hints?: OptionHints,
): T {
  if (options === undefined) return {} as T;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    fail(TypeError, owner, 'options', 'an object', options);
  }
  rejectUnknownKeys(owner, options, known, hints);
  return options;
}

/** A boolean. */
export function booleanOption(owner: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') fail(TypeError, owner, name, 'a boolean', value);
  return value;
}

/** An object (not null, not an array); `undefined` stays `undefined`. */
export function optionalObject<T extends object>(
  owner: string,
  name: string,
  value: T | undefined,
): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(TypeError, owner, name, 'an object', value);
  }
  return value;
}

/** An object with a string `name` and a `readJoules()` method. */
export function powerSourceOption(owner: string, value: unknown): PowerSource {
  const candidate = value as Partial<PowerSource> | null | undefined;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.readJoules !== 'function' ||
    typeof candidate.name !== 'string'
  ) {
    fail(
      TypeError,
      owner,
      'powerSource',
      'an object with a name and a readJoules(nowMs) method',
      value,
    );
  }
  return candidate as PowerSource;
}
