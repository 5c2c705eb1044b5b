/**
 * Exact percentiles over endpoint windows. One scratch array per tracker receives a copy of the
 * window (selection reorders it, the window must keep its order); the copy is reused while the
 * endpoint records nothing new, and p50/p95/p99 are cached per endpoint until its next record.
 *
 * Internal module: its names are not part of the public API unless an entry exports them.
 */
import type { EndpointState } from './endpoint-state.js';
import { PartialOrder } from './quantile.js';
import type { LatencySummary, WindowSummary } from './types.js';

const CACHED_PERCENTILES = [50, 95, 99] as const;

export class WindowQueries {
  readonly #scratch: Float64Array;
  readonly #order = new PartialOrder();
  #owner: EndpointState | undefined;
  #ownerVersion = -1;

  constructor(windowSize: number) {
    this.#scratch = new Float64Array(windowSize);
  }

  /** The `percentile` (0..100) of the endpoint's window; the window must hold at least one sample. */
  percentile(state: EndpointState, percentile: number): number {
    const cacheSlot = CACHED_PERCENTILES.indexOf(percentile as 50 | 95 | 99);
    if (cacheSlot >= 0 && state.cacheVersions[cacheSlot] === state.version)
      return state.cachedPercentiles[cacheSlot]!;
    const value = this.#order.percentile(this.#copyOf(state), state.window.size, percentile);
    if (cacheSlot >= 0) {
      state.cachedPercentiles[cacheSlot] = value;
      state.cacheVersions[cacheSlot] = state.version;
    }
    return value;
  }

  /** Drops the reference to the last endpoint queried (after a reset, so it can be collected). */
  forget(): void {
    this.#owner = undefined;
    this.#ownerVersion = -1;
  }

  /** Percentiles, errors and extremes of the endpoint's window. */
  summary(state: EndpointState): WindowSummary {
    const window = state.window;
    return windowSummary(window.latenciesMs.subarray(0, window.size), window.errorCount, (p) =>
      this.percentile(state, p),
    );
  }

  #copyOf(state: EndpointState): Float64Array {
    if (this.#owner !== state || this.#ownerVersion !== state.version) {
      this.#scratch.set(state.window.latenciesMs.subarray(0, state.window.size));
      this.#order.reset();
      this.#owner = state;
      this.#ownerVersion = state.version;
    }
    return this.#scratch;
  }
}

/** Percentiles, errors and extremes of several windows taken together (for global statistics). @internal */
export function combinedWindowSummary(states: readonly EndpointState[]): WindowSummary | null {
  const total = states.reduce((sum, state) => sum + state.window.size, 0);
  if (total === 0) return null;
  const samples = new Float64Array(total);
  let offset = 0;
  let errorCount = 0;
  for (const state of states) {
    samples.set(state.window.latenciesMs.subarray(0, state.window.size), offset);
    offset += state.window.size;
    errorCount += state.window.errorCount;
  }
  const order = new PartialOrder();
  return windowSummary(samples, errorCount, (p) => order.percentile(samples, total, p));
}

/**
 * P50, P95 and P99 of `sampleCount` samples, from `percentile` (0..100).
 *
 * @internal
 */
export function latencySummary(
  sampleCount: number,
  percentile: (p: number) => number,
): LatencySummary {
  const [p50Ms, p95Ms, p99Ms] = CACHED_PERCENTILES.map(percentile) as [number, number, number];
  return { sampleCount, p50Ms, p95Ms, p99Ms };
}

function windowSummary(
  samples: Float64Array,
  errorCount: number,
  percentile: (p: number) => number,
): WindowSummary {
  const [minLatencyMs, maxLatencyMs] = extremes(samples);
  return {
    ...latencySummary(samples.length, percentile),
    errorCount,
    errorRate: errorCount / samples.length,
    minLatencyMs,
    maxLatencyMs,
  };
}

function extremes(samples: Float64Array): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const sample of samples) {
    if (sample < min) min = sample;
    if (sample > max) max = sample;
  }
  return [min, max];
}
