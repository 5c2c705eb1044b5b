/**
 * Independent reference computations for the SLO tests: a full sort and numpy's default percentile
 * (linear interpolation between closest ranks, `rank = p / 100 * (n - 1)`, interpolated from the
 * nearer end as numpy's `_lerp` does).
 */
export function sortedPercentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const below = Math.floor(rank);
  const above = Math.min(below + 1, sorted.length - 1);
  const t = rank - below;
  const a = sorted[below]!;
  const b = sorted[above]!;
  if (t === 0) return a;
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
}

export { seededRandom } from '../support/seeded-random.js';

/** A lognormal sampler (Box-Muller) over the given uniform source. */
export function lognormal(random: () => number, medianMs: number, sigma: number): number {
  const u = 1 - random();
  return (
    medianMs * Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random()))
  );
}
