import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type * as Greenslo from '../../src/index.js';
import { packedPackage, type PackedPackage } from '../support/packed-package.js';

// The t-digest is compiled into dist/ from a CommonJS package (with its red-black tree resolved
// alone); the all-time percentiles of the packed build, loaded both ways, show that it works there.
type SloModule = typeof Greenslo;
const root = resolve(import.meta.dirname, '../..');

function allTimeMedianOf(module: SloModule): number {
  const slo = new module.SLOTracker({ windowSize: 10, clock: { nowMs: () => 1_700_000_000_000 } });
  for (let latencyMs = 1; latencyMs <= 1000; latencyMs++) slo.record('/a', latencyMs);
  return slo.stats('/a')?.allTime.p50Ms ?? Number.NaN;
}

describe('the digest compiled into the packed package', () => {
  let packed: PackedPackage;
  beforeAll(async () => {
    packed = await packedPackage();
  }, 600_000);

  it('gives all-time percentiles from the ES module build', async () => {
    const module = (await import(
      pathToFileURL(join(packed.packageDir, 'dist/index.js')).href
    )) as SloModule;
    // Of 1..1000 the median is 500.5; windows of 10 samples cannot hold it, only the digest can.
    expect(allTimeMedianOf(module)).toBeCloseTo(500.5, 0);
  });

  it('gives the same from the CommonJS build', () => {
    const module = createRequire(import.meta.url)(
      join(packed.packageDir, 'dist/index.cjs'),
    ) as SloModule;
    expect(allTimeMedianOf(module)).toBeCloseTo(500.5, 0);
  });

  it('ships the licences of what it compiled in', () => {
    expect(packed.files).toContain('dist/THIRD-PARTY-NOTICES.md');
    const notices = readFileSync(join(packed.packageDir, 'dist/THIRD-PARTY-NOTICES.md'), 'utf8');
    for (const name of ['tdigest', 'bintrees']) {
      const licence = readFileSync(join(root, 'node_modules', name, 'LICENSE'), 'utf8').trim();
      expect(notices).toContain(licence);
    }
  });
});
