/**
 * The token-bucket arithmetic, in one small pure module that every store mirrors exactly.
 *
 * ## Units
 * Tokens are kept as **scaled tokens**: `tokens × refillIntervalMs`. In these units the refill adds
 * exactly `refillTokens` per millisecond, a token is `refillIntervalMs` units and the capacity is
 * `capacity × refillIntervalMs` units, so the arithmetic needs only additions, subtractions and
 * multiplications of whole numbers: for integer `rate`, `perSeconds × 1000`, `burst`, `cost` and
 * millisecond times, every value is an integer below 2^53 and every result is exact. Other inputs
 * stay deterministic (IEEE-754 doubles, the same operations in the same order, in JavaScript and in
 * Redis' Lua alike). Times are whole epoch milliseconds (the limiters floor their clock reading).
 *
 * ## One check (`decideBucket`)
 * With `C = capacity × refillIntervalMs`, `R = refillTokens`, `I = refillIntervalMs`,
 * `n = cost × I` and `N = nowMs`:
 * 1. A missing bucket is full: `s = C`, `u = N`. Otherwise `s` and `u` are the stored scaled tokens
 *    and update time.
 * 2. Effective time `t = max(N, u)`: a clock that steps back adds no tokens and removes none.
 * 3. Level `L = min(C, s + (t − u) × R)`.
 * 4. Allowed iff `L ≥ n`. If allowed, `L' = L − n` and the store writes `(L', t)`; if not,
 *    `L' = L` and the store writes nothing.
 * 5. `remaining = wholeTokens(L', I)`: the largest integer k with `k × I ≤ L'`.
 * 6. `resetAtMs = t + msUntilLevel(L', C, R)`: when the bucket is full again.
 * 7. `retryAfterMs = 0` if allowed, else `t + msUntilLevel(L', n, R) − N`.
 *
 * `msUntilLevel(L, target, R)` is the smallest whole number of milliseconds q ≥ 0 with
 * `L + q × R ≥ target`: estimated as `ceil((target − L) / R)`, then stepped up while
 * `L + q × R < target` and down while `L + (q − 1) × R ≥ target`, in the same floating-point operations
 * a later check uses, so that a client retrying exactly `retryAfterMs` later is admitted and one
 * retrying 1 ms earlier is not. `wholeTokens(L, I)` likewise starts at `floor(L / I)` and steps down
 * while `k × I > L`, up while `(k + 1) × I ≤ L`. For exact integer inputs no step is ever taken.
 *
 * A bucket whose `resetAtMs` has passed is full and decides exactly as a missing bucket does, so a
 * store may drop it (a Redis store sets `PEXPIREAT key resetAtMs`).
 */
import type { BucketPolicy, RateLimitDecision } from './types.js';

/** The stored state of one bucket. */
export interface BucketState {
  /** Tokens at `updatedAtMs`, in scaled units (tokens × `refillIntervalMs`), `0..capacity × refillIntervalMs`. */
  readonly scaledTokens: number;
  /** Epoch milliseconds (whole) of the last admitted check. */
  readonly updatedAtMs: number;
}

/** What one check decides, and the state to store afterwards. */
export interface BucketOutcome {
  /** The decision returned to the caller. */
  readonly decision: RateLimitDecision;
  /** The state to write (with expiry at `decision.resetAtMs`), or `undefined` to leave the stored state as it is. */
  readonly next: BucketState | undefined;
}

/**
 * The bucket's capacity in scaled units: `capacity × refillIntervalMs`.
 *
 * @param policy - the bucket's parameters
 */
export function scaledCapacity(policy: BucketPolicy): number {
  return policy.capacity * policy.refillIntervalMs;
}

/**
 * Scaled tokens at `atMs` of a bucket that held `scaledTokens` at `updatedAtMs`:
 * `min(capacity × refillIntervalMs, scaledTokens + (atMs − updatedAtMs) × refillTokens)`.
 *
 * @param scaledTokens - stored scaled tokens
 * @param updatedAtMs - when they were stored, epoch ms
 * @param atMs - the effective time, epoch ms, never before `updatedAtMs`
 * @param policy - the bucket's parameters
 */
