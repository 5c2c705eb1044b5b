/**
 * Exact percentiles of a small sample by selection, without sorting it: linear interpolation
 * between the closest ranks, as numpy's default (`rank = p / 100 * (n - 1)`).
 *
 * Internal module: its names are not part of the public API unless an entry exports them.
 */

/**
 * Rearranges `values[left..right]` so that `values[k]` holds the value a sort would put there, every
 * value before it is smaller or equal and every value after it is greater or equal. Floyd and
 * Rivest's selection: on large ranges it first selects within a small sample around the expected
 * position, so the partitions that follow are short. Expected time is linear, with fewer
 * comparisons than quickselect.
 */
export function selectInPlace(values: Float64Array, left: number, right: number, k: number): void {
  while (right > left) {
    if (right - left > 600) narrowAround(values, left, right, k);
    const pivot = values[k]!;
    let i = left;
    let j = right;
    swap(values, left, k);
    if (values[right]! > pivot) swap(values, right, left);
    while (i < j) {
      swap(values, i, j);
      i++;
      j--;
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
    }
    if (values[left] === pivot) swap(values, left, j);
    else swap(values, ++j, right);
    if (j <= k) left = j + 1;
    if (k <= j) right = j - 1;
  }
}

/** Selects `k` within a sample range around it whose size grows as n^(2/3), bringing a good pivot to `k`. */
function narrowAround(values: Float64Array, left: number, right: number, k: number): void {
  const n = right - left + 1;
  const offset = k - left + 1;
  const z = Math.log(n);
  const sampleSize = 0.5 * Math.exp((2 * z) / 3);
  const deviation =
    0.5 * Math.sqrt((z * sampleSize * (n - sampleSize)) / n) * Math.sign(offset - n / 2);
  const sampleLeft = Math.max(left, Math.floor(k - (offset * sampleSize) / n + deviation));
  const sampleRight = Math.min(right, Math.floor(k + ((n - offset) * sampleSize) / n + deviation));
  selectInPlace(values, sampleLeft, sampleRight, k);
}

function swap(values: Float64Array, a: number, b: number): void {
  const value = values[a]!;
  values[a] = values[b]!;
  values[b] = value;
}

/**
 * Percentiles of one sample held in a scratch array, remembering which positions already hold their
 * sorted value: each later selection then only searches between the nearest known positions, so a
 * p99 after a p95 costs little more than a scan of the top 5 %.
 */
export class PartialOrder {
  /** Positions known to hold the value a sort would put there, ascending. */
  readonly #fixed: number[] = [];

  /** Forgets what is known; call it whenever the array's contents change. */
  reset(): void {
    this.#fixed.length = 0;
  }

  /**
   * The `percentile` (0..100) of the first `count` entries of `values` (which it reorders).
   *
   * @param values - the sample; entries `0..count-1` are used and reordered
   * @param count - how many entries to use; must be >= 1
   * @param percentile - from 0 to 100
   */
  percentile(values: Float64Array, count: number, percentile: number): number {
    const rank = (percentile / 100) * (count - 1);
    const lowerRank = Math.floor(rank);
    const lower = this.#select(values, count, lowerRank);
    const fraction = rank - lowerRank;
    return fraction === 0
      ? lower
      : interpolate(lower, this.#select(values, count, lowerRank + 1), fraction);
  }

  #select(values: Float64Array, count: number, k: number): number {
    const fixed = this.#fixed;
    let i = 0;
    while (i < fixed.length && fixed[i]! < k) i++;
    if (fixed[i] === k) return values[k]!;
    const left = i > 0 ? fixed[i - 1]! + 1 : 0;
    const right = i < fixed.length ? fixed[i]! - 1 : count - 1;
    if (k === left) moveMinimumTo(values, left, right);
    else selectInPlace(values, left, right, k);
    fixed.splice(i, 0, k);
    return values[k]!;
  }
}

function moveMinimumTo(values: Float64Array, left: number, right: number): void {
  let smallest = left;
  for (let i = left + 1; i <= right; i++) if (values[i]! < values[smallest]!) smallest = i;
  swap(values, left, smallest);
}

/**
 * Linear interpolation written as numpy writes it (from the nearer end), so that results match
 * numpy's `percentile` to the last bit.
 */
export function interpolate(lower: number, upper: number, fraction: number): number {
  const difference = upper - lower;
  return fraction >= 0.5 ? upper - difference * (1 - fraction) : lower + difference * fraction;
}
