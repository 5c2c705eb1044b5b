/**
 * The built-in, synchronous, bounded store of token buckets.
 */
import { integerAtLeast } from '../core/validate.js';
import { levelAt, msUntilLevel, wholeTokens } from './bucket-math.js';
import { admittedDecision, isWholePolicy, refusedDecision } from './decision.js';
import { CandidateHeap } from './candidate-heap.js';
import { PolicyRegistry } from './policy-registry.js';
import { NONE, RecencyList } from './recency-list.js';
import type { SyncRateLimitStore } from './store.js';
import type { BucketPolicy, RateLimitDecision } from './types.js';

/**
 * Default bound on the number of buckets one `MemoryStore` keeps.
 *
 * @defaultValue 100_000
 */
export const DEFAULT_MAX_KEYS = 100_000;

const FIRST_SLOTS = 1024;
/** How many soon-to-be-full buckets a sweep remembers, so that most reclaims need no sweep. */
const CANDIDATES = 1024;

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** Most buckets kept at once; an integer >= 1. Defaults to {@link DEFAULT_MAX_KEYS}. */
  readonly maxKeys?: number;
}

/** Figures about a {@link MemoryStore}, for monitoring and export. */
export interface MemoryStoreStats {
  /** Buckets held now. */
  readonly size: number;
  /** The bound on `size`. */
  readonly maxKeys: number;
  /**
   * Buckets dropped while they still carried information (not yet full) because the store was full
   * of such buckets: each one let its client start again from a full bucket. Raise `maxKeys` when
   * this grows.
   */
  readonly evictedActiveBuckets: number;
  /** Full buckets dropped to make room; harmless, since a full bucket decides as a missing one. */
  readonly droppedFullBuckets: number;
  /** Full scans made to find full buckets (each is O(maxKeys), and rare). */
  readonly sweeps: number;
}

/**
 * Token buckets in memory, for one process: synchronous, no timer, bounded by `maxKeys`.
 *
 * Buckets live in flat typed arrays indexed through one `Map<string, number>`: scaled tokens and
 * update time side by side in a `Float64Array`, the links of a least-recently-used list in an
 * `Int32Array`, and a policy id in a `Uint16Array`, about 60 bytes per key besides the key string.
 * A check allocates nothing but the decision `consume` returns (`tryConsume` not even that), and
 * the heap stays flat once `maxKeys` buckets exist. When a new key arrives and the store is full, it
 * drops a bucket that has refilled completely (it decides exactly as a missing bucket does), and only
 * when there is none the least recently used bucket, counted in `evictedActiveBuckets`.
 *
 * One store may serve several limiters with different policies: each call carries its policy.
 *
 * @example
 * ```ts
 * const store = new MemoryStore({ maxKeys: 50_000 });
 * const limiter = new RateLimiter({ rate: 60, perSeconds: 60, store });
 * limiter.allowRequest('203.0.113.7');
 * store.stats().evictedActiveBuckets; // 0 until more than 50,000 clients are active at once
 * ```
 */
export class MemoryStore implements SyncRateLimitStore {
  /** Always `true`: every method answers directly. */
  readonly synchronous = true as const;
  /** Most buckets kept at once. */
  readonly maxKeys: number;

  readonly #slotByKey = new Map<string, number>();
  readonly #policies = new PolicyRegistry();
  #keys: (string | undefined)[] = [];
  /** Per slot: scaled tokens at `2 × slot`, update time (epoch ms) at `2 × slot + 1`. */
  #state = new Float64Array(0);
  readonly #recency = new RecencyList();
  #policyIds = new Uint16Array(0);
  #slotCount = 0;
  #usedSlots = 0;
  #evictedActive = 0;
  #droppedFull = 0;
  #sweeps = 0;
  /** A lower bound of the full-again time of every bucket that is not a pending candidate. */
  #fullAtLowerBoundMs = Infinity;
  #candidateSlots = new Int32Array(0);
  #candidateFullAtMs = new Float64Array(0);
  #candidateCount = 0;
  #candidateCursor = 0;
  /** The policy object of every call so far, while there has been only one (saves a lookup per write). */
  #onlyPolicy: BucketPolicy | undefined;
  /** The last policy `#isWhole` was asked about, and its answer. */
  #checkedPolicy: BucketPolicy | undefined;
  #checkedIsWhole = false;

  /**
   * @param options - `maxKeys`, the bound on buckets kept
   * @throws TypeError when `maxKeys` is not a number
   * @throws RangeError when `maxKeys` is not an integer >= 1
   */
  constructor(options: MemoryStoreOptions = {}) {
    this.maxKeys = integerAtLeast('MemoryStore', 'maxKeys', options.maxKeys ?? DEFAULT_MAX_KEYS, 1);
    this.#resize(Math.min(this.maxKeys, FIRST_SLOTS));
  }

  /** Buckets held now. */
  get size(): number {
    return this.#slotByKey.size;
  }

  /** Buckets dropped while not yet full because the store was full (see {@link MemoryStoreStats}). */
  get evictedActiveBuckets(): number {
    return this.#evictedActive;
  }

