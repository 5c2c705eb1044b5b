/**
 * The built-in, synchronous, bounded store of token buckets.
 */
import { integerAtLeast } from '../core/validate.js';
import { levelAt, msUntilLevel, wholeTokens } from './bucket-math.js';
import type { SyncRateLimitStore } from './store.js';
import type { BucketPolicy, RateLimitDecision } from './types.js';

/**
 * Default bound on the number of buckets one `MemoryStore` keeps.
 *
 * @defaultValue 100_000
 */
export const DEFAULT_MAX_KEYS = 100_000;

const NONE = -1;
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
 * Buckets live in flat typed arrays (scaled tokens, update time and full-again time as
 * `Float64Array`s, a least-recently-used list as two `Int32Array`s) indexed through one
 * `Map<string, number>`, about 100 bytes per key including the key string; the heap stays flat once
 * `maxKeys` buckets exist. When a new key arrives and the store is full, it drops a bucket that has
 * refilled completely (it decides exactly as a missing bucket does), and only when there is none the
 * least recently used bucket, counted in `evictedActiveBuckets`.
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
  #keys: (string | undefined)[] = [];
  #scaledTokens = new Float64Array(0);
  #updatedAtMs = new Float64Array(0);
  #fullAtMs = new Float64Array(0);
  #previous = new Int32Array(0);
  #next = new Int32Array(0);
  #slotCount = 0;
  #usedSlots = 0;
  #head = NONE;
  #tail = NONE;
  #freeHead = NONE;
  #evictedActive = 0;
  #droppedFull = 0;
  #sweeps = 0;
  /** A lower bound of the full-again time of every bucket that is not a pending candidate. */
  #fullAtLowerBoundMs = Infinity;
  #candidateSlots = new Int32Array(0);
  #candidateFullAtMs = new Float64Array(0);
  #candidateCount = 0;
  #candidateCursor = 0;
  /** Level and effective time of the last `tryConsume`, read by `consume` (no allocation). */
  #lastLevel = 0;
  #lastAtMs = 0;

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
   */
  tryConsume(key: string, policy: BucketPolicy, cost: number, nowMs: number): boolean {
    const interval = policy.refillIntervalMs;
    const capacity = policy.capacity * interval;
    const needed = cost * interval;
    const slot = this.#slotByKey.get(key);
    let atMs = nowMs;
    let level = capacity;
    if (slot !== undefined) {
      const updatedAtMs = this.#updatedAtMs[slot]!;
      if (updatedAtMs > nowMs) atMs = updatedAtMs;
      level = levelAt(this.#scaledTokens[slot]!, updatedAtMs, atMs, policy);
      this.#touch(slot);
    }
    this.#lastAtMs = atMs;
    if (level < needed) {
      this.#lastLevel = level;
      return false;
    }
    level -= needed;
    this.#lastLevel = level;
    const fullAtMs = atMs + msUntilLevel(level, capacity, policy.refillTokens);
    if (slot === undefined) this.#insert(key, level, atMs, fullAtMs);
    else this.#write(slot, level, atMs, fullAtMs);
    return true;
  }

  /** {@inheritDoc RateLimitStore.consume} */
  consume(key: string, policy: BucketPolicy, cost: number, nowMs: number): RateLimitDecision {
    const allowed = this.tryConsume(key, policy, cost, nowMs);
    const level = this.#lastLevel;
    const atMs = this.#lastAtMs;
    const refill = policy.refillTokens;
    return {
      allowed,
      limit: policy.capacity,
      remaining: wholeTokens(level, policy.refillIntervalMs),
      resetAtMs: atMs + msUntilLevel(level, policy.capacity * policy.refillIntervalMs, refill),
      retryAfterMs: allowed ? 0 : atMs + msUntilLevel(level, cost * policy.refillIntervalMs, refill) - nowMs,
    };
  }

  /** {@inheritDoc RateLimitStore.remaining} */
  remaining(key: string, policy: BucketPolicy, nowMs: number): number {
    const slot = this.#slotByKey.get(key);
    if (slot === undefined) return wholeTokens(policy.capacity * policy.refillIntervalMs, policy.refillIntervalMs);
    const updatedAtMs = this.#updatedAtMs[slot]!;
    const level = levelAt(this.#scaledTokens[slot]!, updatedAtMs, Math.max(nowMs, updatedAtMs), policy);
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
    this.#head = NONE;
    this.#tail = NONE;
    this.#freeHead = NONE;
    this.#fullAtLowerBoundMs = Infinity;
    this.#candidateCount = 0;
    this.#candidateCursor = 0;
  }

  #write(slot: number, level: number, atMs: number, fullAtMs: number): void {
    this.#scaledTokens[slot] = level;
    this.#updatedAtMs[slot] = atMs;
    this.#fullAtMs[slot] = fullAtMs;
  }

  #insert(key: string, level: number, atMs: number, fullAtMs: number): void {
    const slot = this.#allocate(atMs);
    this.#write(slot, level, atMs, fullAtMs);
    this.#keys[slot] = key;
    this.#slotByKey.set(key, slot);
    this.#linkAtHead(slot);
    if (fullAtMs < this.#fullAtLowerBoundMs) this.#fullAtLowerBoundMs = fullAtMs;
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
    this.#freeHead = this.#next[slot]!;
    return slot;
  }

  /** Frees at least one slot: a full bucket if any exists, else the least recently used one. */
  #reclaim(nowMs: number): void {
    const tail = this.#tail;
    if (this.#fullAtMs[tail]! <= nowMs) return this.#dropFull(tail);
    const due = this.#dueCandidate(nowMs);
    if (due !== NONE) return this.#dropFull(due);
    if (nowMs >= this.#fullAtLowerBoundMs) {
      this.#sweep(nowMs);
      if (this.#freeHead !== NONE) return;
    }
    this.#evictedActive += 1;
    this.#drop(this.#tail);
  }

  /** The next remembered bucket that is full by now, or NONE; stale candidates tighten the bound. */
  #dueCandidate(nowMs: number): number {
    while (this.#candidateCursor < this.#candidateCount && this.#candidateFullAtMs[this.#candidateCursor]! <= nowMs) {
      const slot = this.#candidateSlots[this.#candidateCursor++]!;
      if (this.#keys[slot] === undefined) continue;
      const fullAtMs = this.#fullAtMs[slot]!;
      if (fullAtMs <= nowMs) return slot;
      if (fullAtMs < this.#fullAtLowerBoundMs) this.#fullAtLowerBoundMs = fullAtMs;
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
      const fullAtMs = this.#fullAtMs[slot]!;
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
    this.#unlink(slot);
    this.#slotByKey.delete(this.#keys[slot]!);
    this.#keys[slot] = undefined;
    this.#next[slot] = this.#freeHead;
    this.#freeHead = slot;
  }

  #touch(slot: number): void {
    if (slot === this.#head) return;
    this.#unlink(slot);
    this.#linkAtHead(slot);
  }

  #linkAtHead(slot: number): void {
    this.#previous[slot] = NONE;
    this.#next[slot] = this.#head;
    if (this.#head !== NONE) this.#previous[this.#head] = slot;
    else this.#tail = slot;
    this.#head = slot;
  }

  #unlink(slot: number): void {
    const previous = this.#previous[slot]!;
    const next = this.#next[slot]!;
    if (previous !== NONE) this.#next[previous] = next;
    else this.#head = next;
    if (next !== NONE) this.#previous[next] = previous;
    else this.#tail = previous;
  }

  #resize(slotCount: number): void {
    this.#scaledTokens = grown(this.#scaledTokens, new Float64Array(slotCount));
    this.#updatedAtMs = grown(this.#updatedAtMs, new Float64Array(slotCount));
    this.#fullAtMs = grown(this.#fullAtMs, new Float64Array(slotCount));
    this.#previous = grown(this.#previous, new Int32Array(slotCount));
    this.#next = grown(this.#next, new Int32Array(slotCount));
    this.#keys.length = slotCount;
    this.#slotCount = slotCount;
    if (this.#candidateSlots.length === 0 && slotCount === this.maxKeys) {
      this.#candidateSlots = new Int32Array(Math.min(CANDIDATES, slotCount));
      this.#candidateFullAtMs = new Float64Array(Math.min(CANDIDATES, slotCount));
    }
  }
}

function grown<T extends Float64Array | Int32Array>(old: T, fresh: T): T {
  fresh.set(old);
  return fresh;
}

/** A bounded max-heap keeping the `capacity` smallest full-again times offered to it. */
class CandidateHeap {
  readonly #slots: Int32Array;
  readonly #fullAtMs: Float64Array;
  #count = 0;

  constructor(slots: Int32Array, fullAtMs: Float64Array) {
    this.#slots = slots;
    this.#fullAtMs = fullAtMs;
  }

  offer(slot: number, fullAtMs: number): void {
    if (this.#count < this.#slots.length) {
      this.#place(this.#count++, slot, fullAtMs);
      this.#siftUp(this.#count - 1);
    } else if (this.#count > 0 && fullAtMs < this.#fullAtMs[0]!) {
      this.#place(0, slot, fullAtMs);
      this.#siftDown(0, this.#count);
    }
  }

  /** Turns the heap into an ascending array in place; returns its length. */
  sortAscending(): number {
    for (let end = this.#count - 1; end > 0; end--) {
      this.#swap(0, end);
      this.#siftDown(0, end);
    }
    return this.#count;
  }

  #place(index: number, slot: number, fullAtMs: number): void {
    this.#slots[index] = slot;
    this.#fullAtMs[index] = fullAtMs;
  }

  #swap(a: number, b: number): void {
    const slot = this.#slots[a]!;
    const fullAtMs = this.#fullAtMs[a]!;
    this.#place(a, this.#slots[b]!, this.#fullAtMs[b]!);
    this.#place(b, slot, fullAtMs);
  }

  #siftUp(index: number): void {
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (this.#fullAtMs[parent]! >= this.#fullAtMs[index]!) return;
      this.#swap(parent, index);
      index = parent;
    }
  }

  #siftDown(index: number, end: number): void {
    for (;;) {
      const left = 2 * index + 1;
      if (left >= end) return;
      const right = left + 1;
      const larger = right < end && this.#fullAtMs[right]! > this.#fullAtMs[left]! ? right : left;
      if (this.#fullAtMs[index]! >= this.#fullAtMs[larger]!) return;
      this.#swap(index, larger);
      index = larger;
    }
  }
}
