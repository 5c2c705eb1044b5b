/**
 * The simplest store that keeps `MemoryStore`'s promises, for the rate-limit benchmark to weigh
 * against it: a `Map` of small bucket objects in the order of their last use (a use moves its key to
 * the end, so the least recently used bucket is the first), the same bound, the same choice of what
 * to drop (a full bucket first, else the least recently used one) and the same decisions. It passes
 * `MemoryStore`'s behavioural tests (exact decisions, the bound, full buckets dropped first, exact
 * least-recently-used eviction with refused checks counting as uses); only the cap on distinct
 * policies, a consequence of `MemoryStore`'s two-byte policy ids, does not apply.
 *
 * With `keepRecency: false` a use does not move its key: the cost of the Map alone, for comparison
 * (that store could not find its least recently used bucket without a scan).
 */
import { levelAt, msUntilLevel, wholeTokens } from '../src/rate-limit/bucket-math.js';
import { failCost, isCost } from '../src/rate-limit/checks.js';
import { admittedDecision, isWholePolicy, refusedDecision } from '../src/rate-limit/decision.js';
import type { SyncRateLimitStore } from '../src/rate-limit/store.js';
import type { BucketPolicy, RateLimitDecision } from '../src/rate-limit/types.js';

let wholePolicy: BucketPolicy | undefined;
let wholeAnswer = false;

/** `isWholePolicy`, remembered for the last policy asked about, as `MemoryStore` does. */
function isWholeCached(policy: BucketPolicy): boolean {
  if (policy !== wholePolicy) {
    wholePolicy = policy;
    wholeAnswer = isWholePolicy(policy);
  }
  return wholeAnswer;
}

/** How many soon-to-be-full buckets a sweep remembers, so that most reclaims need no sweep. */
const CANDIDATES = 1024;

/** One bucket: its scaled tokens at `updatedAtMs`, and the policy it was last written under. */
interface Bucket {
  tokens: number;
  updatedAtMs: number;
  policy: BucketPolicy;
}

/** A bucket a sweep found to fill up soon, with the time it will be full by its policy then. */
interface Candidate {
  readonly key: string;
  readonly bucket: Bucket;
  readonly fullAtMs: number;
}

/** When `bucket` is full again, by the arithmetic of the policy it was last written under. */
function fullAtMs(bucket: Bucket): number {
  const policy = bucket.policy;
  return (
    bucket.updatedAtMs +
    msUntilLevel(bucket.tokens, policy.capacity * policy.refillIntervalMs, policy.refillTokens)
  );
}

/** Token buckets in a `Map` of objects, bounded by `maxKeys` (see the module's header). */
export class MapBucketStore implements SyncRateLimitStore {
  /** Always `true`: every method answers directly. */
  readonly synchronous = true as const;
  /** Most buckets kept at once. */
  readonly maxKeys: number;

  /** Buckets from least to most recently used. */
  readonly #buckets = new Map<string, Bucket>();
  /** The key used last: using it again needs no move. */
  #lastKey: string | undefined;
  #evictedActive = 0;
  #droppedFull = 0;
  #sweeps = 0;
  /** A lower bound of the full-again time of every bucket that is not a pending candidate. */
  #fullAtLowerBoundMs = Infinity;
  /** The buckets the last sweep found to fill up soonest, soonest first, and the next one to look at. */
  #candidates: Candidate[] = [];
  #candidateCursor = 0;

  readonly #keepRecency: boolean;

  /**
   * @param maxKeys - most buckets kept at once
   * @param keepRecency - whether a use moves its key to the most recently used end
   */
  constructor(maxKeys: number, keepRecency = true) {
    this.maxKeys = maxKeys;
    this.#keepRecency = keepRecency;
  }

  /** Buckets held now. */
  get size(): number {
    return this.#buckets.size;
  }

  /** Buckets dropped while not yet full because the store was full. */
  get evictedActiveBuckets(): number {
    return this.#evictedActive;
  }

