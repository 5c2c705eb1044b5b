/**
 * The built-in, synchronous, bounded store of token buckets.
 *
 * Why typed arrays and not a plain `Map` of bucket objects: `npm run bench -- rate-limit` weighs this
 * store against the simplest one that keeps the same promises (bench/map-bucket-store.ts: a `Map` of
 * small bucket objects kept in use order, which passes this store's behavioural tests: exact
 * decisions, the bound, full buckets dropped first, exact least-recently-used eviction). Measured on
 * 2026-12-07 (Node 20, 2 shared and heavily loaded cores, `tryConsume` alone, medians of paired
 * per-round ratios, three runs): one hot key, even (the Map at 0.90 to 1.10 x this store's speed,
 * within the noise); 100,000 keys in shuffled order, the Map 2.1 to 3.0 x slower (moving a key to the
 * end of the Map on every use is what costs: the same Map without that order ran at 0.98 to 1.24 x,
 * but could not find its least recently used bucket); 1,000,000 keys, 69 bytes of structure per key
 * here against 109 for the Map. This store wins by more than 10 %, so it stays.
 */
import { integerAtLeast, optionsObject } from '../core/validate.js';
import { failCost, isCost } from './checks.js';
import { levelAt, msUntilLevel, wholeTokens } from './bucket-math.js';
import { admittedDecision, isWholePolicy, refusedDecision } from './decision.js';
import { CandidateHeap } from './candidate-heap.js';
import { PolicyRegistry } from './policy-registry.js';
import type { SyncRateLimitStore } from './store.js';
import type { BucketPolicy, RateLimitDecision } from './types.js';

/**
 * Default bound on the number of buckets one `MemoryStore` keeps.
 *
 * @defaultValue 100_000
 */
export const DEFAULT_MAX_KEYS = 100_000;

const FIRST_SLOTS = 1024;
/**
 * How many buckets a scan remembers: a sweep the ones that fill up soonest (so that most reclaims need
 * no sweep), a scan of the stamps the least recently used ones (so that most evictions need no scan).
 */
const REMEMBERED = 1024;
/** No slot. */
const NONE = -1;

