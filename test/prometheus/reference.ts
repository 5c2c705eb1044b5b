/**
 * Independent reference computations and fixtures for the Prometheus tests: seeded latencies,
 * numpy-style percentiles, counts at or under a bound, and Prometheus' `histogram_quantile`.
 */
import type { PowerSource } from '../../src/energy/power-source.js';
import type { Clock } from '../../src/core/clock.js';

/** mulberry32: the same numbers on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Latencies in milliseconds, rounded to 0.1 ms so that some fall exactly on bucket bounds. */
export function latenciesMs(random: () => number, count: number, medianMs: number): number[] {
  return Array.from(
    { length: count },
    () => Math.round(medianMs * Math.exp(0.8 * (random() * 2 - 1) * 2) * 10) / 10,
  );
}

/** Linear interpolation between closest ranks (numpy's default), `p` from 0 to 100. */
export function numpyPercentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = ((sorted.length - 1) * p) / 100;
  const low = Math.floor(rank);
  const high = Math.min(low + 1, sorted.length - 1);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

/** How many values are at or under `boundMs`. */
export function countAtOrUnder(values: readonly number[], boundMs: number): number {
  return values.filter((value) => value <= boundMs).length;
}

export interface Bucket {
  readonly upperBound: number;
  readonly count: number;
}

/**
 * `histogram_quantile(q, ...)` as Prometheus 2.x computes it for one series: rank `q x total`, the
 * first bucket whose cumulative count reaches the rank, linear interpolation inside it (from 0 for
 * the first bucket), and the highest finite bound when the rank falls in the `+Inf` bucket.
 */
export function prometheusHistogramQuantile(q: number, buckets: readonly Bucket[]): number {
  const sorted = [...buckets].sort((a, b) => a.upperBound - b.upperBound);
  const observations = sorted[sorted.length - 1]!.count;
  let rank = q * observations;
  let b = sorted.findIndex((bucket, i) => i < sorted.length - 1 && bucket.count >= rank);
  if (b === -1) b = sorted.length - 1;
  if (b === sorted.length - 1) return sorted[sorted.length - 2]!.upperBound;
  if (b === 0 && sorted[0]!.upperBound <= 0) return sorted[0]!.upperBound;
  const bucketStart = b === 0 ? 0 : sorted[b - 1]!.upperBound;
  const bucketEnd = sorted[b]!.upperBound;
  let count = sorted[b]!.count;
  if (b > 0) {
    count -= sorted[b - 1]!.count;
    rank -= sorted[b - 1]!.count;
  }
  return bucketStart + (bucketEnd - bucketStart) * (rank / count);
}

/** A power source whose power the test sets; energy grows with the clock at the power last set. */
export class SteppedPowerSource implements PowerSource {
  readonly name: string;
  #watts: number;
  #joules = 0;
  #sinceMs: number;

  constructor(
    readonly clock: Clock,
    watts: number,
    name = 'stepped',
  ) {
    this.name = name;
    this.#watts = watts;
    this.#sinceMs = clock.nowMs();
  }

  setWatts(watts: number): void {
    this.readJoules(this.clock.nowMs());
    this.#watts = watts;
  }

  readJoules(nowMs: number): number {
    if (nowMs > this.#sinceMs) {
      this.#joules += (this.#watts * (nowMs - this.#sinceMs)) / 1000;
      this.#sinceMs = nowMs;
    }
    return this.#joules;
  }
}