  /** Current figures: size, bound, evictions, sweeps. */
  stats(): {
    size: number;
    maxKeys: number;
    evictedActiveBuckets: number;
    droppedFullBuckets: number;
    sweeps: number;
  } {
    return {
      size: this.#buckets.size,
      maxKeys: this.maxKeys,
      evictedActiveBuckets: this.#evictedActive,
      droppedFullBuckets: this.#droppedFull,
      sweeps: this.#sweeps,
    };
  }

  /**
   * Like {@link MemoryStore.consume} but returns only whether the request is allowed, allocating
   * nothing: the hot path of `RateLimiter.allowRequest`.
   *
   * @param key - the bucket's key
   * @param policy - the bucket's parameters
   * @param cost - tokens to take, from `policy.capacity × 2^-52` to `policy.capacity`
   * @param nowMs - the time of the check, whole epoch milliseconds
   * @throws RangeError when `cost` is out of that range (a smaller cost would take nothing)
   */
  tryConsume(key: string, policy: BucketPolicy, cost: number, nowMs: number): boolean {
    if (!isCost(cost, policy.capacity)) failCost('MemoryStore', 'cost', cost, policy.capacity);
    const needed = cost * policy.refillIntervalMs;
    const bucket = this.#use(key);
    if (bucket === undefined) return this.#create(key, policy, needed, nowMs);
    const atMs = bucket.updatedAtMs > nowMs ? bucket.updatedAtMs : nowMs;
    const level = levelAt(bucket.tokens, bucket.updatedAtMs, atMs, policy);
    if (level < needed) return false;
    this.#write(bucket, level - needed, atMs, policy);
    return true;
  }

