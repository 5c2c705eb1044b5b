/**
 * Plain-JSON snapshots of a tracker, so that several processes (cluster workers) can add their
 * counts together: counts, histograms and time buckets add exactly, windows are interleaved, and
 * digests are merged (quantiles stay approximate).
 */
import {
  checkNumber,
  fail,
  finiteNumber,
  integerAtLeast,
  nonEmptyString,
} from '../core/validate.js';
import type { EndpointState } from './endpoint-state.js';
import { MAX_LATENCY_MS } from './latency-histogram.js';
import type { BucketRow } from './time-buckets.js';

/** Format tag of {@link SloSnapshot}; a tracker merges only snapshots of this format. */
export const SLO_SNAPSHOT_FORMAT = 'greenslo.slo.v1';

/** One endpoint in a {@link SloSnapshot}. */
export interface SloEndpointSnapshot {
  /** The endpoint (or {@link OVERFLOW_ENDPOINT}). */
  readonly endpoint: string;
  /** Requests recorded (at least 1). */
  readonly count: number;
  /** Failed requests recorded. */
  readonly errorCount: number;
  /** Smallest latency recorded in milliseconds. */
  readonly minLatencyMs: number;
  /** Largest latency recorded in milliseconds. */
  readonly maxLatencyMs: number;
  /** Sum of the latencies recorded in milliseconds. */
  readonly sumLatencyMs: number;
  /** The window's latencies in milliseconds, oldest first. */
  readonly windowLatenciesMs: readonly number[];
  /** 1 where the window's request failed, else 0; same length as `windowLatenciesMs`. */
  readonly windowErrorFlags: readonly number[];
  /** The all-time digest as `[mean, weight]` centroids. */
  readonly digestCentroids: readonly (readonly [number, number])[];
  /** Requests per histogram bucket (not cumulative), one more than the snapshot's `latencyBucketsMs`. */
  readonly histogramCounts: readonly number[];
  /** Latency thresholds whose good counts the time-bucket rows carry, in milliseconds. */
  readonly thresholdsMs: readonly number[];
  /** One-minute buckets as `[startMs / 60000, count, errorCount, sumMs, maxMs, ...goodCounts]`. */
  readonly minuteBuckets: readonly BucketRow[];
  /** Ten-minute buckets in the same layout, indexed by `startMs / 600000`. */
  readonly tenMinuteBuckets: readonly BucketRow[];
}

/** The state of a tracker as plain JSON, from {@link SLOTracker.snapshot}, for {@link SLOTracker.merge}. */
export interface SloSnapshot {
  /** Always {@link SLO_SNAPSHOT_FORMAT}. */
  readonly format: typeof SLO_SNAPSHOT_FORMAT;
  /** When the snapshot was taken, in epoch milliseconds of the tracker's clock. */
  readonly takenAtMs: number;
  /** The `windowSize` of the tracker that took it. */
  readonly windowSize: number;
  /** Upper bounds of the histogram buckets in milliseconds; merging needs the same bounds. */
  readonly latencyBucketsMs: readonly number[];
  /** Registers of the approximate count of folded endpoint names (empty when none were folded). */
  readonly foldedNameRegisters: readonly number[];
  /** Every endpoint tracked. */
  readonly endpoints: readonly SloEndpointSnapshot[];
}

/** The snapshot of one endpoint; pending samples must have been flushed to the digest. @internal */
export function endpointSnapshot(state: EndpointState, nowMs: number): SloEndpointSnapshot {
  const windowLatenciesMs: number[] = [];
  const windowErrorFlags: number[] = [];
  for (const [latencyMs, isError] of state.window.oldestFirst()) {
    windowLatenciesMs.push(latencyMs);
    windowErrorFlags.push(isError ? 1 : 0);
  }
  return {
    endpoint: state.name,
    count: state.count,
    errorCount: state.errorCount,
    minLatencyMs: state.minLatencyMs,
    maxLatencyMs: state.maxLatencyMs,
    sumLatencyMs: state.histogram.sumMs,
    windowLatenciesMs,
    windowErrorFlags,
    digestCentroids: state.digest.centroids(),
    histogramCounts: Array.from(state.histogram.counts),
    thresholdsMs: Array.from(state.buckets.thresholdsMs),
    minuteBuckets: state.buckets.minute.rowsOldestFirst(nowMs),
    tenMinuteBuckets: state.buckets.tenMinutes.rowsOldestFirst(nowMs),
  };
}

