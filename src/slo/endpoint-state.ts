/**
 * Everything a tracker keeps for one endpoint, and its record path. Memory is fixed per endpoint:
 * the window, the histogram and the time buckets are allocated once; the digest stays bounded.
 *
 * Internal module: its names are not part of the public API unless an entry exports them.
 */
import { AllTimeDigest, type DigestScratch } from './all-time-digest.js';
import { LatencyHistogram } from './latency-histogram.js';
import { LatencyWindow } from './latency-window.js';
import {
  latencyThresholds,
  resolveObjective,
  type ResolvedObjective,
  type SloObjective,
} from './objectives.js';
import { EndpointTimeBuckets } from './time-buckets.js';

export class EndpointState {
  count = 0;
  errorCount = 0;
  minLatencyMs = Infinity;
  maxLatencyMs = -Infinity;
  /** Changes on every record or merge; query caches compare it. */
  version = 0;
  /** Newest samples in the window not yet added to the digest. */
  pendingCount = 0;
  readonly digest = new AllTimeDigest();
  // Fields set in the constructor are `declare`d, so that bundles carry no field declarations.
  declare readonly name: string;
  declare readonly scratch: DigestScratch;
  declare readonly window: LatencyWindow;
  declare readonly histogram: LatencyHistogram;
  declare readonly buckets: EndpointTimeBuckets;
  declare readonly objectives: readonly ResolvedObjective[];
  /** For each objective, the index of its threshold in `buckets.thresholdsMs` (-1 for the error rate). */
  declare readonly thresholdIndexes: readonly number[];
  /** Cached windowed p50, p95, p99, each valid while its entry in `cacheVersions` equals `version`. */
  readonly cachedPercentiles = new Float64Array(3);
  readonly cacheVersions = new Float64Array(3).fill(-1);

  constructor(
    name: string,
    objective: SloObjective | undefined,
    windowSize: number,
    histogramBoundsMs: Float64Array,
    scratch: DigestScratch,
  ) {
    this.name = name;
    this.scratch = scratch;
    this.window = new LatencyWindow(windowSize);
    this.histogram = new LatencyHistogram(histogramBoundsMs);
    this.objectives = resolveObjective(objective);
    const thresholds = [...new Set(latencyThresholds(objective))];
    this.thresholdIndexes = this.objectives.map((o) =>
      o.kind === 'errorRate' ? -1 : thresholds.indexOf(o.target),
    );
    this.buckets = new EndpointTimeBuckets(Float64Array.from(thresholds));
  }

  record(latencyMs: number, isError: boolean, nowMs: number): void {
    this.count++;
    if (isError) this.errorCount++;
    if (latencyMs < this.minLatencyMs) this.minLatencyMs = latencyMs;
    if (latencyMs > this.maxLatencyMs) this.maxLatencyMs = latencyMs;
    this.version++;
    this.window.push(latencyMs, isError);
    this.histogram.record(latencyMs);
    this.buckets.record(nowMs, latencyMs, isError);
    if (++this.pendingCount === this.scratch.batchSize) this.flush();
  }

  /** Adds the pending samples to the digest. */
  flush(): void {
    const pending = this.pendingCount;
    if (pending === 0) return;
    this.window.copyNewest(pending, this.scratch.values);
    this.digest.addBatch(this.scratch, pending);
    this.pendingCount = 0;
  }

  /** The all-time quantile at `ratio` (0..1); every pending sample is added first. */
  allTimeQuantile(ratio: number): number {
    this.flush();
    return this.digest.quantile(ratio) ?? Number.NaN;
  }
}
