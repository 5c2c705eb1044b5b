/**
 * Per-endpoint request counts over time, in two rings of buckets: one-minute buckets for the last
 * six hours and ten-minute buckets for the last three days. Memory per endpoint is fixed: 792
 * buckets of `5 + thresholds` numbers each.
 */
import { BucketRing, FIRST_GOOD, type BucketTotals } from './bucket-ring.js';

/** Width of the fine time buckets: one minute. */
export const MINUTE_BUCKET_MS = 60_000;
/** Fine buckets kept: six hours of minutes. */
const MINUTE_BUCKET_COUNT = 360;
/** Width of the coarse time buckets: ten minutes. */
export const TEN_MINUTE_BUCKET_MS = 600_000;
/** Coarse buckets kept: three days of ten-minute buckets. */
const TEN_MINUTE_BUCKET_COUNT = 432;

/** Which ring of time buckets to read: one-minute buckets (last 6 h) or ten-minute buckets (last 3 d). */
export type TimeSeriesResolution = 'minute' | 'tenMinutes';

/** One time bucket of an endpoint's requests. */
export interface TimeSeriesPoint {
  /** Start of the bucket in epoch milliseconds. */
  readonly startMs: number;
  /** Requests recorded in the bucket. */
  readonly count: number;
  /** Failed requests recorded in the bucket. */
  readonly errorCount: number;
  /** Mean latency of the bucket's requests in milliseconds. */
  readonly meanLatencyMs: number;
  /** Largest latency of the bucket's requests in milliseconds. */
  readonly maxLatencyMs: number;
}

/** An endpoint's recent requests per time bucket, as {@link SLOTracker.timeSeries} returns them. */
export interface TimeSeries {
  /** The endpoint the series belongs to. */
  readonly endpoint: string;
  /** Width of each bucket in milliseconds. */
  readonly bucketMs: number;
  /** Buckets that hold requests, oldest first; buckets without requests are left out. */
  readonly points: readonly TimeSeriesPoint[];
}

/** One time bucket in a snapshot, as plain JSON: `[bucketIndex, count, errorCount, sumMs, maxMs, ...goodCounts]`. */
export type BucketRow = readonly number[];

/**
 * The two rings of one endpoint.
 *
 * @internal
 */
export class EndpointTimeBuckets {
  // Fields set in the constructor are `declare`d, so that bundles carry no field declarations.
  declare readonly thresholdsMs: Float64Array;
  declare readonly minute: BucketRing;
  declare readonly tenMinutes: BucketRing;

  /** @param thresholdsMs - latency thresholds whose good counts (latency at or under) are kept */
  constructor(thresholdsMs: Float64Array) {
    this.thresholdsMs = thresholdsMs;
    this.minute = new BucketRing(MINUTE_BUCKET_MS, MINUTE_BUCKET_COUNT, thresholdsMs);
    this.tenMinutes = new BucketRing(TEN_MINUTE_BUCKET_MS, TEN_MINUTE_BUCKET_COUNT, thresholdsMs);
  }

  record(nowMs: number, latencyMs: number, isError: boolean): void {
    this.minute.record(nowMs, latencyMs, isError);
    this.tenMinutes.record(nowMs, latencyMs, isError);
  }

  /**
   * Totals over the last `windowMs`: from the minute ring when it reaches that far, else from the
   * ten-minute ring. The window holds its last whole buckets including the current, partly elapsed one.
   */
  totals(nowMs: number, windowMs: number): BucketTotals {
    const ring = windowMs <= MINUTE_BUCKET_MS * MINUTE_BUCKET_COUNT ? this.minute : this.tenMinutes;
    return ring.totals(nowMs, Math.ceil(windowMs / ring.widthMs));
  }

  series(nowMs: number, resolution: TimeSeriesResolution): TimeSeriesPoint[] {
    const ring = this[resolution];
    const points: TimeSeriesPoint[] = [];
    ring.forEachRow(nowMs, (rows, base) => {
      const count = rows[base + 1]!;
      points.push({
        startMs: rows[base]! * ring.widthMs,
        count,
        errorCount: rows[base + 2]!,
        meanLatencyMs: rows[base + 3]! / count,
        maxLatencyMs: rows[base + 4]!,
      });
    });
    return points;
  }

  /**
   * Adds rows exported from another process's rings. `goodIndexes[t]` is the position, in the other
   * rows' good counts, of this endpoint's threshold t.
   */
  addRows(
    resolution: TimeSeriesResolution,
    rows: readonly BucketRow[],
    goodIndexes: readonly number[],
  ): void {
    const ring = this[resolution];
    // Oldest first, so that the ring's newest bucket moves forward as rows arrive.
    const ordered = [...rows].sort((a, b) => a[0]! - b[0]!);
    for (const row of ordered) {
      const goods = goodIndexes.map((index) => row[FIRST_GOOD + index]!);
      ring.addRow(row[0]!, row[1]!, row[2]!, row[3]!, row[4]!, goods);
    }
  }
}
