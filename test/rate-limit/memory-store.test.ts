import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideBucket, type BucketState } from '../../src/rate-limit/bucket-math.js';
import { MemoryStore } from '../../src/rate-limit/memory-store.js';
import { RateLimiter } from '../../src/rate-limit/rate-limiter.js';
import type { BucketPolicy } from '../../src/rate-limit/types.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { seededRandom } from '../support/seeded-random.js';
import { ReferenceLimiter } from './reference-limiter.js';

const START_MS = 1_700_000_000_000;

const onePerSecond: BucketPolicy = { capacity: 1, refillTokens: 1, refillIntervalMs: 1000 };

describe('MemoryStore', () => {
  it('is synchronous and bounded by maxKeys (100,000 by default)', () => {
    expect(new MemoryStore().maxKeys).toBe(100_000);
    const store = new MemoryStore({ maxKeys: 3 });
    expect(store.synchronous).toBe(true);
    for (let i = 0; i < 10; i++) store.consume(`k${i}`, onePerSecond, 1, START_MS);
    expect(store.size).toBe(3);
  });

  it('drops a bucket that has refilled completely before any other, and does not count it as a loss', () => {
    const store = new MemoryStore({ maxKeys: 2 });
    store.consume('old', onePerSecond, 1, START_MS); // full again at +1000
    store.consume('recent', onePerSecond, 1, START_MS + 900); // full again at +1900
    store.consume('recent', onePerSecond, 1, START_MS + 1900); // used most recently
    store.consume('new', onePerSecond, 1, START_MS + 1950);
    expect(store.remaining('recent', onePerSecond, START_MS + 1950)).toBe(0);
    expect(store.stats()).toEqual({
      size: 2,
      maxKeys: 2,
      evictedActiveBuckets: 0,
      droppedFullBuckets: 1,
      sweeps: 0,
    });
  });

  it('finds a full bucket that is not the least recently used one', () => {
    const store = new MemoryStore({ maxKeys: 2 });
    const slow: BucketPolicy = { capacity: 1, refillTokens: 1, refillIntervalMs: 60_000 };
    store.consume('slow', slow, 1, START_MS); // least recently used, full at +60,000
    store.consume('fast', onePerSecond, 1, START_MS + 10); // full at +1010
    store.consume('new', onePerSecond, 1, START_MS + 2000);
    expect(store.remaining('slow', slow, START_MS + 2000)).toBe(0);
    expect(store.stats()).toMatchObject({ evictedActiveBuckets: 0, droppedFullBuckets: 1 });
  });

  it('remembers after a scan which buckets fill up next and drops them when they do', () => {
    const store = new MemoryStore({ maxKeys: 3 });
    const tenPerTenSeconds: BucketPolicy = {
      capacity: 10,
      refillTokens: 1,
      refillIntervalMs: 1000,
    };
    const consume = (key: string, cost: number, atMs: number): boolean =>
      store.tryConsume(key, tenPerTenSeconds, cost, START_MS + atMs);
    consume('a', 10, 0); // full again at 10,000
    consume('b', 1, 0); // at 1,000
    consume('c', 5, 0); // at 5,000
    consume('d', 10, 2000); // a scan drops `b` and remembers `c` then `a`
    expect(store.stats()).toMatchObject({ droppedFullBuckets: 1, sweeps: 1 });
    expect(consume('c', 10, 2001)).toBe(false); // touches `c`: `a` is now the least recently used
    consume('e', 10, 6000); // `c` is full since 5,000; `a` (10,000) and `d` (12,000) are not
    expect(store.stats()).toMatchObject({
      size: 3,
      evictedActiveBuckets: 0,
      droppedFullBuckets: 2,
      sweeps: 1,
    });
    expect(store.remaining('a', tenPerTenSeconds, START_MS + 6000)).toBe(6);
  });

  it('scans again for buckets it did not remember once the remembered ones are used up', () => {
    const store = new MemoryStore({ maxKeys: 1100 });
    const perMs: BucketPolicy = { capacity: 4000, refillTokens: 1, refillIntervalMs: 1 };
    // k{i} is full again at i + 1 ms; the least recently used one (k1099) is the last to fill up.
    for (let i = 1099; i >= 0; i--) store.tryConsume(`k${i}`, perMs, i + 1, START_MS);
    for (let i = 0; i < 50; i++) store.tryConsume(`early${i}`, perMs, 4000, START_MS + 50);
    expect(store.stats()).toMatchObject({ size: 1100, droppedFullBuckets: 50, sweeps: 1 });
    // 1,024 remembered buckets (k50..k1073) fill up by 1074; then a scan finds k1074..k1089.
    for (let i = 0; i < 1030; i++) store.tryConsume(`late${i}`, perMs, 4000, START_MS + 1090);
    // The second scan freed 16 slots, of which the last 6 new keys took 6.
    expect(store.stats()).toEqual({
      size: 1090,
      maxKeys: 1100,
      evictedActiveBuckets: 0,
      droppedFullBuckets: 50 + 1024 + 16,
      sweeps: 2,
    });
    expect(store.remaining('k1099', perMs, START_MS + 1090)).toBe(4000 - 10);
  });

  it('evicts the least recently used bucket when none is full, and counts the loss', () => {
    const store = new MemoryStore({ maxKeys: 2 });
    store.consume('a', onePerSecond, 1, START_MS);
    store.consume('b', onePerSecond, 1, START_MS);
    store.consume('a', onePerSecond, 1, START_MS + 1); // refused, but touches `a`
    store.consume('c', onePerSecond, 1, START_MS + 2);
    expect(store.evictedActiveBuckets).toBe(1);
    // `b` lost its state: it starts again from a full bucket.
    expect(store.remaining('b', onePerSecond, START_MS + 2)).toBe(1);
    expect(store.remaining('a', onePerSecond, START_MS + 2)).toBe(0);
  });

  it('keeps separate buckets per key whatever policies share the store', () => {
    const store = new MemoryStore();
    const ten: BucketPolicy = { capacity: 10, refillTokens: 10, refillIntervalMs: 60_000 };
    expect(store.consume('a', ten, 4, START_MS).remaining).toBe(6);
    expect(store.consume('b', onePerSecond, 1, START_MS).remaining).toBe(0);
    expect(store.remaining('a', ten, START_MS)).toBe(6);
  });

  it('judges whether a bucket is full by the policy it was last used with', () => {
    const store = new MemoryStore({ maxKeys: 2 });
    const slow: BucketPolicy = { capacity: 1, refillTokens: 1, refillIntervalMs: 60_000 };
    const fast: BucketPolicy = { capacity: 1, refillTokens: 1, refillIntervalMs: 1 };
    store.consume('k', slow, 1, START_MS);
    store.consume('other', slow, 1, START_MS);
    expect(store.consume('k', fast, 1, START_MS + 1).allowed).toBe(true); // full again at +2 under `fast`
    store.consume('new', slow, 1, START_MS + 5);
    expect(store.stats()).toMatchObject({ evictedActiveBuckets: 0, droppedFullBuckets: 1 });
    expect(store.remaining('other', slow, START_MS + 5)).toBe(0);
  });

  it('keeps judging by the right policy after a key switches back to the first one', () => {
    const store = new MemoryStore({ maxKeys: 2 });
    const slow: BucketPolicy = { capacity: 1, refillTokens: 1, refillIntervalMs: 60_000 };
    const fast: BucketPolicy = { capacity: 1, refillTokens: 1, refillIntervalMs: 1 };
    store.consume('k', slow, 1, START_MS);
    store.consume('other', slow, 1, START_MS);
    store.consume('k', fast, 1, START_MS + 1);
    store.consume('k', slow, 1, START_MS + 60_001); // back under `slow`: empty until +120,001
    store.consume('other', slow, 1, START_MS + 60_001); // empty until +120,001 too, and more recent
    store.consume('new', slow, 1, START_MS + 60_002);
    // Neither bucket is full: the least recently used one (`k`) is evicted, and counted as a loss.
    expect(store.stats()).toMatchObject({ evictedActiveBuckets: 1, droppedFullBuckets: 0 });
    expect(store.remaining('other', slow, START_MS + 60_002)).toBe(0);
  });

  it('refuses more than 65,536 distinct policies in one store', () => {
    const store = new MemoryStore();
    for (let i = 1; i <= 65_536; i++)
      store.tryConsume(`k${i}`, { capacity: i, refillTokens: 1, refillIntervalMs: 1 }, 1, START_MS);
    expect(() =>
      store.tryConsume(
        'one-more',
        { capacity: 65_537, refillTokens: 1, refillIntervalMs: 1 },
        1,
        START_MS,
      ),
    ).toThrow(RangeError);
    expect(store.size).toBe(65_536);
  });

  it('forgets one key, the keys with a prefix, or everything', () => {
    const store = new MemoryStore();
    for (const key of ['x:1', 'x:2', 'y:1']) store.consume(key, onePerSecond, 1, START_MS);
    store.reset('x:1');
    expect(store.size).toBe(2);
    store.clear('x:');
    expect(store.remaining('x:2', onePerSecond, START_MS)).toBe(1);
    expect(store.remaining('y:1', onePerSecond, START_MS)).toBe(0);
    store.clear('');
    expect(store.size).toBe(0);
    store.consume('z', onePerSecond, 1, START_MS);
    expect(store.remaining('z', onePerSecond, START_MS)).toBe(0);
  });

  it('rejects a bad maxKeys', () => {
    expect(() => new MemoryStore({ maxKeys: 1.5 })).toThrow(
      new RangeError('MemoryStore: `maxKeys` must be an integer >= 1, got 1.5.'),
    );
    expect(() => new MemoryStore({ maxKeys: '10' as unknown as number })).toThrow(TypeError);
  });
});