  /** Current figures: size, bound, evictions, sweeps. */
  stats(): MemoryStoreStats {
    return {
      size: this.#slotByKey.size,
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
   * @param cost - tokens to take, `0 < cost <= policy.capacity`
   * @param nowMs - the time of the check, whole epoch milliseconds
   * @throws RangeError when more than 65,536 distinct policies share the store
   */
  tryConsume(key: string, policy: BucketPolicy, cost: number, nowMs: number): boolean {
    const needed = cost * policy.refillIntervalMs;
    const slot = this.#slotByKey.get(key);
    if (slot === undefined) return this.#consumeNew(key, policy, needed, nowMs);
    this.#recency.moveToHead(slot);
    const state = this.#state;
    const updatedAtMs = state[2 * slot + 1]!;
    const atMs = updatedAtMs > nowMs ? updatedAtMs : nowMs;
    const level = levelAt(state[2 * slot]!, updatedAtMs, atMs, policy);
    if (level < needed) return false;
    state[2 * slot] = level - needed;
    state[2 * slot + 1] = atMs;
    if (policy !== this.#onlyPolicy) this.#notePolicy(slot, policy);
    return true;
  }

  /** {@inheritDoc RateLimitStore.consume} */
  // The first steps are tryConsume's, written out again on purpose: one pass that decides and
  // describes costs less than calling it and reading the bucket back.
  consume(key: string, policy: BucketPolicy, cost: number, nowMs: number): RateLimitDecision {
    const needed = cost * policy.refillIntervalMs;
    const slot = this.#slotByKey.get(key);
    if (slot === undefined) return this.#consumeNewDecision(key, policy, needed, nowMs);
    this.#recency.moveToHead(slot);
    const state = this.#state;
    const updatedAtMs = state[2 * slot + 1]!;
    const atMs = updatedAtMs > nowMs ? updatedAtMs : nowMs;
    const level = levelAt(state[2 * slot]!, updatedAtMs, atMs, policy);
    if (level < needed) return refusedDecision(policy, level, atMs, nowMs, needed);
    const after = level - needed;
    state[2 * slot] = after;
    state[2 * slot + 1] = atMs;
    if (policy !== this.#onlyPolicy) this.#notePolicy(slot, policy);
    return admittedDecision(policy, after, atMs, this.#isWhole(policy) && after === Math.floor(after));
  }

  /** {@inheritDoc RateLimitStore.remaining} */
  remaining(key: string, policy: BucketPolicy, nowMs: number): number {
    const slot = this.#slotByKey.get(key);
    if (slot === undefined) return wholeTokens(policy.capacity * policy.refillIntervalMs, policy.refillIntervalMs);
    const updatedAtMs = this.#state[2 * slot + 1]!;
    const level = levelAt(this.#state[2 * slot]!, updatedAtMs, Math.max(nowMs, updatedAtMs), policy);
    return wholeTokens(level, policy.refillIntervalMs);
  }

  /** {@inheritDoc RateLimitStore.reset} */
  reset(key: string): void {
    const slot = this.#slotByKey.get(key);
    if (slot !== undefined) this.#drop(slot);
  }

  /** {@inheritDoc RateLimitStore.clear} */
  clear(keyPrefix: string): void {
    if (keyPrefix === '') {
      this.#clearAll();
      return;
    }
    for (const [key, slot] of this.#slotByKey) {
      if (key.startsWith(keyPrefix)) this.#drop(slot);
    }
  }

  #clearAll(): void {
    this.#slotByKey.clear();
    this.#keys.fill(undefined);
    this.#usedSlots = 0;
    this.#recency.clear();
    this.#fullAtLowerBoundMs = Infinity;
    this.#candidateCount = 0;
    this.#candidateCursor = 0;
  }

  #consumeNewDecision(key: string, policy: BucketPolicy, needed: number, nowMs: number): RateLimitDecision {
    const capacity = policy.capacity * policy.refillIntervalMs;
    if (!this.#consumeNew(key, policy, needed, nowMs)) return refusedDecision(policy, capacity, nowMs, nowMs, needed);
    const after = capacity - needed;
    return admittedDecision(policy, after, nowMs, this.#isWhole(policy) && after === Math.floor(after));
  }

  /** Whether `policy` may take the whole-number shortcut, remembered for the last policy asked about. */
  #isWhole(policy: BucketPolicy): boolean {
    if (policy !== this.#checkedPolicy) {
      this.#checkedPolicy = policy;
      this.#checkedIsWhole = isWholePolicy(policy);
    }
    return this.#checkedIsWhole;
  }

  #consumeNew(key: string, policy: BucketPolicy, needed: number, nowMs: number): boolean {
    const capacity = policy.capacity * policy.refillIntervalMs;
    if (capacity < needed) return false;
    const policyId = this.#policies.idOf(policy);
    this.#onlyPolicy = this.#policies.size === 1 ? policy : undefined;
    const slot = this.#allocate(nowMs);
    this.#state[2 * slot] = capacity - needed;
    this.#state[2 * slot + 1] = nowMs;
    this.#policyIds[slot] = policyId;
    this.#keys[slot] = key;
    this.#slotByKey.set(key, slot);
    this.#recency.pushHead(slot);
    this.#lowerFullAtBound(this.#fullAtMs(slot));
    return true;
  }

  /**
   * Records the policy of `slot` after a write. A key used under another policy than before may be
   * full earlier than the bound assumed, so its full-again time lowers the bound.
   */
  #notePolicy(slot: number, policy: BucketPolicy): void {
    const policyId = this.#policies.idOf(policy);
    if (this.#policies.size > 1) this.#onlyPolicy = undefined;
    if (this.#policyIds[slot] === policyId) return;
    this.#policyIds[slot] = policyId;
    this.#lowerFullAtBound(this.#fullAtMs(slot));
  }

  #lowerFullAtBound(fullAtMs: number): void {
    if (fullAtMs < this.#fullAtLowerBoundMs) this.#fullAtLowerBoundMs = fullAtMs;
  }

  /** When the bucket in `slot` is full again, by the arithmetic of its own policy. */
  #fullAtMs(slot: number): number {
    const policy = this.#policies.policy(this.#policyIds[slot]!);
    const capacity = policy.capacity * policy.refillIntervalMs;
    return this.#state[2 * slot + 1]! + msUntilLevel(this.#state[2 * slot]!, capacity, policy.refillTokens);
  }

  #allocate(nowMs: number): number {
    if (!this.#recency.hasFree) {
      if (this.#usedSlots < this.#slotCount) return this.#usedSlots++;
      if (this.#slotCount < this.maxKeys) {
        this.#resize(Math.min(this.maxKeys, this.#slotCount * 2));
        return this.#usedSlots++;
      }
      this.#reclaim(nowMs);
    }
    return this.#recency.popFree();
  }

  /** Frees at least one slot: a full bucket if any exists, else the least recently used one. */
  #reclaim(nowMs: number): void {
    const tail = this.#recency.tail;
    if (this.#fullAtMs(tail) <= nowMs) return this.#dropFull(tail);
    const due = this.#dueCandidate(nowMs);
    if (due !== NONE) return this.#dropFull(due);
    if (nowMs >= this.#fullAtLowerBoundMs) {
      this.#sweep(nowMs);
      if (this.#recency.hasFree) return;
    }
    this.#evictedActive += 1;
    this.#drop(this.#recency.tail);
  }

  /** The next remembered bucket that is full by now, or NONE; stale candidates tighten the bound. */
  #dueCandidate(nowMs: number): number {
    while (this.#candidateCursor < this.#candidateCount && this.#candidateFullAtMs[this.#candidateCursor]! <= nowMs) {
      const slot = this.#candidateSlots[this.#candidateCursor++]!;
      if (this.#keys[slot] === undefined) continue;
      const fullAtMs = this.#fullAtMs(slot);
      if (fullAtMs <= nowMs) return slot;
      this.#lowerFullAtBound(fullAtMs);
    }
    return NONE;
  }

  /** Drops every full bucket and remembers the buckets that will be full soonest. */
  #sweep(nowMs: number): void {
    this.#sweeps += 1;
    const heap = new CandidateHeap(this.#candidateSlots, this.#candidateFullAtMs);
    let survivors = 0;
    for (let slot = 0; slot < this.#usedSlots; slot++) {
      if (this.#keys[slot] === undefined) continue;
      const fullAtMs = this.#fullAtMs(slot);
      if (fullAtMs <= nowMs) {
        this.#dropFull(slot);
        continue;
      }
      survivors += 1;
      heap.offer(slot, fullAtMs);
    }
    this.#candidateCount = heap.sortAscending();
    this.#candidateCursor = 0;
    this.#fullAtLowerBoundMs = survivors > this.#candidateCount ? this.#candidateFullAtMs[this.#candidateCount - 1]! : Infinity;
  }

  #dropFull(slot: number): void {
    this.#droppedFull += 1;
    this.#drop(slot);
  }

  #drop(slot: number): void {
    this.#recency.remove(slot);
    this.#slotByKey.delete(this.#keys[slot]!);
    this.#keys[slot] = undefined;
    this.#recency.pushFree(slot);
  }

  #resize(slotCount: number): void {
    this.#state = copied(this.#state, new Float64Array(2 * slotCount));
    this.#recency.resize(slotCount);
    this.#policyIds = copied(this.#policyIds, new Uint16Array(slotCount));
    this.#keys.length = slotCount;
    this.#slotCount = slotCount;
    if (this.#candidateSlots.length === 0 && slotCount === this.maxKeys) {
      this.#candidateSlots = new Int32Array(Math.min(CANDIDATES, slotCount));
      this.#candidateFullAtMs = new Float64Array(Math.min(CANDIDATES, slotCount));
    }
  }
}

function copied<T extends Float64Array | Uint16Array>(old: T, fresh: T): T {
  fresh.set(old);
  return fresh;
}
