/**
 * Rate limiting: the cost of one check and the heap per client, side by side with a naive keyed token
 * bucket (a Map of `{ tokens, updatedAtMs }` objects with refill arithmetic) and with the peers:
 * limiter's TokenBucket (one per key in a Map), express-rate-limit's MemoryStore.increment and
 * rate-limiter-flexible's RateLimiterMemory.consume. The naive bucket answers with a boolean, as
 * `RateLimiter.allowRequest` does; `EndpointRateLimiter.check` also builds a decision object (five
 * fields, one of them a boxed double), so a second naive row that builds the same object shows what
 * that costs on its own.
 *
 * Fairness: every limit is high enough that each check is admitted (the common case, and the only
 * case in which rate-limiter-flexible does not reject a Promise). greenslo and the naive bucket read
 * `systemClock` (performance.now), as limiter does; the other two read Date.now(). The asynchronous
 * peers are measured in batches of 100 operations awaited together with Promise.all, so each
 * operation pays for its own Promise but not for a separate turn of the event loop.
 *
 * A second pair of tables weighs the store alone: today's `MemoryStore` against the simplest store
 * that keeps its promises (bench/map-bucket-store.ts: a Map of bucket objects in use order), and
 * the heap table adds that store's bytes per key.
 */
import {
  MemoryStore as ExpressMemoryStore,
  type Options as ExpressOptions,
} from 'express-rate-limit';
import { TokenBucket as LimiterTokenBucket } from 'limiter';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { systemClock, type Clock } from '../src/core/clock.js';
import { EndpointRateLimiter } from '../src/rate-limit/endpoint-rate-limiter.js';
import { MemoryStore } from '../src/rate-limit/memory-store.js';
import { RateLimiter } from '../src/rate-limit/rate-limiter.js';
import { consume, heapUsedAfterGc, median, report, type Measurement } from './harness.js';
import { MapBucketStore } from './map-bucket-store.js';

const BIG = 1e9; // tokens: nobody is ever limited during the speed tables
const ASYNC_BATCH = 100;
const KEY_COUNT = 100_000;
const HEAP_KEYS = 1_000_000;
const NAIVE_DECISIONS = 'naive keyed bucket, answering with a full decision object';
/** Rounds per speed table; `GREENSLO_BENCH_ROUNDS=2` makes a quick run while developing. */
const ROUNDS = Number(process.env.GREENSLO_BENCH_ROUNDS ?? 5);
const TYPED_STORE = 'MemoryStore.tryConsume (typed arrays, today)';

/** The baseline: a Map of small objects and the textbook refill arithmetic. */
class NaiveKeyedBucket {
  readonly #buckets = new Map<string, { tokens: number; updatedAtMs: number }>();
  readonly #capacity: number;
  readonly #refillPerMs: number;
  readonly #clock: Clock;

  constructor(capacity: number, refillPerMs: number, clock: Clock) {
    this.#capacity = capacity;
    this.#refillPerMs = refillPerMs;
    this.#clock = clock;
  }