  /** {@inheritDoc RateLimitStore.consume} */
  consume(key: string, policy: BucketPolicy, cost: number, nowMs: number): RateLimitDecision {
    if (!isCost(cost, policy.capacity)) failCost('MemoryStore', 'cost', cost, policy.capacity);
    const needed = cost * policy.refillIntervalMs;
    const bucket = this.#use(key);
    const capacity = policy.capacity * policy.refillIntervalMs;
    if (bucket === undefined) {
      if (!this.#create(key, policy, needed, nowMs))
        return refusedDecision(policy, capacity, nowMs, nowMs, needed);
      return admitted(policy, capacity - needed, nowMs);
    }
    const atMs = bucket.updatedAtMs > nowMs ? bucket.updatedAtMs : nowMs;
    const level = levelAt(bucket.tokens, bucket.updatedAtMs, atMs, policy);
    if (level < needed) return refusedDecision(policy, level, atMs, nowMs, needed);
    this.#write(bucket, level - needed, atMs, policy);
    return admitted(policy, level - needed, atMs);
  }

  /** {@inheritDoc RateLimitStore.remaining} */
  remaining(key: string, policy: BucketPolicy, nowMs: number): number {
    const bucket = this.#buckets.get(key);
    if (bucket === undefined)
      return wholeTokens(policy.capacity * policy.refillIntervalMs, policy.refillIntervalMs);
    const level = levelAt(
      bucket.tokens,
      bucket.updatedAtMs,
      Math.max(nowMs, bucket.updatedAtMs),
      policy,
    );
    return wholeTokens(level, policy.refillIntervalMs);
  }

  /** {@inheritDoc RateLimitStore.reset} */
  reset(key: string): void {
    this.#drop(key);
  }

  /** {@inheritDoc RateLimitStore.clear} */
  clear(keyPrefix: string): void {
    for (const key of this.#buckets.keys()) if (key.startsWith(keyPrefix)) this.#drop(key);
  }

  /** The bucket of `key`, moved to the most recently used end; undefined when there is none. */
  #use(key: string): Bucket | undefined {
    const bucket = this.#buckets.get(key);
    if (bucket === undefined || key === this.#lastKey || !this.#keepRecency) return bucket;
    this.#buckets.delete(key);
    this.#buckets.set(key, bucket);
    this.#lastKey = key;
    return bucket;
  }

  /**
   * Stores an admitted check. Taking tokens only delays the time a bucket is full again, except
   * under another policy than before: then its full-again time lowers the bound.
   */
  #write(bucket: Bucket, tokens: number, atMs: number, policy: BucketPolicy): void {
    bucket.tokens = tokens;
    bucket.updatedAtMs = atMs;
    if (policy === bucket.policy) return;
    bucket.policy = policy;
    this.#lowerFullAtBound(fullAtMs(bucket));
  }

  /** Adds the bucket of a new key if the check is admitted, making room first when the store is full. */
  #create(key: string, policy: BucketPolicy, needed: number, nowMs: number): boolean {
    const capacity = policy.capacity * policy.refillIntervalMs;
    if (capacity < needed) return false;
    if (this.#buckets.size >= this.maxKeys) this.#reclaim(nowMs);
    const bucket: Bucket = { tokens: capacity - needed, updatedAtMs: nowMs, policy };
    this.#buckets.set(key, bucket);
    this.#lastKey = key;
    this.#lowerFullAtBound(fullAtMs(bucket));
    return true;
  }

  #lowerFullAtBound(atMs: number): void {
    if (atMs < this.#fullAtLowerBoundMs) this.#fullAtLowerBoundMs = atMs;
  }

  /** Frees one bucket: a full one if any exists, else the least recently used one. */
  #reclaim(nowMs: number): void {
    const [leastRecentKey, leastRecent] = this.#buckets.entries().next().value as [string, Bucket];
    if (fullAtMs(leastRecent) <= nowMs) return this.#dropFull(leastRecentKey);
    const due = this.#dueCandidate(nowMs);
    if (due !== undefined) return this.#dropFull(due);
    if (nowMs >= this.#fullAtLowerBoundMs && this.#sweep(nowMs) > 0) return;
    this.#evictedActive += 1;
    this.#drop(leastRecentKey);
  }

  /** The key of the next remembered bucket that is full by now; stale candidates tighten the bound. */
  #dueCandidate(nowMs: number): string | undefined {
    const candidates = this.#candidates;
    while (
      this.#candidateCursor < candidates.length &&
      candidates[this.#candidateCursor]!.fullAtMs <= nowMs
    ) {
      const { key, bucket } = candidates[this.#candidateCursor++]!;
      if (this.#buckets.get(key) !== bucket) continue;
      const atMs = fullAtMs(bucket);
      if (atMs <= nowMs) return key;
      this.#lowerFullAtBound(atMs);
    }
    return undefined;
  }

  /** Drops every full bucket and remembers the {@link CANDIDATES} that will be full soonest; returns how many it dropped. */
  #sweep(nowMs: number): number {
    this.#sweeps += 1;
    const survivors: Candidate[] = [];
    let dropped = 0;
    for (const [key, bucket] of this.#buckets) {
      const atMs = fullAtMs(bucket);
      if (atMs > nowMs) survivors.push({ key, bucket, fullAtMs: atMs });
      else {
        this.#dropFull(key);
        dropped += 1;
      }
    }
    survivors.sort((a, b) => a.fullAtMs - b.fullAtMs);
    this.#candidates = survivors.slice(0, CANDIDATES);
    this.#candidateCursor = 0;
    this.#fullAtLowerBoundMs =
      survivors.length > CANDIDATES ? survivors[CANDIDATES]!.fullAtMs : Infinity;
    return dropped;
  }

  #dropFull(key: string): void {
    this.#droppedFull += 1;
    this.#drop(key);
  }

  #drop(key: string): void {
    if (key === this.#lastKey) this.#lastKey = undefined;
    this.#buckets.delete(key);
  }
}

/** The decision of an admitted check, with the whole-number shortcut where it is exact (as `MemoryStore` does). */
function admitted(policy: BucketPolicy, tokens: number, atMs: number): RateLimitDecision {
  return admittedDecision(policy, tokens, atMs, isWholeCached(policy));
}
