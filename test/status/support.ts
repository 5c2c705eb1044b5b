/**
 * Shared set-up of the status page tests: a tracker with three objectives that 100 requests of 1 to
 * 100 ms meet comfortably, closely and not at all, and an endpoint name that is markup.
 */
import { SLOTracker } from '../../src/slo/index.js';
import { ManualClock } from '../../src/testing/index.js';

/** A minute boundary, so that minute buckets start at T0 + k minutes. */
export const T0 = 1_700_000_040_000;
export const MINUTE_MS = 60_000;
export const SCRIPT_ENDPOINT = '<script>alert(1)</script>';

/** numpy's default percentile (linear interpolation between closest ranks), by a full sort. */
export function percentileOf(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const below = Math.floor(rank);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (rank - below);
}

/** Latencies 1..100 ms; request i (0-based) is recorded in minute floor(i / 10). */
export const LATENCIES_MS = Array.from({ length: 100 }, (_, i) => i + 1);

/**
 * `/fast` (p95 <= 200 ms, errors <= 5 %, one error), `/close` (p95 <= 100 ms), `/slow`
 * (p95 <= 90 ms) and the script endpoint (no objective) each receive the same 100 requests, ten a
 * minute from T0; the clock then stands at T0 + 9.5 minutes.
 */
export function trackedService() {
  const clock = new ManualClock(T0);
  const slo = new SLOTracker({
    clock,
    objectives: {
      '/fast': { p95Ms: 200, errorRate: 0.05 },
      '/close': { p95Ms: 100 },
      '/slow': { p95Ms: 90 },
    },
  });
  LATENCIES_MS.forEach((latencyMs, i) => {
    clock.setMs(T0 + Math.floor(i / 10) * MINUTE_MS + (i % 10) * 1000);
    for (const endpoint of ['/fast', '/close', '/slow', SCRIPT_ENDPOINT])
      slo.record(endpoint, latencyMs, { error: endpoint === '/fast' && i === 0 });
  });
  clock.setMs(T0 + 9 * MINUTE_MS + 30_000);
  return { clock, slo };
}
