import { describe, expect, it } from 'vitest';
import { AllTimeDigest, DigestScratch, MAX_CENTROIDS } from '../../src/slo/all-time-digest.js';
import { lognormal, seededRandom, sortedPercentile } from './reference.js';

function feed(digest: AllTimeDigest, scratch: DigestScratch, samples: readonly number[]): void {
  for (let start = 0; start < samples.length; start += scratch.batchSize) {
    const batch = samples.slice(start, start + scratch.batchSize);
    scratch.values.set(batch);
    digest.addBatch(scratch, batch.length);
  }
}

/** Samples the digest holds: the weights of its centroids added. */
function totalWeight(digest: AllTimeDigest): number {
  return digest.centroids().reduce((sum, [, weight]) => sum + weight, 0);
}

describe('AllTimeDigest', () => {
  it('keeps p50, p95, p99 and p99.9 of a heavy-tailed sample within 1 %', () => {
    const random = seededRandom(77);
    const samples = Array.from({ length: 300_000 }, () =>
      random() < 0.01 ? lognormal(random, 100, 1) : lognormal(random, 5, 0.5),
    );
    const digest = new AllTimeDigest();
    feed(digest, new DigestScratch(1000), samples);
    expect(totalWeight(digest)).toBe(samples.length);
    for (const p of [50, 95, 99, 99.9]) {
      const exact = sortedPercentile(samples, p);
      expect(Math.abs(digest.quantile(p / 100)! - exact) / exact).toBeLessThan(0.01);
    }
  });

  it('handles sorted input (the slow case of the package) and stays bounded', () => {
    const samples = Array.from({ length: 200_000 }, (_, i) => i / 100);
    const digest = new AllTimeDigest();
    feed(digest, new DigestScratch(1024), samples);
    expect(digest.centroids().length).toBeLessThanOrEqual(MAX_CENTROIDS);
    expect(digest.quantile(0.5)! / sortedPercentile(samples, 50)).toBeCloseTo(1, 2);
  });

  it('exports centroids that rebuild the same weight and close quantiles', () => {
    const random = seededRandom(8);
    const samples = Array.from({ length: 50_000 }, () => lognormal(random, 10, 0.8));
    const digest = new AllTimeDigest();
    feed(digest, new DigestScratch(500), samples);
    const copy = new AllTimeDigest();
    copy.addCentroids(digest.centroids());
    expect(totalWeight(copy)).toBe(50_000);
    expect(copy.quantile(0.99)! / digest.quantile(0.99)!).toBeCloseTo(1, 2);
    expect(new AllTimeDigest().quantile(0.5)).toBeUndefined();
  });
});
