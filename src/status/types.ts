/**
 * What the status page shows, as plain JSON-friendly objects: `respond('json')` sends a
 * {@link StatusSnapshot} and the HTML page is drawn from the same object.
 */
import type { SloObjectiveKind } from '../slo/objectives.js';
import type { TimeSeriesPoint } from '../slo/time-buckets.js';
import type { StatusBurnWindow, Verdict } from './verdict.js';

/** A latency percentile of an endpoint against its objective. */
export interface LatencyFigure {
  /** The windowed percentile in milliseconds; null when the endpoint recorded nothing. */
  readonly actualMs: number | null;
  /** The objective in milliseconds; null when the endpoint has none for this percentile. */
  readonly targetMs: number | null;
  /** How the percentile stands against the objective. */
  readonly verdict: Verdict;
}

/** The error rate of an endpoint against its objective. */
export interface ErrorRateFigure {
  /** Share (0..1) of the endpoint's requests that failed, since the start; null when it recorded nothing. */
  readonly actualRatio: number | null;
  /** The objective (0..1); null when the endpoint has none. */
  readonly targetRatio: number | null;
  /** How the error rate stands against the objective. */
  readonly verdict: Verdict;
}

/** The error budget of one objective of an endpoint over the tracker's budget period. */
export interface BudgetFigure {
  /** Which objective. */
  readonly kind: SloObjectiveKind;
  /** Share of the budget left (1 - consumed); negative when overspent. */
  readonly remainingRatio: number;
  /** Requests in the period. */
  readonly totalCount: number;
  /** Requests that missed the objective in the period. */
  readonly badCount: number;
  /** `ok` while less than the warning ratio is spent, `at-risk` until it is all spent, then `breached`. */
  readonly verdict: Verdict;
}

/** The highest burn rate among an endpoint's objectives over one window. */
export interface BurnFigure {
  /** The burn rate (`(bad / total) / budget`); Infinity, written null in JSON, against a zero budget. */
  readonly burnRate: number;
  /** The objective burning fastest. */
  readonly kind: SloObjectiveKind;
  /** `ok` up to 1, `at-risk` up to the window's page threshold, `breached` above it. */
  readonly verdict: Verdict;
}

/** Everything the status page shows about one endpoint. */
export interface EndpointStatus {
  /** The endpoint name as the tracker keeps it (escaped in HTML). */
  readonly endpoint: string;
  /** The worst of the endpoint's verdicts: percentiles, error rate, error budget and burn-rate alerts. */
  readonly verdict: Verdict;
  /** Why the verdict is not `ok`, in words (empty when it is `ok` or `unjudged`). */
  readonly reasons: readonly string[];
  /** Requests recorded since the start. */
  readonly requestCount: number;
  /** Median latency against the p50 objective. */
  readonly p50: LatencyFigure;
  /** 95th percentile latency against the p95 objective. */
  readonly p95: LatencyFigure;
  /** 99th percentile latency against the p99 objective. */
  readonly p99: LatencyFigure;
  /** Error rate against the error-rate objective. */
  readonly errorRate: ErrorRateFigure;
  /** Error budget of each objective; empty without objectives. */
  readonly errorBudgets: readonly BudgetFigure[];
  /** The highest burn rate over each shown window; null without objectives. */
  readonly burnRates: Readonly<Record<StatusBurnWindow, BurnFigure>> | null;
  /** Multi-window burn-rate alerts now firing, such as `'page alert: p95 burning 16x over 1h and 15x over 5m'`. */
  readonly alerts: readonly string[];
  /** The tracker's one-minute buckets within the chart window, oldest first. */
  readonly latencySeries: readonly TimeSeriesPoint[];
}

/** One power window of the energy monitor. */
export interface PowerPoint {
  /** End of the window, in epoch milliseconds. */
  readonly endMs: number;
  /** Length of the window, in milliseconds. */
  readonly durationMs: number;
  /** Average power over the window, in watts. */
  readonly powerW: number;
}

/** Energy and carbon figures of the process. */
export interface EnergyStatus {
  /** Name of the power source (`rapl`, `cpu-model`, `constant`...). */
  readonly powerSource: string;
  /** Whether the monitor is tracking. */
  readonly tracking: boolean;
  /** Time covered by the figures, in milliseconds. */
  readonly durationMs: number;
  /** Average power since tracking started, in watts. */
  readonly averagePowerW: number;
  /** Average power of the latest completed power window, in watts; null before the first. */
  readonly recentPowerW: number | null;
  /** Energy measured, in watt-hours. */
  readonly totalEnergyWh: number;
  /** Emissions of that energy, in grams of CO2-equivalent. */
  readonly totalEmissionsG: number;
  /** Requests that ended. */
  readonly requestsTracked: number;
  /** Mean energy of a request, in watt-hours. */
  readonly energyPerRequestWh: number;
  /** Mean emissions of a request, in grams of CO2-equivalent. */
  readonly emissionsPerRequestG: number;
  /** Requests per watt-hour of all energy measured, idle time included. */
  readonly requestsPerWh: number;
  /** Grid carbon intensity in force, in gCO2e per kilowatt-hour. */
  readonly carbonIntensityGPerKWh: number;
  /** Where the intensity comes from: a provider's name, or `fixed`. */
  readonly carbonIntensitySource: string;
  /** Software Carbon Intensity per request, in gCO2e (0 before a request ended). */
  readonly sciGPerRequest: number;
  /** Embodied emissions counted per hour, in gCO2e (0 when not set). */
  readonly embodiedGPerHour: number;
  /** The parts of the power source that report their power now (a GPU, the CPU model), in watts. */
  readonly powerByPartW: readonly {
    /** Name of the part (a GPU, the CPU model). */
    readonly name: string;
    /** Its latest power, in watts. */
    readonly powerW: number;
  }[];
  /** The power warning threshold in watts; null when none is set. */
  readonly powerThresholdW: number | null;
  /** `at-risk` while the windowed power is over the threshold, else `ok`; `unjudged` without a threshold. */
  readonly verdict: Verdict;
  /** The latest completed power windows, oldest first. */
  readonly powerHistory: readonly PowerPoint[];
}

