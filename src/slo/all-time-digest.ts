/**
 * All-time latency quantiles of one endpoint, in a t-digest from the `tdigest` package.
 *
 * Samples reach the digest in batches rather than one by one: a batch is sorted, neighbouring values
 * are pre-merged into small centroids (single samples in the tails, where quantiles need detail), and
 * the centroids are pushed in a fixed interleaved order. This costs about a third of pushing each
 * sample, and the interleaving avoids the digest's slow case (sorted input). The digest's own random
 * recompression is switched off; when it grows past {@link MAX_CENTROIDS} it is rebuilt the same
 * interleaved way, so equal inputs always give equal quantiles.
 *
 * Internal module: its names are not part of the public API unless an entry exports them.
 */
import tdigest from 'tdigest';

/** Compression of the digest: the largest share of all samples one centroid may hold. */
const DIGEST_DELTA = 0.01;
/** Compression of the pre-merge inside one batch (coarser than the digest, finer than its tails). */
const BATCH_DELTA = 0.02;
/** Above this many centroids the digest is rebuilt; the package's own threshold is 25 / delta. */
export const MAX_CENTROIDS = 2500;
/** The largest batch; smaller windows use their own size. */
export const MAX_BATCH_SIZE = 1024;

/** Scratch space shared by every digest of one tracker, so batches allocate nothing. */
export class DigestScratch {
  // Fields set in the constructor are `declare`d, so that bundles carry no field declarations.
  declare readonly batchSize: number;
  declare readonly values: Float64Array;
  declare readonly means: Float64Array;
  declare readonly weights: Float64Array;

  constructor(batchSize: number) {
    this.batchSize = batchSize;
    this.values = new Float64Array(batchSize);
    this.means = new Float64Array(batchSize);
    this.weights = new Float64Array(batchSize);
  }
}

export class AllTimeDigest {
  readonly #digest = new tdigest.TDigest(DIGEST_DELTA, 0);

  /** Adds `count` samples already copied into `scratch.values` (they are sorted in place). */
  addBatch(scratch: DigestScratch, count: number): void {
    const sorted = scratch.values.subarray(0, count).sort();
    const groups = groupSorted(sorted, scratch.means, scratch.weights);
    this.#pushInterleaved(scratch.means, scratch.weights, groups);
  }

  /** Adds centroids exported by another digest (see {@link AllTimeDigest.centroids}). */
  addCentroids(centroids: readonly (readonly [number, number])[]): void {
    const means = new Float64Array(centroids.length);
    const weights = new Float64Array(centroids.length);
    centroids.forEach(([mean, weight], i) => {
      means[i] = mean;
      weights[i] = weight;
    });
    this.#pushInterleaved(means, weights, centroids.length);
  }

  /** The value at `ratio` (0..1) of everything added, or undefined when empty. */
  quantile(ratio: number): number | undefined {
    return this.#digest.percentile(ratio);
  }

  /** The centroids as `[mean, weight]` pairs ordered by mean: plain JSON. */
  centroids(): [number, number][] {
    return this.#digest.toArray().map((centroid) => [centroid.mean, centroid.n]);
  }

  #pushInterleaved(means: Float64Array, weights: Float64Array, count: number): void {
    const step = interleaveStep(count);
    for (let k = 0, i = 0; k < count; k++, i = (i + step) % count) {
      this.#digest.push(means[i]!, weights[i]);
    }
    if (this.#digest.size() > MAX_CENTROIDS) this.#rebuild();
  }

  #rebuild(): void {
    const centroids = this.centroids();
    this.#digest.reset();
    this.addCentroids(centroids);
  }
}

/**
 * Pre-merges sorted values into centroids written to `means` and `weights`; returns how many. A
 * centroid at quantile q holds at most `4 * n * BATCH_DELTA * q * (1 - q)` values (at least one), the
 * t-digest's own size bound, so the tails stay single samples.
 */
function groupSorted(sorted: Float64Array, means: Float64Array, weights: Float64Array): number {
  const total = sorted.length;
  let groups = 0;
  let i = 0;
  while (i < total) {
    let sum = sorted[i]!;
    let weight = 1;
    i++;
    while (i < total) {
      const quantile = (i - weight / 2) / total;
      if (weight + 1 > 4 * total * BATCH_DELTA * quantile * (1 - quantile)) break;
      sum += sorted[i]!;
      weight++;
      i++;
    }
    means[groups] = sum / weight;
    weights[groups] = weight;
    groups++;
  }

  return groups;
}

/** A step near the golden ratio of `count` and coprime with it, so stepping visits every index once. */
function interleaveStep(count: number): number {
  if (count <= 2) return 1;
  let step = Math.max(1, Math.round(count * 0.618));
  while (greatestCommonDivisor(step, count) !== 1) step++;
  return step;
}

function greatestCommonDivisor(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