// Each slot is four doubles in one Float64Array, so that a check touches one cache line: the scaled
// tokens, the update time (epoch ms), the last-use stamp (for a free slot: the next free slot) and
// the policy id.
const STRIDE = 4;
const TOKENS = 0;
const UPDATED_AT = 1;
const USED = 2;
const POLICY = 3;

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
 * Buckets live in one flat `Float64Array` indexed through one `Map<string, number>`: per bucket the
 * scaled tokens, the update time, a last-use stamp and a policy id side by side (32 bytes, so a check
 * reads and writes one cache line), about 70 bytes per key besides the key string. A check allocates
 * nothing but the decision `consume` returns (`tryConsume` not even that), and the heap stays flat
 * once `maxKeys` buckets exist. When a new key arrives and the store is full, it drops a bucket that
 * has refilled completely (it decides exactly as a missing bucket does), and only when there is none
 * the least recently used bucket, counted in `evictedActiveBuckets`.
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

  // The one-entry caches of the check path are declared first. Declared after the scan bookkeeping,
  // `npm run bench -- rate-limit` put `EndpointRateLimiter.check` on the counting clock at 0.49-0.59x
  // the naive bucket with decisions in 12 of 17 runs; declared here, at 0.63-0.65x in 9 of 10.
  /**
   * The policy object of every call so far, while there has been only one (saves a lookup per write:
   * without it a hot key's `consume` takes 1.50x as long, 1.04x over 100k keys; medians of 9 paired rounds).
   */
  #onlyPolicy: BucketPolicy | undefined;
  /**
   * The last policy `#isWhole` was asked about, and its answer: saves `isWholePolicy` per check: without
   * it a hot key's `consume` takes 1.79x as long, 1.20x over 100k keys (medians of 9 paired rounds).
   */
  #checkedPolicy: BucketPolicy | undefined;
  #checkedIsWhole = false;
  readonly #slotByKey = new Map<string, number>();
  readonly #policies = new PolicyRegistry();
  #keys: (string | undefined)[] = [];
  /** {@link STRIDE} doubles per slot: tokens, update time, last-use stamp or next free slot, policy id. */
  #state = new Float64Array(0);
  #slotCount = 0;
  #usedSlots = 0;
  #freeHead = NONE;
  /**
   * The stamp of the latest use, and its slot. A use takes the next stamp, so that stamps order uses
   * exactly (doubles count exactly to 2^53: centuries at any rate of checks); a use of the slot used
   * last keeps its stamp, which orders it the same way. Without this check a hot key's `consume` takes
   * 1.23x as long (1.05x over 100k keys; medians of 9 paired rounds).
   */
  #lastStamp = 0;
  #lastSlot = NONE;
  #evictedActive = 0;
  #droppedFull = 0;
  #sweeps = 0;
  /** A lower bound of the full-again time of every bucket that is not a pending candidate. */
  #fullAtLowerBoundMs = Infinity;
  /** The buckets that fill up soonest as of the last sweep, in order, with their full-again times. */
  #candidates = new CandidateHeap(0);
  /** The least recently used slots as of the last scan, in order, with their stamps then. */
  #leastRecentSlots = new CandidateHeap(0);

  /**
   * @param options - `maxKeys`, the bound on buckets kept
   * @throws TypeError when `maxKeys` is not a number, or an option key is unknown
   * @throws RangeError when `maxKeys` is not an integer >= 1
   */
  constructor(options: MemoryStoreOptions = {}) {
    optionsObject('MemoryStore', options, ['maxKeys']);
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
   * @param cost - tokens to take, from `policy.capacity × 2^-52` to `policy.capacity`
   * @param nowMs - the time of the check, whole epoch milliseconds
   * @throws RangeError when `cost` is out of that range (a smaller cost would take nothing), or
   *   more than 65,536 distinct policies share the store
   */
  tryConsume(key: string, policy: BucketPolicy, cost: number, nowMs: number): boolean {
    if (!isCost(cost, policy.capacity)) failCost('MemoryStore', 'cost', cost, policy.capacity);
    const needed = cost * policy.refillIntervalMs;
    const slot = this.#slotByKey.get(key);
    if (slot === undefined) return this.#consumeNew(key, policy, needed, nowMs);
    const state = this.#state;
    const at = STRIDE * slot;
    if (slot !== this.#lastSlot) this.#stamp(slot);
    const updatedAtMs = state[at + UPDATED_AT]!;
    const atMs = updatedAtMs > nowMs ? updatedAtMs : nowMs;
    const level = levelAt(state[at + TOKENS]!, updatedAtMs, atMs, policy);
    if (level < needed) return false;
    state[at + TOKENS] = level - needed;
    state[at + UPDATED_AT] = atMs;
    if (policy !== this.#onlyPolicy) this.#notePolicy(slot, policy);
    return true;
  }

  /** {@inheritDoc RateLimitStore.consume} */
  // The first steps are tryConsume's, written out again on purpose: one pass that decides and
  // describes costs less than calling it and reading the bucket back.
  consume(key: string, policy: BucketPolicy, cost: number, nowMs: number): RateLimitDecision {
    if (!isCost(cost, policy.capacity)) failCost('MemoryStore', 'cost', cost, policy.capacity);
    const needed = cost * policy.refillIntervalMs;
    const slot = this.#slotByKey.get(key);
    if (slot === undefined) return this.#consumeNewDecision(key, policy, needed, nowMs);
    const state = this.#state;
    const at = STRIDE * slot;
    if (slot !== this.#lastSlot) this.#stamp(slot);
    const updatedAtMs = state[at + UPDATED_AT]!;
    const atMs = updatedAtMs > nowMs ? updatedAtMs : nowMs;
    const level = levelAt(state[at + TOKENS]!, updatedAtMs, atMs, policy);
    if (level < needed) return refusedDecision(policy, level, atMs, nowMs, needed);
    const after = level - needed;
    state[at + TOKENS] = after;
    state[at + UPDATED_AT] = atMs;
    if (policy !== this.#onlyPolicy) this.#notePolicy(slot, policy);
    return admittedDecision(policy, after, atMs, this.#isWhole(policy));
  }

  /** {@inheritDoc RateLimitStore.remaining} */
  remaining(key: string, policy: BucketPolicy, nowMs: number): number {
    const slot = this.#slotByKey.get(key);
    if (slot === undefined)
      return wholeTokens(policy.capacity * policy.refillIntervalMs, policy.refillIntervalMs);
    const at = STRIDE * slot;
    const updatedAtMs = this.#state[at + UPDATED_AT]!;
    const level = levelAt(
      this.#state[at + TOKENS]!,
      updatedAtMs,
      Math.max(nowMs, updatedAtMs),
      policy,
    );
    return wholeTokens(level, policy.refillIntervalMs);
  }

  /**
   * Gives `cost` tokens back to the bucket at `key` (a refunded request), capped at the capacity; a
   * missing bucket is full already and stays missing.
   *
   * Exact without the time: the stored level is the one at the bucket's update time, and refilling
   * stops at the capacity, so `min(capacity, level + cost)` refills to the same level at any later
   * time as giving the tokens back then would.
   *
   * @param key - the bucket's key
   * @param policy - the bucket's parameters
   * @param cost - tokens to give back, as the admitted `consume` took them
   */
  refund(key: string, policy: BucketPolicy, cost: number): void {
    const slot = this.#slotByKey.get(key);
    if (slot === undefined) return;
    const at = STRIDE * slot;
    const capacity = policy.capacity * policy.refillIntervalMs;
    this.#state[at + TOKENS] = Math.min(
      capacity,
      this.#state[at + TOKENS]! + cost * policy.refillIntervalMs,
    );
    this.#lowerFullAtBound(this.#fullAtMs(slot));
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
    this.#freeHead = NONE;
    this.#lastSlot = NONE;
    this.#fullAtLowerBoundMs = Infinity;
    this.#candidates.count = 0;
    this.#leastRecentSlots.count = 0;
  }

  #consumeNewDecision(
    key: string,
    policy: BucketPolicy,
    needed: number,
    nowMs: number,
  ): RateLimitDecision {
    const capacity = policy.capacity * policy.refillIntervalMs;
    if (!this.#consumeNew(key, policy, needed, nowMs))
      return refusedDecision(policy, capacity, nowMs, nowMs, needed);
    const after = capacity - needed;
    return admittedDecision(policy, after, nowMs, this.#isWhole(policy));
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
    const at = STRIDE * slot;
    this.#state[at + TOKENS] = capacity - needed;
    this.#state[at + UPDATED_AT] = nowMs;
    this.#stamp(slot);
    this.#state[at + POLICY] = policyId;
    this.#keys[slot] = key;
    this.#slotByKey.set(key, slot);
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
    if (this.#state[STRIDE * slot + POLICY] === policyId) return;
    this.#state[STRIDE * slot + POLICY] = policyId;
    this.#lowerFullAtBound(this.#fullAtMs(slot));
  }

  #stamp(slot: number): void {
    this.#state[STRIDE * slot + USED] = ++this.#lastStamp;
    this.#lastSlot = slot;
  }

  #lowerFullAtBound(fullAtMs: number): void {
    if (fullAtMs < this.#fullAtLowerBoundMs) this.#fullAtLowerBoundMs = fullAtMs;
  }

  /** When the bucket in `slot` is full again, by the arithmetic of its own policy. */
  #fullAtMs(slot: number): number {
    const at = STRIDE * slot;
    const policy = this.#policies.policy(this.#state[at + POLICY]!);
    const capacity = policy.capacity * policy.refillIntervalMs;
    return (
      this.#state[at + UPDATED_AT]! +
      msUntilLevel(this.#state[at + TOKENS]!, capacity, policy.refillTokens)
    );
  }

  #allocate(nowMs: number): number {
    if (this.#freeHead === NONE) {
      if (this.#usedSlots < this.#slotCount) return this.#usedSlots++;
      if (this.#slotCount < this.maxKeys) {
        this.#resize(Math.min(this.maxKeys, this.#slotCount * 2));
        return this.#usedSlots++;
      }
      this.#reclaim(nowMs);
    }
    const slot = this.#freeHead;
    this.#freeHead = this.#state[STRIDE * slot + USED]!;
    return slot;
  }

  /** Frees at least one slot: a full bucket if any exists, else the least recently used one. */
  #reclaim(nowMs: number): void {
    const leastRecent = this.#leastRecent();
    if (this.#fullAtMs(leastRecent) <= nowMs) return this.#dropFull(leastRecent);
    const due = this.#dueCandidate(nowMs);
    if (due !== NONE) return this.#dropFull(due);
    if (nowMs >= this.#fullAtLowerBoundMs) {
      this.#sweep(nowMs);
      if (this.#freeHead !== NONE) return;
    }
    // Nothing was dropped since leastRecent was found, so it is still the least recently used.
    this.#evictedActive += 1;
    this.#drop(leastRecent);
  }

  /**
   * The least recently used bucket. A scan remembers the {@link REMEMBERED} oldest stamps in order;
   * a remembered slot whose stamp is unchanged is the oldest of all, since every use since the scan
   * took a newer stamp than any the scan saw. A slot used, dropped or reused since then has another
   * stamp (or no key) and is passed over; when none is left, a new scan begins.
   */
  #leastRecent(): number {
    const state = this.#state;
    const list = this.#leastRecentSlots;
    for (; list.cursor < list.count; list.cursor++) {
      const slot = list.slots[list.cursor]!;
      if (
        this.#keys[slot] !== undefined &&
        state[STRIDE * slot + USED] === list.values[list.cursor]
      )
        return slot;
    }
    list.count = 0;
    for (let slot = 0; slot < this.#usedSlots; slot++) {
      if (this.#keys[slot] !== undefined) list.offer(slot, state[STRIDE * slot + USED]!);
    }
    list.sort();
    return list.slots[0]!;
  }

  /** The next remembered bucket that is full by now, or NONE; stale candidates tighten the bound. */
  #dueCandidate(nowMs: number): number {
    const list = this.#candidates;
    while (list.cursor < list.count && list.values[list.cursor]! <= nowMs) {
      const slot = list.slots[list.cursor++]!;
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
    const list = this.#candidates;
    list.count = 0;
    let survivors = 0;
    for (let slot = 0; slot < this.#usedSlots; slot++) {
      if (this.#keys[slot] === undefined) continue;
      const fullAtMs = this.#fullAtMs(slot);
      if (fullAtMs <= nowMs) {
        this.#dropFull(slot);
        continue;
      }
      survivors += 1;
      list.offer(slot, fullAtMs);
    }
    list.sort();
    this.#fullAtLowerBoundMs = survivors > list.count ? list.values[list.count - 1]! : Infinity;
  }

  #dropFull(slot: number): void {
    this.#droppedFull += 1;
    this.#drop(slot);
  }

  #drop(slot: number): void {
    if (slot === this.#lastSlot) this.#lastSlot = NONE;
    this.#slotByKey.delete(this.#keys[slot]!);
    this.#keys[slot] = undefined;
    this.#state[STRIDE * slot + USED] = this.#freeHead;
    this.#freeHead = slot;
  }

  #resize(slotCount: number): void {
    const state = new Float64Array(STRIDE * slotCount);
    state.set(this.#state);
    this.#state = state;
    this.#keys.length = slotCount;
    this.#slotCount = slotCount;
    if (slotCount === this.maxKeys) {
      this.#candidates = new CandidateHeap(Math.min(REMEMBERED, slotCount));
      this.#leastRecentSlots = new CandidateHeap(Math.min(REMEMBERED, slotCount));
    }
  }
}