export function levelAt(
  scaledTokens: number,
  updatedAtMs: number,
  atMs: number,
  policy: BucketPolicy,
): number {
  const refilled = scaledTokens + (atMs - updatedAtMs) * policy.refillTokens;
  const capacity = policy.capacity * policy.refillIntervalMs;
  return refilled < capacity ? refilled : capacity;
}

/**
 * The smallest whole number of milliseconds `q >= 0` after which a bucket at `scaledTokens`
 * reaches `targetScaledTokens`: `scaledTokens + q × refillTokens >= targetScaledTokens`.
 *
 * @param scaledTokens - the level now, in scaled units
 * @param targetScaledTokens - the level wanted, in scaled units
 * @param refillTokens - scaled units added per millisecond (the policy's `refillTokens`)
 * @returns milliseconds, a whole number
 */
export function msUntilLevel(
  scaledTokens: number,
  targetScaledTokens: number,
  refillTokens: number,
): number {
  if (scaledTokens >= targetScaledTokens) return 0;
  let ms = Math.ceil((targetScaledTokens - scaledTokens) / refillTokens);
  if (ms >= Number.MAX_SAFE_INTEGER) return ms;
  while (scaledTokens + ms * refillTokens < targetScaledTokens) ms += 1;
  while (ms > 1 && scaledTokens + (ms - 1) * refillTokens >= targetScaledTokens) ms -= 1;
  return ms;
}

/**
 * Whole tokens in a bucket: the largest integer `k` with `k × refillIntervalMs <= scaledTokens`.
 *
 * @param scaledTokens - the level, in scaled units, >= 0
 * @param refillIntervalMs - the policy's `refillIntervalMs` (scaled units per token)
 */
export function wholeTokens(scaledTokens: number, refillIntervalMs: number): number {
  let tokens = Math.floor(scaledTokens / refillIntervalMs);
  if (tokens >= Number.MAX_SAFE_INTEGER) return tokens;
  while (tokens > 0 && tokens * refillIntervalMs > scaledTokens) tokens -= 1;
  while ((tokens + 1) * refillIntervalMs <= scaledTokens) tokens += 1;
  return tokens;
}

/**
 * Decides one check of cost `cost` against a bucket, as every store must (the reference for a
 * Redis Lua script). Pure: it reads no clock and changes nothing.
 *
 * @param state - the stored state, or `undefined` for a missing (full) bucket
 * @param policy - the bucket's parameters
 * @param cost - tokens the request costs, `0 < cost <= policy.capacity`
 * @param nowMs - the time of the check, whole epoch milliseconds
 * @returns the decision, and the state to store (`undefined` when nothing changes)
 * @example
 * ```ts
 * const policy = { capacity: 60, refillTokens: 60, refillIntervalMs: 60_000 };
 * const first = decideBucket(undefined, policy, 1, 0);
 * first.decision; // { allowed: true, limit: 60, remaining: 59, resetAtMs: 1000, retryAfterMs: 0 }
 * ```
 */
export function decideBucket(
  state: BucketState | undefined,
  policy: BucketPolicy,
  cost: number,
  nowMs: number,
): BucketOutcome {
  const interval = policy.refillIntervalMs;
  const capacity = policy.capacity * interval;
  const needed = cost * interval;
  const atMs = state === undefined || state.updatedAtMs <= nowMs ? nowMs : state.updatedAtMs;
  const level =
    state === undefined ? capacity : levelAt(state.scaledTokens, state.updatedAtMs, atMs, policy);
  const allowed = level >= needed;
  const after = allowed ? level - needed : level;
  const decision: RateLimitDecision = {
    allowed,
    limit: policy.capacity,
    remaining: wholeTokens(after, interval),
    resetAtMs: atMs + msUntilLevel(after, capacity, policy.refillTokens),
    retryAfterMs: allowed ? 0 : atMs + msUntilLevel(after, needed, policy.refillTokens) - nowMs,
  };
  return { decision, next: allowed ? { scaledTokens: after, updatedAtMs: atMs } : undefined };
}
