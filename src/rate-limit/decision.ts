/**
 * The decisions a `MemoryStore` returns, built in one step from the level a check left behind, with
 * the arithmetic of `bucket-math.ts`, and a shortcut for whole-number policies that gives the same
 * numbers with one division each instead of the correction steps.
 *
 * ## Why the shortcut is exact
 * Let `L` (the level), `I` (`refillIntervalMs`), `R` (`refillTokens`) and `C` (`capacity × I`) be whole
 * numbers with `0 <= L <= C <= 2^53 − 1`, `I >= 1`, `R >= 1`. For whole numbers `a`, `b` below 2^53,
 * `a / b` is at least `1 / b` away from any whole number it is not equal to, while rounding moves it by
 * less than `(a / b) × 2^-53 < 1 / b`: so `floor(a / b)` and `ceil(a / b)` computed in doubles are the
 * exact ones. Then `k = floor(L / I)` satisfies `k × I <= L < (k + 1) × I`, and `q = ceil((C − L) / R)`
 * satisfies `L + (q − 1) × R < C <= L + q × R`, all computed exactly or (past 2^53) rounded monotonically
 * to the same side: `wholeTokens` and `msUntilLevel` would take no correction step and return `k` and `q`.
 *
 * Internal module: its names are not part of the public API unless an entry exports them.
 */
import { msUntilLevel, wholeTokens } from './bucket-math.js';
import type { BucketPolicy, RateLimitDecision } from './types.js';

/**
 * Whether decisions of `policy` may take the whole-number shortcut: a frozen policy (so its numbers
 * cannot change once checked) whose `refillTokens`, `refillIntervalMs` and scaled capacity are
 * integers from 1 to 2^53 − 1.
 */
export function isWholePolicy(policy: BucketPolicy): boolean {
  const { capacity, refillTokens, refillIntervalMs } = policy;
  return (
    Object.isFrozen(policy) &&
    refillTokens >= 1 &&
    refillIntervalMs >= 1 &&
    capacity * refillIntervalMs >= 1 &&
    Number.isSafeInteger(refillTokens) &&
    Number.isSafeInteger(refillIntervalMs) &&
    Number.isSafeInteger(capacity * refillIntervalMs)
  );
}

/**
 * The decision of an admitted check that left `scaledTokens` in the bucket at `atMs`.
 *
 * @param policy - the bucket's parameters
 * @param scaledTokens - the level after the tokens were taken, `0..capacity × refillIntervalMs`
 * @param atMs - the check's effective time, epoch ms
 * @param isWhole - `isWholePolicy(policy)`: the shortcut is taken when `scaledTokens` is whole too
 */
export function admittedDecision(
  policy: BucketPolicy,
  scaledTokens: number,
  atMs: number,
  isWhole: boolean,
): RateLimitDecision {
  // The general case is a call of its own, so that the common one stays small enough to be inlined.
  if (!isWhole || scaledTokens !== Math.floor(scaledTokens))
    return correctedAdmittedDecision(policy, scaledTokens, atMs);
  const interval = policy.refillIntervalMs;
  const capacity = policy.capacity * interval;
  const untilFullMs =
    scaledTokens >= capacity ? 0 : Math.ceil((capacity - scaledTokens) / policy.refillTokens);
  return {
    allowed: true,
    limit: policy.capacity,
    remaining: Math.floor(scaledTokens / interval),
    resetAtMs: atMs + untilFullMs,
    retryAfterMs: 0,
  };
}

function correctedAdmittedDecision(
  policy: BucketPolicy,
  scaledTokens: number,
  atMs: number,
): RateLimitDecision {
  const interval = policy.refillIntervalMs;
  const untilFullMs = msUntilLevel(scaledTokens, policy.capacity * interval, policy.refillTokens);
  return {
    allowed: true,
    limit: policy.capacity,
    remaining: wholeTokens(scaledTokens, interval),
    resetAtMs: atMs + untilFullMs,
    retryAfterMs: 0,
  };
}

/**
 * The decision of a refused check of a bucket at `scaledTokens` at `atMs`.
 *
 * @param policy - the bucket's parameters
 * @param scaledTokens - the bucket's level at `atMs`, below `neededScaledTokens`
 * @param atMs - the check's effective time, epoch ms (`nowMs`, or later when the clock stepped back)
 * @param nowMs - the time of the check, epoch ms
 * @param neededScaledTokens - the request's cost in scaled units
 */
export function refusedDecision(
  policy: BucketPolicy,
  scaledTokens: number,
  atMs: number,
  nowMs: number,
  neededScaledTokens: number,
): RateLimitDecision {
  const interval = policy.refillIntervalMs;
  return {
    allowed: false,
    limit: policy.capacity,
    remaining: wholeTokens(scaledTokens, interval),
    resetAtMs: atMs + msUntilLevel(scaledTokens, policy.capacity * interval, policy.refillTokens),
    retryAfterMs:
      atMs + msUntilLevel(scaledTokens, neededScaledTokens, policy.refillTokens) - nowMs,
  };
}
