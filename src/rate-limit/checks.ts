/**
 * Argument checks used on the rate-limit hot paths: cheap tests inline, messages built only on
 * failure, in the form of `src/core/validate.ts`.
 *
 * Internal module: its names are not part of the public API unless an entry exports them.
 */
import { fail } from '../core/validate.js';
import type { RateLimitStore } from './store.js';
import type { BucketPolicy } from './types.js';

/**
 * The smallest cost, as a share of the capacity, that a bucket accepts: 2^-52. A smaller cost could
 * leave a full bucket's level unchanged in floating point (a request charged nothing); at or above
 * it, taking the cost changes every level it is taken from.
 */
export const MIN_COST_SHARE = 2 ** -52;

/**
 * Whether `cost` is a number from `capacity × 2^-52` to `capacity`: large enough to change any level
 * it is taken from, never more than the bucket holds. NaN and non-numbers are not.
 */
export function isCost(cost: unknown, capacity: number): cost is number {
  return typeof cost === 'number' && cost <= capacity && cost * 4_503_599_627_370_496 >= capacity;
}

/** Throws the TypeError or RangeError for a cost that {@link isCost} refuses. */
export function failCost(owner: string, name: string, cost: unknown, capacity: number): never {
  const tiny = typeof cost === 'number' && cost > 0 && cost <= capacity;
  const rule = tiny
    ? `at least ${capacity} × 2^-52 (a smaller cost would take nothing from the bucket)`
    : `a finite number > 0 and <= ${capacity}`;
  return fail(typeof cost === 'number' ? RangeError : TypeError, owner, name, rule, cost);
}

/**
 * Builds a frozen bucket policy from already checked positive numbers, refusing a scaled capacity
 * (`capacity × refillIntervalMs`) beyond 2^53, where the arithmetic would stop being exact.
 */
export function bucketPolicy(
  owner: string,
  capacityName: string,
  capacity: number,
  refillTokens: number,
  refillIntervalMs: number,
): BucketPolicy {
  if (!(capacity * refillIntervalMs <= Number.MAX_SAFE_INTEGER)) {
    const rule = `at most ${Number.MAX_SAFE_INTEGER} when multiplied by the refill interval of ${refillIntervalMs} ms`;
    fail(RangeError, owner, capacityName, rule, capacity);
  }
  return Object.freeze({ capacity, refillTokens, refillIntervalMs });
}

/** Checks that `store` has the shape of a `RateLimitStore`. */
export function storeOption<S extends RateLimitStore>(owner: string, store: S): S {
  const candidate = store as Partial<Record<keyof RateLimitStore, unknown>> | null;
  const valid =
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.synchronous === 'boolean' &&
    typeof candidate.consume === 'function' &&
    typeof candidate.remaining === 'function' &&
    typeof candidate.reset === 'function' &&
    typeof candidate.clear === 'function';
  if (!valid)
    fail(
      TypeError,
      owner,
      'store',
      'a RateLimitStore (synchronous, consume, remaining, reset, clear)',
      store,
    );
  return store;
}