/** Low-power mode and the power it saves. */
export interface LowPowerStatus {
  /** Whether low-power mode is on. */
  readonly enabled: boolean;
  /** Why it last switched; null when no reason was given. */
  readonly reason: string | null;
  /** Measured reduction of average power (0..1, negative if it used more); null until both modes were measured. */
  readonly reductionRatio: number | null;
  /** The reduction low-power mode aims for (0..1). */
  readonly targetReductionRatio: number;
  /** Whether each mode was measured long enough for the reduction to be judged. */
  readonly enoughData: boolean;
  /** Average power in low-power mode, in watts; null until measured. */
  readonly enabledAveragePowerW: number | null;
  /** Average power in normal mode, in watts; null until measured. */
  readonly disabledAveragePowerW: number | null;
  /** `ok` when the target is met, `at-risk` when it is not, `unjudged` without enough data. */
  readonly verdict: Verdict;
}

/** Allowed and limited checks of one rate-limit rule between two samples. */
export interface RateLimitInterval {
  /** Start of the interval, in epoch milliseconds. */
  readonly startMs: number;
  /** End of the interval, in epoch milliseconds. */
  readonly endMs: number;
  /** Checks allowed in the interval. */
  readonly allowed: number;
  /** Checks refused in the interval. */
  readonly limited: number;
}

/** One rate-limit rule: its limit, its totals and its recent decisions. */
export interface RateLimitRuleStatus {
  /** The rule's endpoint pattern, or `'default'`. */
  readonly rule: string;
  /** The limit as text, such as `'10 per 60 s (burst 10)'` or `'unlimited'`. */
  readonly limit: string;
  /** Checks allowed since the limiter was created. */
  readonly allowedTotal: number;
  /** Checks refused since the limiter was created. */
  readonly limitedTotal: number;
  /** Checks allowed since the oldest sample kept. */
  readonly recentAllowed: number;
  /** Checks refused since the oldest sample kept. */
  readonly recentLimited: number;
  /** Allowed and limited checks between consecutive samples, oldest first. */
  readonly intervals: readonly RateLimitInterval[];
}

/** Rate-limit decisions per rule over recent time. */
export interface RateLimitsStatus {
  /** When the oldest sample kept was taken, in epoch milliseconds: the start of "recent". */
  readonly sinceMs: number;
  /** Shortest length of a closed interval, in milliseconds (1/60 of the chart window). */
  readonly sampleSpacingMs: number;
  /** One entry per rule, in the limiter's order (`default` last). */
  readonly rules: readonly RateLimitRuleStatus[];
}

/** Everything the status page shows, as `respond('json')` sends it. */
export interface StatusSnapshot {
  /** The page title. */
  readonly title: string;
  /** When the snapshot was taken, in epoch milliseconds from the page's clock. */
  readonly generatedAtMs: number;
  /** The same instant as an ISO 8601 string. */
  readonly generatedAt: string;
  /** Seconds between automatic reloads of the HTML page; 0 when it does not reload. */
  readonly refreshSeconds: number;
  /** Length of the latency and rate-limit charts' time axis, in milliseconds. */
  readonly chartWindowMs: number;
  /** Share of an objective above which a figure that meets it is at risk (0..1). */
  readonly warningRatio: number;
  /** The worst verdict of the endpoints and the energy figures. */
  readonly verdict: Verdict;
  /** How many endpoints have each verdict. */
  readonly verdictCounts: Readonly<Record<Verdict, number>>;
  /** Every tracked endpoint, worst verdict first, then in the tracker's order; null without a tracker. */
  readonly endpoints: readonly EndpointStatus[] | null;
  /** Energy figures; null without an energy monitor. */
  readonly energy: EnergyStatus | null;
  /** Low-power mode; null without one. */
  readonly lowPower: LowPowerStatus | null;
  /** Rate-limit decisions; null without a limiter. */
  readonly rateLimits: RateLimitsStatus | null;
  /** The rate-limit store's circuit-breaker state (a `RedisStore`'s `breakerState`); null without a `storeBreaker` source. */
  readonly storeBreaker: 'closed' | 'open' | 'half-open' | null;
}