/**
 * Adds a validated endpoint snapshot to a state whose pending samples were flushed.
 *
 * @internal
 */
export function mergeEndpoint(state: EndpointState, other: SloEndpointSnapshot): void {
  state.count += other.count;
  state.errorCount += other.errorCount;
  state.minLatencyMs = Math.min(state.minLatencyMs, other.minLatencyMs);
  state.maxLatencyMs = Math.max(state.maxLatencyMs, other.maxLatencyMs);
  state.histogram.sumMs += other.sumLatencyMs;
  other.histogramCounts.forEach((count, i) => (state.histogram.counts[i]! += count));
  state.digest.addCentroids(other.digestCentroids);
  interleaveWindows(state, other);
  const goodIndexes = Array.from(state.buckets.thresholdsMs, (threshold) =>
    other.thresholdsMs.indexOf(threshold),
  );
  state.buckets.addRows('minute', other.minuteBuckets, goodIndexes);
  state.buckets.addRows('tenMinutes', other.tenMinuteBuckets, goodIndexes);
  state.version++;
}

/**
 * Rebuilds the window from both windows, oldest first, taking samples from each in proportion to its
 * length (both are taken to span the same recent time), then keeps the newest `windowSize`.
 */
function interleaveWindows(state: EndpointState, other: SloEndpointSnapshot): void {
  const own = [...state.window.oldestFirst()];
  const theirs = other.windowLatenciesMs;
  state.window.clear();
  let i = 0;
  let j = 0;
  while (i < own.length || j < theirs.length) {
    const takeOwn =
      j >= theirs.length || (i < own.length && (i + 1) / own.length <= (j + 1) / theirs.length);
    if (takeOwn) state.window.push(...own[i++]!);
    else {
      state.window.push(theirs[j]!, other.windowErrorFlags[j] === 1);
      j++;
    }
  }
}

/**
 * Checks that `value` has the shape of a {@link SloSnapshot}, with consistent counts and lengths.
 *
 * @throws TypeError when a field has the wrong type
 * @throws RangeError when a number is out of range or lengths disagree
 * @internal
 */
export function validateSnapshot(owner: string, value: unknown): SloSnapshot {
  const snapshot = record(owner, 'snapshot', value);
  if (snapshot.format !== SLO_SNAPSHOT_FORMAT) {
    fail(
      typeof snapshot.format === 'string' ? RangeError : TypeError,
      owner,
      'snapshot.format',
      `"${SLO_SNAPSHOT_FORMAT}"`,
      snapshot.format,
    );
  }
  const bounds = numbers(
    owner,
    'snapshot.latencyBucketsMs',
    snapshot.latencyBucketsMs,
    (n) => n > 0,
    'finite numbers > 0',
  );
  integerAtLeast(owner, 'snapshot.windowSize', snapshot.windowSize, 1);
  finiteNumber(owner, 'snapshot.takenAtMs', snapshot.takenAtMs);
  const registers = numbers(
    owner,
    'snapshot.foldedNameRegisters',
    snapshot.foldedNameRegisters,
    isRegister,
    'integers from 0 to 32',
  );
  if (registers.length !== 0 && registers.length !== 1024)
    fail(RangeError, owner, 'snapshot.foldedNameRegisters', 'empty or 1024 long', registers.length);
  const endpoints = array(owner, 'snapshot.endpoints', snapshot.endpoints);
  const names = new Set<string>();
  endpoints.forEach((endpoint, i) => {
    const name = validateEndpoint(owner, `snapshot.endpoints[${i}]`, endpoint, bounds.length + 1);
    if (names.has(name))
      fail(RangeError, owner, `snapshot.endpoints[${i}].endpoint`, 'unique', name);
    names.add(name);
  });
  return value as SloSnapshot;
}

