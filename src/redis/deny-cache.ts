/**
 * Refusals remembered in process: a bucket that refused a check of cost `c <= 1` holds less than `c`
 * tokens until its `retryAfterMs` has passed, because refill cannot bring a token sooner and other
 * processes can only take tokens. Until then the same check (same policy, same cost) is refused
 * here without asking Redis: exact, except after a reset made elsewhere (or another process's
 * refund of a late check), which this process cannot see.
 *
 * Internal module: its names are not part of the public API unless an entry exports them.
 */
import type { BucketPolicy, RateLimitDecision } from '../rate-limit/types.js';

/** Most keys remembered; past it the oldest are dropped (they are asked of Redis again). */
const MAX_ENTRIES = 10_000;

interface Refusal {
  readonly policy: BucketPolicy;
  readonly cost: number;
  readonly decision: RateLimitDecision;
  /** When Redis decided, at the latest (the reply's arrival), on the cache's time scale. */
  readonly decidedBeforeMs: number;
  /** Until when the refusal holds: the batch's sending time, at the earliest, plus `retryAfterMs`. */
  readonly untilMs: number;
}

/** @internal */
export class DenyCache {
  readonly #refusals = new Map<string, Refusal>();

  /**
   * The refusal Redis would give now, or `undefined` to ask Redis.
   *
   * @param key - the bucket's key
   * @param policy - the check's policy
   * @param cost - the check's cost
   * @param nowMs - now, on the time scale of `remember`
   */
  lookup(
    key: string,
    policy: BucketPolicy,
    cost: number,
    nowMs: number,
  ): RateLimitDecision | undefined {
    const refusal = this.#refusals.get(key);
    if (refusal === undefined) return undefined;
    if (nowMs >= refusal.untilMs) {
      this.#refusals.delete(key);
      return undefined;
    }
    if (
      refusal.cost !== cost ||
      !samePolicy(refusal.policy, policy) ||
      nowMs < refusal.decidedBeforeMs
    )
      return undefined;
    const elapsedMs = Math.floor(nowMs - refusal.decidedBeforeMs);
    return {
      ...refusal.decision,
      retryAfterMs: Math.max(1, refusal.decision.retryAfterMs - elapsedMs),
    };
  }

  /**
   * Remembers a refusal of a check of cost at most 1 (whose bucket holds no whole token until
   * `retryAfterMs`); other decisions are ignored.
   *
   * @param sentAtMs - when the check was sent to Redis
   * @param answeredAtMs - when Redis' answer arrived
   */
  remember(
    key: string,
    policy: BucketPolicy,
    cost: number,
    decision: RateLimitDecision,
    sentAtMs: number,
    answeredAtMs: number,
  ): void {
    if (decision.allowed || cost > 1 || !(decision.retryAfterMs > 0)) return;
    if (this.#refusals.size >= MAX_ENTRIES) this.#evict(sentAtMs);
    this.#refusals.delete(key);
    this.#refusals.set(key, {
      policy,
      cost,
      decision,
      decidedBeforeMs: answeredAtMs,
      untilMs: sentAtMs + decision.retryAfterMs,
    });
  }

  /** Forgets one key (after a reset or a refund). */
  forget(key: string): void {
    this.#refusals.delete(key);
  }

  /** Forgets every key starting with `prefix` (`''`: all). */
  forgetPrefix(prefix: string): void {
    if (prefix === '') return this.#refusals.clear();
    for (const key of this.#refusals.keys()) if (key.startsWith(prefix)) this.#refusals.delete(key);
  }

  /** Drops expired refusals, then the oldest tenth if still full. */
  #evict(nowMs: number): void {
    for (const [key, refusal] of this.#refusals)
      if (nowMs >= refusal.untilMs) this.#refusals.delete(key);
    let excess = this.#refusals.size - Math.floor(MAX_ENTRIES * 0.9);
    for (const key of this.#refusals.keys()) {
      if (excess-- <= 0) break;
      this.#refusals.delete(key);
    }
  }
}

function samePolicy(a: BucketPolicy, b: BucketPolicy): boolean {
  return (
    a === b ||
    (a.capacity === b.capacity &&
      a.refillTokens === b.refillTokens &&
      a.refillIntervalMs === b.refillIntervalMs)
  );
}
