/**
 * Exact percentiles of a small sample by selection, without sorting it: linear interpolation
 * between the closest ranks, as numpy's default (`rank = p / 100 * (n - 1)`).
 *
 * @internal
 */

/**
 * Rearranges `values[left..right]` so that `values[k]` holds the value a sort would put there, every
 * value before it is smaller or equal and every value after it is greater or equal (Hoare's
 * quickselect with a median-of-three pivot; expected linear time).
 */
export function selectInPlace(values: Float64Array, left: number, right: number, k: number): void {
  while (right > left) {
    const middle = (left + right) >>> 1;
    orderThree(values, left, middle, right);
    const pivot = values[middle]!;
    let i = left;
    let j = right;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const swap = values[i]!;
        values[i] = values[j]!;
        values[j] = swap;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return;
  }
}

function orderThree(values: Float64Array, a: number, b: number, c: number): void {
  if (values[b]! < values[a]!) swap(values, a, b);
  if (values[c]! < values[b]!) {
    swap(values, b, c);
    if (values[b]! < values[a]!) swap(values, a, b);
  }
}

function swap(values: Float64Array, a: number, b: number): void {
  const value = values[a]!;
  values[a] = values[b]!;
  values[b] = value;
}

/**
 * The `percentile` (0..100) of the first `count` entries of `values`, which it reorders.
 * Repeated calls on the same entries are cheaper: the earlier selections leave them partly ordered.
 *
 * @param values - the sample; entries `0..count-1` are used and reordered
 * @param count - how many entries to use; must be >= 1
 * @param percentile - from 0 to 100
 */
export function percentileInPlace(values: Float64Array, count: number, percentile: number): number {
  const rank = (percentile / 100) * (count - 1);
  const lowerRank = Math.floor(rank);
  selectInPlace(values, 0, count - 1, lowerRank);
  const lower = values[lowerRank]!;
  const fraction = rank - lowerRank;
  if (fraction === 0) return lower;
  // Everything after lowerRank is >= lower, so the next value in sorted order is their minimum.
  let upper = Infinity;
  for (let i = lowerRank + 1; i < count; i++) if (values[i]! < upper) upper = values[i]!;
  return interpolate(lower, upper, fraction);
}

/**
 * Linear interpolation written as numpy writes it (from the nearer end), so that results match
 * numpy's `percentile` to the last bit.
 */
export function interpolate(lower: number, upper: number, fraction: number): number {
  const difference = upper - lower;
  return fraction >= 0.5 ? upper - difference * (1 - fraction) : lower + difference * fraction;
}