  allow(key: string): boolean {
    return this.allowAt(key, this.#clock.nowMs());
  }

  allowAt(key: string, nowMs: number): boolean {
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      bucket = { tokens: this.#capacity, updatedAtMs: nowMs };
      this.#buckets.set(key, bucket);
    } else {
      bucket.tokens = Math.min(
        this.#capacity,
        bucket.tokens + (nowMs - bucket.updatedAtMs) * this.#refillPerMs,
      );
      bucket.updatedAtMs = nowMs;
    }
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /**
   * The same check, answered with the figures `EndpointRateLimiter.check` gives (remaining tokens,
   * when the bucket is full again): context for that row, which pays for building them.
   */
  decide(key: string): {
    allowed: boolean;
    limit: number;
    remaining: number;
    resetAtMs: number;
    retryAfterMs: number;
  } {
    const nowMs = this.#clock.nowMs();
    const allowed = this.allowAt(key, nowMs);
    const tokens = this.#buckets.get(key)!.tokens;
    const resetAtMs = nowMs + Math.ceil((this.#capacity - tokens) / this.#refillPerMs);
    const retryAfterMs = allowed ? 0 : Math.ceil((1 - tokens) / this.#refillPerMs);
    return {
      allowed,
      limit: this.#capacity,
      remaining: Math.floor(tokens),
      resetAtMs,
      retryAfterMs,
    };
  }
}

interface Contender {
  readonly name: string;
  /** A synchronous check of `key`, or an asynchronous one (then `isAsync`). */
  readonly check: (key: string) => unknown;
  readonly isAsync?: boolean;
}

interface Contenders {
  readonly list: readonly Contender[];
  readonly close: () => void;
}

function contenders(maxKeys: number, clock: Clock = systemClock): Contenders {
  const naive = new NaiveKeyedBucket(BIG, BIG / 1000, clock);
  const naiveDecisions = new NaiveKeyedBucket(BIG, BIG / 1000, clock);
  const limiter = new RateLimiter({ rate: BIG, perSeconds: 1, maxKeys, clock });
  const endpoints = new EndpointRateLimiter({
    rules: { '/embed/multimodal': { rate: BIG, perSeconds: 1 }, '/health/*': 'unlimited' },
    maxKeys,
    clock,
  });
  const buckets = new Map<string, LimiterTokenBucket>();
  const express = new ExpressMemoryStore();
  express.init({ windowMs: 3_600_000 } as ExpressOptions);
  const flexible = new RateLimiterMemory({ points: BIG, duration: 3600 });
  const list: Contender[] = [
    { name: 'naive keyed bucket', check: (key) => naive.allow(key) },
    { name: 'greenslo RateLimiter.allowRequest', check: (key) => limiter.allowRequest(key) },
    {
      name: 'greenslo EndpointRateLimiter.check',
      check: (key) => endpoints.check('/embed/multimodal', key),
    },
    { name: NAIVE_DECISIONS, check: (key) => naiveDecisions.decide(key) },
    {
      name: 'limiter TokenBucket (one per key)',
      check: (key) => {
        let bucket = buckets.get(key);
        if (bucket === undefined)
          buckets.set(
            key,
            (bucket = new LimiterTokenBucket({
              bucketSize: BIG,
              tokensPerInterval: BIG,
              interval: 'second',
            })),
          );
        return bucket.tryRemoveTokens(1);
      },
    },
    {
      name: 'express-rate-limit MemoryStore.increment',
      check: (key) => express.increment(key),
      isAsync: true,
    },
    {
      name: 'rate-limiter-flexible RateLimiterMemory.consume',
      check: (key) => flexible.consume(key),
      isAsync: true,
    },
  ];
  return { list, close: () => express.shutdown() };
}

async function timeRound(
  contender: Contender,
  keys: readonly string[],
  iterations: number,
  offset: number,
): Promise<number> {
  const start = process.hrtime.bigint();
  if (contender.isAsync) {
    for (let i = 0; i < iterations; i += ASYNC_BATCH) {
      const batch: unknown[] = [];
      for (let j = 0; j < ASYNC_BATCH; j++)
        batch.push(contender.check(keys[(offset + i + j) % keys.length]!));
      consume(await Promise.all(batch));
    }
  } else {
    for (let i = 0; i < iterations; i++)
      consume(contender.check(keys[(offset + i) % keys.length]!));
  }
  return Number(process.hrtime.bigint() - start) / iterations;
}

/** Rounds in rotated order; synchronous contenders run `iterations`, asynchronous ones a fifth of it. */
async function measureSideBySide(
  list: readonly Contender[],
  keys: readonly string[],
  iterations: number,
  rounds: number,
): Promise<Measurement[]> {
  const count = (contender: Contender): number => (contender.isAsync ? iterations / 5 : iterations);
  for (const contender of list)
    await timeRound(contender, keys, Math.max(count(contender), keys.length), 0);
  const samples = list.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < list.length; k++) {
      const index = (k + round) % list.length;
      samples[index]!.push(await timeRound(list[index]!, keys, count(list[index]!), round * 7919));
    }
  }
  return list.map((contender, i) => ({
    name: contender.name,
    nsPerOp: median(samples[i]!),
    roundsNsPerOp: samples[i]!,
  }));
}

/**
 * Prints each candidate's speed relative to the baseline round by round (both ran back to back in
 * the same round), and the median of those ratios: steadier than a ratio of medians when other
 * processes load the machine unevenly.
 */
function reportPaired(measurements: readonly Measurement[], baselineName: string): void {
  const baseline = measurements.find((m) => m.name === baselineName)!;
  console.log('\n| candidate | speed x baseline, per round | median of rounds |');
  console.log('|---|---|---:|');
  for (const m of measurements) {
    if (m === baseline) continue;
    const ratios = m.roundsNsPerOp.map((ns, round) => baseline.roundsNsPerOp[round]! / ns);
    console.log(
      `| ${m.name} | ${ratios.map((ratio) => ratio.toFixed(2)).join(' ')} | ${median(ratios).toFixed(2)} |`,
    );
  }
}

async function table(
  title: string,
  list: readonly Contender[],
  keys: readonly string[],
): Promise<void> {
  const measurements = await measureSideBySide(list, keys, 1_000_000, ROUNDS);
  report(title, measurements, 'naive keyed bucket');
  reportPaired(measurements, 'naive keyed bucket');
  const check = measurements.find((m) => m.name === 'greenslo EndpointRateLimiter.check');
  const naiveDecisions = measurements.find((m) => m.name === NAIVE_DECISIONS);
  if (check !== undefined && naiveDecisions !== undefined) {
    const ratios = check.roundsNsPerOp.map(
      (ns, round) => naiveDecisions.roundsNsPerOp[round]! / ns,
    );
    console.log(`
EndpointRateLimiter.check against the naive bucket that also answers with a decision: ${median(ratios).toFixed(2)}x (per round: ${ratios.map((ratio) => ratio.toFixed(2)).join(' ')})`);
  }
}

function shuffledKeys(count: number): string[] {
  const keys = Array.from({ length: count }, (_, i) => clientKey(i));
  let seed = 42;
  for (let i = keys.length - 1; i > 0; i--) {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    const j = seed % (i + 1);
    [keys[i], keys[j]] = [keys[j]!, keys[i]!];
  }
  return keys;
}

async function speedTables(): Promise<void> {
  const hot = contenders(KEY_COUNT);
  await table(
    'One check, one hot key (1,000,000 checks per round, async peers 200,000)',
    hot.list,
    ['10.0.0.1'],
  );
  hot.close();
  const many = contenders(KEY_COUNT);
  await table(
    `One check, ${KEY_COUNT.toLocaleString('en-US')} keys in shuffled order (1,000,000 checks per round)`,
    many.list,
    shuffledKeys(KEY_COUNT),
  );
  many.close();
  let nowMs = 1_700_000_000_000;
  const cheapClock: Clock = { nowMs: () => (nowMs += 0.001) };
  const bare = contenders(KEY_COUNT, cheapClock);
  const ours = bare.list.filter(
    (contender) => contender.name.startsWith('naive') || contender.name.startsWith('greenslo'),
  );
  await table(
    'Arithmetic only: one hot key, naive and greenslo on a clock that just counts (no performance.now)',
    ours,
    ['10.0.0.1'],
  );
  bare.close();
}

/**
 * The store alone, without a limiter around it: today's `MemoryStore` against the simplest store
 * that keeps its promises (a Map of bucket objects in use order, bench/map-bucket-store.ts), and
 * that Map without the use order. Every store reads the same counting clock.
 */
function storeContenders(maxKeys: number): Contender[] {
  const policy = Object.freeze({ capacity: BIG, refillTokens: BIG, refillIntervalMs: 1000 });
  let nowMs = 1_700_000_000_000;
  const typed = new MemoryStore({ maxKeys });
  const map = new MapBucketStore(maxKeys);
  const unordered = new MapBucketStore(maxKeys, false);
  return [
    {
      name: TYPED_STORE,
      check: (key) => typed.tryConsume(key, policy, 1, Math.floor((nowMs += 0.001))),
    },
    {
      name: 'Map of bucket objects in use order (same promises)',
      check: (key) => map.tryConsume(key, policy, 1, Math.floor((nowMs += 0.001))),
    },
    {
      name: 'Map of bucket objects, no use order (no LRU eviction)',
      check: (key) => unordered.tryConsume(key, policy, 1, Math.floor((nowMs += 0.001))),
    },
  ];
}

async function storeTables(): Promise<void> {
  for (const [title, keys] of [
    ['one hot key', ['10.0.0.1']],
    [`${KEY_COUNT.toLocaleString('en-US')} keys in shuffled order`, shuffledKeys(KEY_COUNT)],
  ] as const) {
    const measurements = await measureSideBySide(
      storeContenders(KEY_COUNT),
      keys,
      1_000_000,
      ROUNDS,
    );
    report(`Store alone: ${title} (1,000,000 checks per round)`, measurements, TYPED_STORE);
    reportPaired(measurements, TYPED_STORE);
  }
}

/**
 * A client key as a server sees it: IPv4 text from the socket, a flat string (built from char codes,
 * so that concatenation does not leave a rope of two strings behind it).
 */
function clientKey(i: number): string {
  const text = `10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`;
  const codes: number[] = [];
  for (let k = 0; k < text.length; k++) codes.push(text.charCodeAt(k));
  return String.fromCharCode(...codes);
}

/** Bytes of heap and array buffers per key after `fill` has created `count` keys (strings included). */
async function bytesPerKey(
  count: number,
  fill: (count: number) => unknown,
  close?: (kept: unknown) => void,
): Promise<number> {
  const before = heapAndBuffers();
  const kept = await fill(count);
  const after = heapAndBuffers();
  consume(kept);
  close?.(kept);
  return (after - before) / count;
}

function heapAndBuffers(): number {
  return heapUsedAfterGc() + process.memoryUsage().arrayBuffers;
}

async function heapTable(): Promise<void> {
  const keyBytes =
    (await bytesPerKey(HEAP_KEYS, (n) => Array.from({ length: n }, (_, i) => clientKey(i)))) - 8;
  const rows: [string, number][] = [];
  rows.push([
    'naive keyed bucket',
    await bytesPerKey(HEAP_KEYS, (n) => {
      const naive = new NaiveKeyedBucket(10, 0.01, systemClock);
      for (let i = 0; i < n; i++) naive.allow(clientKey(i));
      return naive;
    }),
  ]);
  rows.push([
    'greenslo RateLimiter (MemoryStore)',
    await bytesPerKey(HEAP_KEYS, (n) => {
      const limiter = new RateLimiter({ rate: 10, perSeconds: 1, maxKeys: n });
      for (let i = 0; i < n; i++) limiter.allowRequest(clientKey(i));
      return limiter;
    }),
  ]);
  rows.push([
    'Map of bucket objects in use order (bench/map-bucket-store.ts)',
    await bytesPerKey(HEAP_KEYS, (n) => {
      const store = new MapBucketStore(n);
      const policy = Object.freeze({ capacity: 10, refillTokens: 10, refillIntervalMs: 1000 });
      for (let i = 0; i < n; i++) store.tryConsume(clientKey(i), policy, 1, 1_700_000_000_000);
      return store;
    }),
  ]);
  rows.push([
    'limiter TokenBucket (one per key)',
    await bytesPerKey(HEAP_KEYS, (n) => {
      const buckets = new Map<string, LimiterTokenBucket>();
      for (let i = 0; i < n; i++) {
        const bucket = new LimiterTokenBucket({
          bucketSize: 10,
          tokensPerInterval: 10,
          interval: 'second',
        });
        bucket.tryRemoveTokens(1);
        buckets.set(clientKey(i), bucket);
      }
      return buckets;
    }),
  ]);
  rows.push([
    'express-rate-limit MemoryStore',
    await bytesPerKey(
      HEAP_KEYS,
      async (n) => {
        const store = new ExpressMemoryStore();
        store.init({ windowMs: 3_600_000 } as ExpressOptions);
        for (let i = 0; i < n; i += ASYNC_BATCH)
          await Promise.all(
            Array.from({ length: ASYNC_BATCH }, (_, j) => store.increment(clientKey(i + j))),
          );
        return store;
      },
      (store) => (store as ExpressMemoryStore).shutdown(),
    ),
  ]);
  rows.push([
    'rate-limiter-flexible RateLimiterMemory',
    await bytesPerKey(HEAP_KEYS, async (n) => {
      const limiter = new RateLimiterMemory({ points: 10, duration: 3600 });
      for (let i = 0; i < n; i += ASYNC_BATCH)
        await Promise.all(
          Array.from({ length: ASYNC_BATCH }, (_, j) => limiter.consume(clientKey(i + j))),
        );
      return limiter;
    }),
  ]);
  console.log(
    `\n## Heap per key with ${HEAP_KEYS.toLocaleString('en-US')} keys (heap + array buffers)\n`,
  );
  console.log(
    `Keys are IPv4 text (flat strings, ${keyBytes.toFixed(1)} bytes each on their own); "structure" excludes them.\n`,
  );
  console.log('| candidate | bytes/key | structure bytes/key | x naive |');
  console.log('|---|---:|---:|---:|');
  for (const [name, bytes] of rows)
    console.log(
      `| ${name} | ${bytes.toFixed(1)} | ${(bytes - keyBytes).toFixed(1)} | ${(bytes / rows[0]![1]).toFixed(2)} |`,
    );
}

async function flatHeapTable(): Promise<void> {
  let nowMs = 0;
  const clock = { nowMs: () => nowMs };
  const maxKeys = 100_000;
  const limiter = new RateLimiter({ rate: 10, perSeconds: 60, clock, maxKeys });
  console.log(
    `\n## Heap once maxKeys (${maxKeys.toLocaleString('en-US')}) is reached: 10 per minute per client, a new client every 0.1 ms, then a flood of one every 0.01 ms\n`,
  );
  console.log(
    '| clients seen | heap + buffers MB | buckets | dropped full | evicted active | sweeps |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|');
  for (let phase = 1; phase <= 6; phase++) {
    for (let i = (phase - 1) * maxKeys; i < phase * maxKeys; i++) {
      nowMs += phase <= 3 ? 0.1 : 0.01;
      limiter.allowRequest(`client-${i}`);
    }
    await Promise.resolve();
    const stats = limiter.store.stats();
    const heapMb = (heapAndBuffers() / 1e6).toFixed(1);
    console.log(
      `| ${(phase * maxKeys).toLocaleString('en-US')} | ${heapMb} | ${stats.size} | ${stats.droppedFullBuckets} | ${stats.evictedActiveBuckets} | ${stats.sweeps} |`,
    );
  }
}

export default async function run(): Promise<void> {
  const startedAt = Date.now();
  await speedTables();
  await storeTables();
  await flatHeapTable();
  await heapTable();
  console.log(`\n(rate-limit benchmark took ${((Date.now() - startedAt) / 1000).toFixed(1)} s)`);
}
