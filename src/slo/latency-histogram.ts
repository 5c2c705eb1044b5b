/**
 * A latency histogram with fixed bucket bounds, as Prometheus keeps one: the count of requests at or
 * under each bound. The bounds include every objective's threshold, so the share of requests within
 * a latency objective is exact.
 */
import { fail, positiveNumber } from '../core/validate.js';
import { latencyThresholds, type SloObjectives } from './objectives.js';

/**
 * The largest latency `SLOTracker.record` accepts, in milliseconds: 2^31 − 1 (about 24.8 days), so
 * that latency sums stay exact and finite however many requests are added, also across merged
 * snapshots.
 *
 * @defaultValue `2_147_483_647`
 */
export const MAX_LATENCY_MS = 2_147_483_647;

/**
 * Default upper bounds of the latency histogram buckets, in milliseconds: Prometheus' default
 * buckets (5 ms to 10 s) with 1 ms and 2.5 ms added for fast endpoints such as health checks. Each
 * tracker adds its objectives' latency thresholds to these.
 *
 * @defaultValue `[1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000]`
 */
export const DEFAULT_LATENCY_BUCKETS_MS: readonly number[] = Object.freeze([
  1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000,
]);

/** A cumulative latency histogram of one endpoint, as {@link SLOTracker.histogram} returns it. */
export interface LatencyHistogramSnapshot {
  /** The endpoint the histogram belongs to. */
  readonly endpoint: string;
  /** Upper bounds of the buckets in milliseconds, ascending; a last bucket without bound follows them. */
  readonly boundsMs: readonly number[];
  /**
   * Requests whose latency was at or under each bound (`le` in Prometheus), one more entry than
   * `boundsMs`: the last is every request (the `+Inf` bucket).
   */
  readonly cumulativeCounts: readonly number[];
  /** Requests recorded. */
  readonly count: number;
  /** Sum of all recorded latencies in milliseconds. */
  readonly sumMs: number;
}

/**
 * The bucket bounds of a tracker: the given bounds and every latency threshold of the objectives,
 * ascending, without duplicates.
 *
 * @internal
 */
export function histogramBounds(
  owner: string,
  boundsMs: unknown,
  objectives: SloObjectives,
): Float64Array {
  if (!Array.isArray(boundsMs))
    fail(TypeError, owner, 'latencyBucketsMs', 'an array of finite numbers > 0', boundsMs);
  const all = new Set<number>();
  boundsMs.forEach((bound, i) => all.add(positiveNumber(owner, `latencyBucketsMs[${i}]`, bound)));
  for (const objective of Object.values(objectives))
    for (const threshold of latencyThresholds(objective)) all.add(threshold);

  return Float64Array.from(all).sort();
}

/**
 * Counts per bucket (not cumulative on the write path, so a record touches one counter).
 *
 * @internal
 */
export class LatencyHistogram {
  // Fields set in the constructor are `declare`d, so that bundles carry no field declarations.
  /** Requests per bucket: index i counts latencies in (bound[i-1], bound[i]]; the last has no bound. */
  declare readonly counts: Float64Array;
  declare readonly boundsMs: Float64Array;
  sumMs = 0;

  constructor(boundsMs: Float64Array) {
    this.boundsMs = boundsMs;
    this.counts = new Float64Array(boundsMs.length + 1);
  }

  record(latencyMs: number): void {
    const bounds = this.boundsMs;
    let low = 0;
    let high = bounds.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (bounds[middle]! < latencyMs) low = middle + 1;
      else high = middle;
    }
    this.counts[low]!++;
    this.sumMs += latencyMs;
  }

  cumulativeCounts(): number[] {
    const cumulative: number[] = [];
    let total = 0;
    for (const count of this.counts) cumulative.push((total += count));
    return cumulative;
  }
}
