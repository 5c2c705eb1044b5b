/**
 * Module-level functions for the simplest use: one default {@link SLOTracker}, created on first use
 * with the default options (system clock, {@link DEFAULT_SLOS}). This is a convenience with
 * process-wide state; create your own `SLOTracker` to choose options or to test with a `ManualClock`.
 */
import { SLOTracker, type RecordOptions } from './slo-tracker.js';
import type { SloReport } from './types.js';

let defaultTracker: SLOTracker | undefined;

/**
 * The tracker behind {@link trackEndpointLatency}, {@link getP95Latency} and {@link generateSloReport},
 * created with the default options on first use.
 */
export function getDefaultSloTracker(): SLOTracker {
  return (defaultTracker ??= new SLOTracker());
}

/**
 * Records one request in the default tracker (see {@link SLOTracker.record}).
 *
 * @param endpoint - the endpoint name, such as `'/health'`
 * @param latencyMs - how long the request took, in milliseconds
 * @param options - `{ error: true }` when the request failed
 * @throws TypeError when `endpoint` is not a non-empty string
 * @throws RangeError when `latencyMs` is NaN, negative or infinite
 * @example
 * ```ts
 * import { trackEndpointLatency, getP95Latency } from 'greenslo';
 * trackEndpointLatency('/health', 3.2);
 * getP95Latency('/health'); // 3.2
 * ```
 */
export function trackEndpointLatency(
  endpoint: string,
  latencyMs: number,
  options?: RecordOptions,
): void {
  getDefaultSloTracker().record(endpoint, latencyMs, options);
}

/**
 * The default tracker's windowed P95 of an endpoint, in milliseconds.
 *
 * @returns undefined when the endpoint recorded nothing
 */
export function getP95Latency(endpoint: string): number | undefined {
  return getDefaultSloTracker().p95(endpoint);
}

/** The default tracker's report (see {@link SLOTracker.report}). */
export function generateSloReport(): SloReport {
  return getDefaultSloTracker().report();
}
