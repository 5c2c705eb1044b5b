/**
 * Result objects of {@link SLOTracker}: plain, readonly and JSON-friendly (no `undefined`, no
 * `Infinity` in the statistics).
 */
import type { SloObjectiveKind } from './objectives.js';

/** Percentiles of a group of samples, in milliseconds, with the number of samples they rest on. */
export interface LatencySummary {
  /** Samples the percentiles were computed from (a p99 of 1000 samples rests on about 10 of them). */
  readonly sampleCount: number;
  /** Median latency in milliseconds. */
  readonly p50Ms: number;
  /** 95th percentile latency in milliseconds. */
  readonly p95Ms: number;
  /** 99th percentile latency in milliseconds. */
  readonly p99Ms: number;
}

/** Statistics of the last `windowSize` requests of an endpoint (or of every endpoint's window together). */
export interface WindowSummary extends LatencySummary {
  /** Failed requests among the samples. */
  readonly errorCount: number;
  /** `errorCount / sampleCount`. */
  readonly errorRate: number;
  /** Smallest latency among the samples in milliseconds. */
  readonly minLatencyMs: number;
  /** Largest latency among the samples in milliseconds. */
  readonly maxLatencyMs: number;
}

/** Counts since the tracker started (or was reset), shared by endpoint and global statistics. */
export interface RequestCounts {
  /** Requests recorded. */
  readonly count: number;
  /** Failed requests recorded. */
  readonly errorCount: number;
  /** `errorCount / count`; 0 when nothing was recorded. */
  readonly errorRate: number;
}

/** Statistics of one endpoint, as {@link SLOTracker.stats} returns them. */
export interface EndpointStats extends RequestCounts {
  /** The endpoint. */
  readonly endpoint: string;
  /** Mean latency of every request recorded, in milliseconds. */
  readonly meanLatencyMs: number;
  /** Smallest latency recorded, in milliseconds. */
  readonly minLatencyMs: number;
  /** Largest latency recorded, in milliseconds. */
  readonly maxLatencyMs: number;
  /** Exact percentiles of the last `windowSize` requests. */
  readonly window: WindowSummary;
  /** Approximate percentiles (t-digest) of every request recorded. */
  readonly allTime: LatencySummary;
}

/** Statistics over every endpoint together, as {@link SLOTracker.globalStats} returns them. */
export interface GlobalStats extends RequestCounts {
  /** Endpoints tracked, the overflow endpoint included. */
  readonly endpointCount: number;
  /** Mean latency of every request recorded in milliseconds; null when nothing was recorded. */
  readonly meanLatencyMs: number | null;
  /** Exact percentiles of every endpoint's window taken together; null when nothing was recorded. */
  readonly window: WindowSummary | null;
  /** Approximate percentiles of every request recorded; null when nothing was recorded. */
  readonly allTime: LatencySummary | null;
}

/** The result of judging one objective. */
export interface ComplianceCheck {
  /** Which objective. */
  readonly kind: SloObjectiveKind;
  /** The objective: milliseconds for latency kinds, a ratio for `errorRate`. */
  readonly target: number;
  /** The measured value (windowed percentile, or all-time error rate); null when nothing was recorded. */
  readonly actual: number | null;
  /** Whether `actual` is at or under `target`; true when nothing was recorded. */
  readonly passed: boolean;
}

/** Compliance of an endpoint with its objectives, as {@link SLOTracker.checkCompliance} returns it. */
export interface ComplianceResult {
  /** The endpoint. */
  readonly endpoint: string;
  /** Whether every check passed (true when the endpoint has no objectives). */
  readonly compliant: boolean;
  /** One check per objective, in the order p50, p95, p99, error rate. */
  readonly checks: readonly ComplianceCheck[];
}

/** A failed check, as {@link SLOTracker.violations} lists them. */
export interface SloViolation {
  /** The endpoint. */
  readonly endpoint: string;
  /** Which objective failed. */
  readonly kind: SloObjectiveKind;
  /** The objective. */
  readonly target: number;
  /** The measured value, above the target. */
  readonly actual: number;
}

/** One endpoint in a report: its statistics and its compliance. */
export interface EndpointReport extends EndpointStats {
  /** Whether every check passed (true when the endpoint has no objectives). */
  readonly compliant: boolean;
  /** One check per objective. */
  readonly checks: readonly ComplianceCheck[];
}

/** Everything a tracker knows, as {@link SLOTracker.report} returns it. */
export interface SloReport {
  /** When the report was made, as an ISO 8601 string from the tracker's clock. */
  readonly generatedAt: string;
  /** Every endpoint tracked, in the order first seen, the overflow endpoint last. */
  readonly endpoints: readonly EndpointReport[];
  /** Statistics over every endpoint together. */
  readonly global: GlobalStats;
  /**
   * Share (0..1) of the tracked endpoints that have objectives and comply with all of them;
   * 1 when no tracked endpoint has objectives.
   */
  readonly overallCompliance: number;
  /**
   * Approximate number of distinct endpoint names folded into the overflow endpoint (see
   * {@link OVERFLOW_ENDPOINT}); present only when some were.
   */
  readonly foldedEndpointNames?: number;
  /** The `brand` option of the tracker, when given. */
  readonly brand?: string;
}
