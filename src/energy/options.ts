/**
 * Option checks the energy classes need beyond `src/core/validate.ts`, in the same message form.
 *
 * @internal
 */
import { describeValue } from '../core/validate.js';
import type { PowerSource } from './power-source.js';

/** A finite number >= `min`. */
export function numberAtLeast(owner: string, name: string, value: unknown, min: number): number {
  const rule = `a finite number >= ${min}`;
  if (typeof value !== 'number') throw new TypeError(`${owner}: \`${name}\` must be ${rule}, got ${describeValue(value)}.`);
  if (!Number.isFinite(value) || value < min) throw new RangeError(`${owner}: \`${name}\` must be ${rule}, got ${describeValue(value)}.`);
  return value;
}

/** A boolean. */
export function booleanOption(owner: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${owner}: \`${name}\` must be a boolean, got ${describeValue(value)}.`);
  return value;
}

/** An object (not null, not an array); `undefined` stays `undefined`. */
export function optionalObject<T extends object>(owner: string, name: string, value: T | undefined): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${owner}: \`${name}\` must be an object, got ${describeValue(value)}.`);
  }
  return value;
}

/** An object with a string `name` and a `readJoules()` method. */
export function powerSourceOption(owner: string, value: unknown): PowerSource {
  const candidate = value as Partial<PowerSource> | null | undefined;
  if (typeof candidate !== 'object' || candidate === null || typeof candidate.readJoules !== 'function' || typeof candidate.name !== 'string') {
    throw new TypeError(`${owner}: \`powerSource\` must be an object with a name and a readJoules(nowMs) method, got ${describeValue(value)}.`);
  }
  return candidate as PowerSource;
}
