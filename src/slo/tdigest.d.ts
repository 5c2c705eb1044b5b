/**
 * Minimal typing of the `tdigest` package (CommonJS, no bundled types), covering only what greenslo
 * calls. Kept beside its single user; nothing here is part of greenslo's public API.
 */
declare module 'tdigest' {
  /** A centroid as the digest exports it. */
  interface Centroid {
    mean: number;
    n: number;
  }

  /** Dunning's t-digest over a red-black tree of centroids. */
  interface TDigest {
    /** Total weight pushed. */
    n: number;
    /** Number of centroids. */
    size(): number;
    /** Adds a value `n` times (default once). NaN is silently dropped: validate first. */
    push(x: number, n?: number): void;
    /** The value at quantile `p` (0..1); undefined when empty. */
    percentile(p: number): number | undefined;
    /** Centroids ordered by mean. */
    toArray(): Centroid[];
    /** Removes every centroid. */
    reset(): void;
  }

  interface TDigestConstructor {
    /**
     * @param delta - compression: the largest share of all samples one centroid may hold
     * @param K - automatic (random-order) recompression when the size passes `K / delta`; 0 turns it off
     * @param CX - how stale cumulative counts may grow during ingest
     */
    new (delta?: number | false, K?: number, CX?: number): TDigest;
  }

  const tdigest: { TDigest: TDigestConstructor };
  export default tdigest;
}