/** Policies of every kind a store may be handed: whole or fractional numbers, frozen or not. */
const anyPolicy = fc
  .record({
    capacity: fc.oneof(
      fc.integer({ min: 1, max: 1000 }),
      fc.double({ min: 1e-3, max: 1e6, noNaN: true }),
    ),
    refillTokens: fc.oneof(
      fc.integer({ min: 1, max: 1e6 }),
      fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
    ),
    refillIntervalMs: fc.oneof(
      fc.integer({ min: 1, max: 1e7 }),
      fc.double({ min: 1, max: 1e7, noNaN: true }),
    ),
    frozen: fc.boolean(),
  })
  .map(({ frozen, ...policy }): BucketPolicy => (frozen ? Object.freeze(policy) : policy));

describe('MemoryStore decisions, properties', () => {
  it('decides every check exactly as decideBucket, bit for bit, for any finite policy and schedule', () => {
    const step = fc.record({
      advanceMs: fc.integer({ min: -5000, max: 1e7 }),
      key: fc.integer({ min: 0, max: 3 }),
      costShare: fc.double({ min: 1e-9, max: 1, noNaN: true }),
    });
    fc.assert(
      fc.property(anyPolicy, fc.array(step, { maxLength: 60 }), (policy, steps) => {
        const store = new MemoryStore();
        const states = new Map<string, BucketState>();
        let nowMs = START_MS;
        for (const { advanceMs, key, costShare } of steps) {
          nowMs += advanceMs;
          const cost = Math.max(Number.MIN_VALUE, costShare * policy.capacity);
          const expected = decideBucket(states.get(`k${key}`), policy, cost, nowMs);
          if (expected.next !== undefined) states.set(`k${key}`, expected.next);
          expect(store.consume(`k${key}`, policy, cost, nowMs)).toStrictEqual(expected.decision);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

/**
 * Runs `steps` through a limiter whose store holds at most `maxKeys` buckets and through the exact
 * unbounded model, skipping every request that would make more than `maxKeys` clients hold
 * information (a bucket not yet full) at once; returns the store.
 */
function compareWithUnbounded(
  limits: { rate: number; perSeconds: number; burst: number },
  maxKeys: number,
  steps: readonly { advanceMs: number; client: number; cost: number }[],
): MemoryStore {
  const clock = new ManualClock(START_MS);
  const store = new MemoryStore({ maxKeys });
  const bounded = new RateLimiter({ ...limits, clock, store });
  const unbounded = new ReferenceLimiter(limits.rate, limits.perSeconds * 1000, limits.burst);
  const fullAtMs = new Map<string, number>();
  for (const { advanceMs, client, cost } of steps) {
    clock.advanceMs(advanceMs);
    const nowMs = clock.nowMs();
    const key = `client-${client}`;
    let active = 0;
    for (const [other, atMs] of fullAtMs) if (atMs > nowMs || other === key) active += 1;
    if (!fullAtMs.has(key)) active += 1;
    if (active > maxKeys) continue;
    const expected = unbounded.check(key, Math.min(cost, limits.burst), nowMs);
    expect(bounded.check(key, Math.min(cost, limits.burst))).toEqual(expected);
    fullAtMs.set(key, expected.resetAtMs);
  }
  expect(store.evictedActiveBuckets).toBe(0);
  return store;
}

describe('MemoryStore bound, properties', () => {
  it('decides as an unbounded limiter while no more than maxKeys clients hold information, however many full buckets it drops', () => {
    const limits = fc.record({
      rate: fc.integer({ min: 1, max: 30 }),
      perSeconds: fc.integer({ min: 1, max: 120 }),
      burst: fc.integer({ min: 1, max: 5 }),
    });
    const steps = fc.array(
      fc.record({
        advanceMs: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 60_000 })),
        client: fc.integer({ min: 0, max: 15 }),
        cost: fc.integer({ min: 1, max: 5 }),
      }),
      { maxLength: 120 },
    );
    let dropped = 0;
    fc.assert(
      fc.property(limits, fc.integer({ min: 1, max: 4 }), steps, (policy, maxKeys, schedule) => {
        dropped += compareWithUnbounded(policy, maxKeys, schedule).stats().droppedFullBuckets;
      }),
      { numRuns: 1000 },
    );
    expect(dropped).toBeGreaterThan(1000);
  });

  it('also with more buckets than it remembers as candidates: 1,500 keys near the bound, mixed costs, full scans', () => {
    const random = seededRandom(12_345);
    const schedule = Array.from({ length: 12_000 }, () => ({
      advanceMs: random() < 0.995 ? Math.floor(random() * 3) : Math.floor(random() * 2000),
      client: Math.floor(random() * 4000),
      cost: 1 + Math.floor(random() * 10),
    }));
    const store = compareWithUnbounded({ rate: 1, perSeconds: 10, burst: 10 }, 1500, schedule);
    const stats = store.stats();
    expect(stats.sweeps).toBeGreaterThan(0);
    expect(stats.droppedFullBuckets).toBeGreaterThan(400);
  });
});

/**
 * The documented bound, modelled plainly on top of the exact unbounded model: when a new key finds
 * `maxKeys` keys held, a full bucket is forgotten if there is one (which one cannot change a decision:
 * a full bucket decides as a missing one), else the least recently used key, counted as a loss.
 * Recency is the insertion order of a Map, each use moving its key to the end. Given several limits,
 * each check names the one it is made under (a key always under the same one).
 */
class BoundedReference {
  readonly #limiters: ReferenceLimiter[];
  readonly #maxKeys: number;
  /** Held keys from least to most recently used. */
  readonly #recency = new Set<string>();
  readonly #fullAtMs = new Map<string, number>();
  evictedActive = 0;

  constructor(limits: Limits | readonly Limits[], maxKeys: number) {
    this.#limiters = [limits]
      .flat()
      .map(({ rate, perSeconds, burst }) => new ReferenceLimiter(rate, perSeconds * 1000, burst));
    this.#maxKeys = maxKeys;
  }

  check(
    key: string,
    cost: number,
    nowMs: number,
    limits = 0,
  ): ReturnType<ReferenceLimiter['check']> {
    if (!this.#recency.has(key) && this.#recency.size === this.#maxKeys) {
      const full = [...this.#fullAtMs].find(([, fullAtMs]) => fullAtMs <= nowMs);
      const [victim] = full ?? [...this.#recency];
      if (full === undefined) this.evictedActive += 1;
      this.#forget(victim);
    }
    this.#recency.delete(key);
    this.#recency.add(key);
    const decision = this.#limiters[limits]!.check(key, cost, nowMs);
    this.#fullAtMs.set(key, decision.resetAtMs);
    return decision;
  }

  /** Forgets `key`, or every key. */
  reset(key?: string): void {
    for (const held of key === undefined ? [...this.#recency] : [key]) this.#forget(held);
  }

  #forget(key: string): void {
    this.#recency.delete(key);
    this.#fullAtMs.delete(key);
    for (const limiter of this.#limiters) limiter.forget(key);
  }
}

/** A limiter's figures: `rate` tokens per `perSeconds`, at most `burst` at once. */
interface Limits {
  readonly rate: number;
  readonly perSeconds: number;
  readonly burst: number;
}

/** One step of a schedule: a check of `client` (the default), or a reset of it, or of every client. */
interface Step {
  readonly advanceMs: number;
  readonly client: number;
  readonly cost: number;
  readonly action?: 'check' | 'reset' | 'resetAll';
}

function compareWithBoundedReference(
  limits: { rate: number; perSeconds: number; burst: number },
  maxKeys: number,
  steps: readonly Step[],
): MemoryStore {
  const clock = new ManualClock(START_MS);
  const store = new MemoryStore({ maxKeys });
  const limiter = new RateLimiter({ ...limits, clock, store });
  const reference = new BoundedReference(limits, maxKeys);
  for (const [index, { advanceMs, client, cost, action }] of steps.entries()) {
    clock.advanceMs(advanceMs);
    const key = `client-${client}`;
    if (action === 'reset' || action === 'resetAll') {
      const which = action === 'reset' ? key : undefined;
      limiter.reset(which);
      reference.reset(which);
      continue;
    }
    const checked = Math.min(cost, limits.burst);
    const expected = reference.check(key, checked, clock.nowMs());
    // Every third check goes through allowRequest (MemoryStore.tryConsume), the others through check (consume).
    if (index % 3 === 0) expect(limiter.allowRequest(key, checked)).toBe(expected.allowed);
    else expect(limiter.check(key, checked)).toEqual(expected);
    expect(store.evictedActiveBuckets).toBe(reference.evictedActive);
  }
  return store;
}

/** Limits with a rate and a period up to the given ones, and a burst of 1 to 5. */
function limitsUpTo(rate: number, perSeconds: number): fc.Arbitrary<Limits> {
  return fc.record({
    rate: fc.integer({ min: 1, max: rate }),
    perSeconds: fc.integer({ min: 1, max: perSeconds }),
    burst: fc.integer({ min: 1, max: 5 }),
  });
}

/** The fields of a check of one of 13 clients at a cost of 1 to 5, mostly `shortMs` or less after the one before. */
function checkFields(shortMs: number, longMs: number) {
  return {
    advanceMs: fc.oneof(
      { arbitrary: fc.integer({ min: 0, max: shortMs }), weight: 9 },
      { arbitrary: fc.integer({ min: 0, max: longMs }), weight: 1 },
    ),
    client: fc.integer({ min: 0, max: 12 }),
    cost: fc.integer({ min: 1, max: 5 }),
  };
}

describe('MemoryStore eviction, properties', () => {
  it('when full of buckets that carry information, evicts exactly the least recently used one, refused checks counting as uses, between resets', () => {
    const limits = limitsUpTo(30, 120);
    const steps = fc.array(
      fc.record({
        ...checkFields(50, 60_000),
        action: fc.oneof(
          { arbitrary: fc.constant('check' as const), weight: 30 },
          { arbitrary: fc.constant('reset' as const), weight: 2 },
          { arbitrary: fc.constant('resetAll' as const), weight: 1 },
        ),
      }),
      { maxLength: 150 },
    );
    let evicted = 0;
    fc.assert(
      fc.property(limits, fc.integer({ min: 1, max: 6 }), steps, (policy, maxKeys, schedule) => {
        evicted += compareWithBoundedReference(policy, maxKeys, schedule).evictedActiveBuckets;
      }),
      { numRuns: 1000 },
    );
    expect(evicted).toBeGreaterThan(800);
  });

  it('also past the 1,024 least recently used buckets one scan remembers, with old buckets used again in between', () => {
    const random = seededRandom(987_654);
    let next = 0;
    const schedule = Array.from({ length: 15_000 }, (): Step => {
      // Mostly new clients; a third of the checks go back to one of the last 1,500 clients; a few resets.
      const client = random() < 0.33 ? Math.max(0, next - 1 - Math.floor(random() * 1500)) : next++;
      const action = random() < 0.02 ? 'reset' : 'check';
      return {
        advanceMs: Math.floor(random() * 3),
        client,
        cost: 1 + Math.floor(random() * 3),
        action,
      };
    });
    const store = compareWithBoundedReference(
      { rate: 1, perSeconds: 600, burst: 3 },
      1200,
      schedule,
    );
    expect(store.evictedActiveBuckets).toBeGreaterThan(5000);
  });

  it('with keys under several policies, judges each bucket full by its own and evicts exactly the least recently used one', () => {
    // Buckets that fill up within seconds beside ones that take minutes, and one more of any kind.
    const several = fc
      .tuple(
        limitsUpTo(30, 2),
        limitsUpTo(3, 120),
        fc.option(limitsUpTo(30, 120), { nil: undefined }),
      )
      .map((tuple) => tuple.filter((each) => each !== undefined));
    const steps = fc.array(fc.record(checkFields(300, 5000)), { maxLength: 150 });
    let evicted = 0;
    let dropped = 0;
    fc.assert(
      fc.property(
        several,
        fc.integer({ min: 1, max: 6 }),
        steps,
        (allLimits, maxKeys, schedule) => {
          const store = new MemoryStore({ maxKeys });
          const reference = new BoundedReference(allLimits, maxKeys);
          const policies = allLimits.map(({ rate, perSeconds, burst }) =>
            Object.freeze({
              capacity: burst,
              refillTokens: rate,
              refillIntervalMs: perSeconds * 1000,
            }),
          );
          let nowMs = START_MS;
          for (const [index, { advanceMs, client, cost }] of schedule.entries()) {
            nowMs += advanceMs;
            const which = client % allLimits.length;
            const policy = policies[which]!;
            const checked = Math.min(cost, policy.capacity);
            const expected = reference.check(`client-${client}`, checked, nowMs, which);
            if (index % 3 === 0)
              expect(store.tryConsume(`client-${client}`, policy, checked, nowMs)).toBe(
                expected.allowed,
              );
            else
              expect(store.consume(`client-${client}`, policy, checked, nowMs)).toEqual(expected);
            expect(store.evictedActiveBuckets).toBe(reference.evictedActive);
          }
          evicted += store.evictedActiveBuckets;
          dropped += store.stats().droppedFullBuckets;
        },
      ),
      { numRuns: 1000 },
    );
    expect(evicted).toBeGreaterThan(800);
    expect(dropped).toBeGreaterThan(400);
  });
});