function validateEndpoint(
  owner: string,
  name: string,
  value: unknown,
  histogramLength: number,
): string {
  const endpoint = record(owner, name, value);
  const endpointName = nonEmptyString(owner, `${name}.endpoint`, endpoint.endpoint);
  const count = integerAtLeast(owner, `${name}.count`, endpoint.count, 1);
  if (integerAtLeast(owner, `${name}.errorCount`, endpoint.errorCount, 0) > count)
    fail(RangeError, owner, `${name}.errorCount`, `at most count (${count})`, endpoint.errorCount);
  for (const key of ['minLatencyMs', 'maxLatencyMs'] as const)
    checkNumber(owner, `${name}.${key}`, endpoint[key], LATENCY_RULE, isLatency);
  checkNumber(
    owner,
    `${name}.sumLatencyMs`,
    endpoint.sumLatencyMs,
    `a finite number from 0 to count × ${MAX_LATENCY_MS}`,
    (n) => n >= 0 && n <= count * MAX_LATENCY_MS,
  );
  const window = numbers(
    owner,
    `${name}.windowLatenciesMs`,
    endpoint.windowLatenciesMs,
    isLatency,
    `numbers from 0 to ${MAX_LATENCY_MS}`,
  );
  numbers(
    owner,
    `${name}.windowErrorFlags`,
    endpoint.windowErrorFlags,
    (n) => n === 0 || n === 1,
    '0 or 1',
    window.length,
  );
  array(owner, `${name}.digestCentroids`, endpoint.digestCentroids).forEach((centroid, k) => {
    const pair = numbers(
      owner,
      `${name}.digestCentroids[${k}]`,
      centroid,
      (n) => n >= 0,
      'finite numbers >= 0',
    );
    if (pair.length !== 2 || pair[1] === 0)
      fail(
        RangeError,
        owner,
        `${name}.digestCentroids[${k}]`,
        'a [mean, weight > 0] pair',
        centroid,
      );
  });
  numbers(
    owner,
    `${name}.histogramCounts`,
    endpoint.histogramCounts,
    isCount,
    'integers >= 0',
    histogramLength,
  );
  const thresholds = numbers(
    owner,
    `${name}.thresholdsMs`,
    endpoint.thresholdsMs,
    (n) => n > 0,
    'finite numbers > 0',
  );
  for (const key of ['minuteBuckets', 'tenMinuteBuckets'] as const)
    validateRows(owner, `${name}.${key}`, endpoint[key], 5 + thresholds.length);
  return endpointName;
}

function validateRows(owner: string, name: string, value: unknown, rowLength: number): void {
  array(owner, name, value).forEach((row, k) => {
    const cells = numbers(owner, `${name}[${k}]`, row, () => true, 'finite numbers', rowLength);
    if (!Number.isSafeInteger(cells[0]) || !cells.slice(1).every((cell) => cell >= 0))
      fail(RangeError, owner, `${name}[${k}]`, 'an integer bucket index and counts >= 0', row);
    if (!(cells[3]! <= cells[1]! * MAX_LATENCY_MS && cells[4]! <= MAX_LATENCY_MS))
      fail(
        RangeError,
        owner,
        `${name}[${k}]`,
        `a latency sum of at most count × ${MAX_LATENCY_MS} and a maximum of at most ${MAX_LATENCY_MS}`,
        row,
      );
  });
}

const isLatency = (n: number): boolean => n >= 0 && n <= MAX_LATENCY_MS;
const LATENCY_RULE = `a finite number from 0 to ${MAX_LATENCY_MS}`;
const isCount = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;
const isRegister = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= 32;

function record(owner: string, name: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    fail(TypeError, owner, name, 'an object', value);
  return value as Record<string, unknown>;
}

function array(owner: string, name: string, value: unknown): unknown[] {
  if (!Array.isArray(value)) fail(TypeError, owner, name, 'an array', value);
  return value as unknown[];
}

/** An array of finite numbers that `valid` accepts (`rule` says which), `length` long when given. */
function numbers(
  owner: string,
  name: string,
  value: unknown,
  valid: (n: number) => boolean,
  rule: string,
  length?: number,
): number[] {
  const items = array(owner, name, value);
  items.forEach((item, i) => checkNumber(owner, `${name}[${i}]`, item, `one of ${rule}`, valid));
  if (length !== undefined && items.length !== length)
    fail(RangeError, owner, name, `${length} long`, items.length);
  return items as number[];
}
