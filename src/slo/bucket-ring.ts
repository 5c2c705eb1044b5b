/**
 * Counts of one endpoint per fixed time bucket (one minute, ten minutes) in a ring of reused slots,
 * so memory stays fixed however long the process runs.
 *
 * Each slot holds, in one `Float64Array` row: the bucket's index (start time / width), requests,
 * failed requests, latency sum, latency maximum, and for each latency threshold the requests at or
 * under it.
 *
 * Internal module: its names are not part of the public API unless an entry exports them.
 */

const INDEX = 0;
const COUNT = 1;
const ERRORS = 2;
const SUM = 3;
const MAX = 4;
/** Offset of the first per-threshold good count in a row. */
export const FIRST_GOOD = 5;

/** Sums over a range of buckets. */
export interface BucketTotals {
  count: number;
  errorCount: number;
  /** Requests at or under each latency threshold, in threshold order. */
  readonly goodCounts: number[];
}

export class BucketRing {
  // Fields set in the constructor are `declare`d, so that bundles carry no field declarations.
  declare readonly widthMs: number;
  declare readonly length: number;
  declare readonly thresholdsMs: Float64Array;
  declare readonly rows: Float64Array;
  declare readonly stride: number;
  /** Index of the newest bucket written; records never go to an older one. */
  #currentIndex = -Infinity;
  #currentBase = 0;

  constructor(widthMs: number, length: number, thresholdsMs: Float64Array) {
    this.widthMs = widthMs;
    this.length = length;
    this.thresholdsMs = thresholdsMs;
    this.stride = FIRST_GOOD + thresholdsMs.length;
    this.rows = new Float64Array(length * this.stride).fill(Number.NaN);
  }

  record(nowMs: number, latencyMs: number, isError: boolean): void {
    const index = Math.floor(nowMs / this.widthMs);
    const base = index === this.#currentIndex ? this.#currentBase : this.#moveTo(index);
    const rows = this.rows;
    rows[base + COUNT]!++;
    if (isError) rows[base + ERRORS]!++;
    rows[base + SUM]! += latencyMs;
    if (latencyMs > rows[base + MAX]!) rows[base + MAX] = latencyMs;
    const thresholds = this.thresholdsMs;
    for (let t = 0; t < thresholds.length; t++)
      if (latencyMs <= thresholds[t]!) rows[base + FIRST_GOOD + t]!++;
  }

  /** Totals of the `bucketCount` newest buckets up to the one holding `nowMs` (or the newest written). */
  totals(nowMs: number, bucketCount: number): BucketTotals {
    const totals: BucketTotals = {
      count: 0,
      errorCount: 0,
      goodCounts: Array.from(this.thresholdsMs, () => 0),
    };
    const last = Math.max(Math.floor(nowMs / this.widthMs), this.#currentIndex);
    for (let index = last - bucketCount + 1; index <= last; index++) {
      const base = this.#baseOf(index);
      if (this.rows[base + INDEX] !== index) continue;
      totals.count += this.rows[base + COUNT]!;
      totals.errorCount += this.rows[base + ERRORS]!;
      for (let t = 0; t < totals.goodCounts.length; t++)
        totals.goodCounts[t]! += this.rows[base + FIRST_GOOD + t]!;
    }
    return totals;
  }

  /** The rows of the buckets still held that have requests, oldest first (copies). */
  rowsOldestFirst(nowMs: number): number[][] {
    const result: number[][] = [];
    this.forEachRow(nowMs, (rows, base) =>
      result.push(Array.from(rows.subarray(base, base + this.stride))),
    );
    return result;
  }

  /**
   * Calls `visit` with the ring's storage and a row's offset for every bucket that holds requests,
   * oldest first, without copying rows (the status page reads hours of buckets per endpoint).
   */
  forEachRow(nowMs: number, visit: (rows: Float64Array, base: number) => void): void {
    const last = Math.max(Math.floor(nowMs / this.widthMs), this.#currentIndex);
    for (let index = last - this.length + 1; index <= last; index++) {
      const base = this.#baseOf(index);
      if (this.rows[base + INDEX] === index && this.rows[base + COUNT]! > 0) visit(this.rows, base);
    }
  }

  /**
   * Adds a row from another ring with the same width. `goodCounts[t]` is added to threshold t; a row
   * older than the ring's reach is dropped.
   */
  addRow(
    index: number,
    count: number,
    errorCount: number,
    sumMs: number,
    maxMs: number,
    goodCounts: readonly number[],
  ): void {
    if (index <= this.#currentIndex - this.length) return;
    const base = index === this.#currentIndex ? this.#currentBase : this.#claim(index);
    const rows = this.rows;
    rows[base + COUNT]! += count;
    rows[base + ERRORS]! += errorCount;
    rows[base + SUM]! += sumMs;
    if (maxMs > rows[base + MAX]!) rows[base + MAX] = maxMs;
    goodCounts.forEach((good, t) => (rows[base + FIRST_GOOD + t]! += good));
  }

  /** Starts bucket `index` when it is newer than the current one; an older time stays in the current bucket. */
  #moveTo(index: number): number {
    return index < this.#currentIndex ? this.#currentBase : this.#claim(index);
  }

  /** The slot of bucket `index`, emptied first if it held an older bucket. */
  #claim(index: number): number {
    const base = this.#baseOf(index);
    if (this.rows[base + INDEX] !== index) {
      this.rows.fill(0, base, base + this.stride);
      this.rows[base + INDEX] = index;
    }
    if (index > this.#currentIndex) {
      this.#currentIndex = index;
      this.#currentBase = base;
    }
    return base;
  }

  #baseOf(index: number): number {
    const slot = index % this.length;
    return (slot < 0 ? slot + this.length : slot) * this.stride;
  }
}
