/**
 * The live status page: one renderer that every adapter's `statusPage(options)` serves, as HTML or
 * as JSON.
 */
import { systemClock, type Clock } from '../core/clock.js';
import {
  clockOption,
  clockReading,
  describeValue,
  integerAtLeast,
  nonEmptyString,
  numberInRange,
  oneOf,
  optionalFunction,
  optionsObject,
} from '../core/validate.js';
import type { EnergyMonitor } from '../energy/energy-monitor.js';
import type { EndpointRateLimiter } from '../rate-limit/endpoint-rate-limiter.js';
import type { RateLimitStore } from '../rate-limit/store.js';
import type { SLOTracker } from '../slo/slo-tracker.js';
import { MINUTE_BUCKET_MS } from '../slo/time-buckets.js';
import type { HttpResult } from '../http/http-result.js';
import { energyStatus, lowPowerStatus, type StatusLowPowerSource } from './collect-energy.js';
import { SloCollector } from './collect-slo.js';
import { RateLimitHistory } from './rate-limit-history.js';
import { renderDocument, STATUS_PAGE_CONTENT_SECURITY_POLICY } from './render-html.js';
import { readStoreBreaker } from './render-store-breaker.js';
import type { RowCache } from './render-slo.js';
import type { StatusSnapshot } from './types.js';
import { DEFAULT_STATUS_WARNING_RATIO, worseVerdict, type Verdict } from './verdict.js';

/**
 * Seconds between automatic reloads of the HTML page (`<meta http-equiv="refresh">`).
 *
 * @defaultValue `10`
 */
export const DEFAULT_STATUS_REFRESH_SECONDS = 10;

/**
 * Title of the status page.
 *
 * @defaultValue `'Service status'`
 */
export const DEFAULT_STATUS_TITLE = 'Service status';

/**
 * Length of the time axis of the latency and rate-limit charts: the last hour.
 *
 * @defaultValue `3600000`
 */
export const DEFAULT_STATUS_CHART_WINDOW_MS = 3_600_000;

/** The two forms of the status page: an HTML document for people, JSON for programs. */
export type StatusPageFormat = 'html' | 'json';

/** Options of {@link createStatusPage}; every source is optional and its section is left out without it. */
export interface StatusPageOptions {
  /** Tracker whose endpoints, objectives, error budgets, burn rates and time buckets are shown. */
  readonly slo?: SLOTracker | undefined;
  /** Energy monitor whose power, energy and carbon figures are shown (read on each render). */
  readonly energy?: EnergyMonitor | undefined;
  /** Rate limiter whose decisions per rule are sampled on each render and shown over recent time. */
  readonly limits?: EndpointRateLimiter<RateLimitStore> | undefined;
  /** Low-power mode whose state and measured reduction are shown. */
  readonly lowPower?: StatusLowPowerSource | undefined;
  /** Returns the state of the rate-limit store's circuit breaker, such as `() => redisStore.breakerState`. */
  readonly storeBreaker?: (() => 'closed' | 'open' | 'half-open') | undefined;
  /** Title of the page. @defaultValue {@link DEFAULT_STATUS_TITLE} */
  readonly title?: string | undefined;
  /** Seconds between reloads of the HTML page, an integer >= 0 (0: no reload). @defaultValue {@link DEFAULT_STATUS_REFRESH_SECONDS} */
  readonly refreshSeconds?: number | undefined;
  /**
   * Share of an objective (0..1) above which a figure that meets it is shown at risk (amber).
   * @defaultValue {@link DEFAULT_STATUS_WARNING_RATIO}
   */
  readonly warningRatio?: number | undefined;
  /**
   * Length of the charts' time axis in milliseconds: whole minutes from 2 minutes to 6 hours (the
   * reach of the tracker's one-minute buckets). @defaultValue {@link DEFAULT_STATUS_CHART_WINDOW_MS}
   */
  readonly chartWindowMs?: number | undefined;
  /** Source of time for the snapshot; give the tracker's clock. @defaultValue `systemClock` */
  readonly clock?: Clock | undefined;
}

/** A status page: a snapshot of its sources, served as HTML or JSON. */
export interface StatusPage {
  /**
   * Reads the sources now (one rate-limit sample included) and returns what the page shows.
   */
  snapshot(): StatusSnapshot;
  /**
   * Reads the sources now and answers with the HTML page (under a strict Content-Security-Policy)
   * or its JSON snapshot, never cached.
   *
   * @param format - `'html'` (the default) or `'json'`; see {@link statusPageFormat} for a query value
   * @throws RangeError or TypeError when `format` is not one of the two, or the clock reads NaN,
   *   ±Infinity, a negative time or one past 8.64e15
   */
  respond(format?: StatusPageFormat): HttpResult;
}

const OWNER = 'statusPage';
/** Six hours, written out: a product would stay in every bundle of the chunk that holds it. */
const MAX_CHART_WINDOW_MS = 21_600_000;

/** Response header fields of the HTML page. */
const HTML_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': STATUS_PAGE_CONTENT_SECURITY_POLICY,
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
});

/** Response header fields of the JSON snapshot. */
const JSON_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Type': 'application/json; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
});

function sourceOption<T>(
  name: string,
  value: T | undefined,
  methods: readonly string[],
  expected: string,
): T | undefined {
  if (value === undefined) return undefined;
  const record = value as Record<string, unknown> | null;
  if (
    typeof record !== 'object' ||
    record === null ||
    methods.some((method) => typeof record[method] !== 'function')
  ) {
    throw new TypeError(`${OWNER}: \`${name}\` must be ${expected}, got ${describeValue(value)}.`);
  }
  return value;
}

function chartWindowOption(value: unknown): number {
  const rule = `whole minutes in milliseconds from ${2 * MINUTE_BUCKET_MS} to ${MAX_CHART_WINDOW_MS}`;
  if (typeof value !== 'number')
    throw new TypeError(
      `${OWNER}: \`chartWindowMs\` must be ${rule}, got ${describeValue(value)}.`,
    );
  if (!(
    value >= 2 * MINUTE_BUCKET_MS &&
    value <= MAX_CHART_WINDOW_MS &&
    value % MINUTE_BUCKET_MS === 0
  )) {
    throw new RangeError(
      `${OWNER}: \`chartWindowMs\` must be ${rule}, got ${describeValue(value)}.`,
    );
  }
  return value;
}

function countVerdicts(endpoints: StatusSnapshot['endpoints']): Record<Verdict, number> {
  const counts: Record<Verdict, number> = { breached: 0, 'at-risk': 0, ok: 0, unjudged: 0 };
  for (const endpoint of endpoints ?? []) counts[endpoint.verdict]++;
  return counts;
}

/**
 * Builds a status page over the given sources. Adapters serve it as `statusPage(options)`; call
 * `respond()` yourself to serve it from anything else.
 *
 * The page reads its sources only when asked (no timer). It keeps each endpoint's figures until the
 * endpoint records again or the minute turns, and up to 62 samples of the limiter's decision counts
 * (one per sixtieth of the chart window at most), so its memory is bounded by the tracker's endpoints.
 *
 * @param options - the sources to show and how; see {@link StatusPageOptions}
 * @returns the page; see {@link StatusPage}
 * @throws TypeError when an option has the wrong type (a source without the methods the page reads)
 *   or an option key is unknown (`limiter` included: the option is `limits`)
 * @throws RangeError when `refreshSeconds` is not an integer >= 0, `warningRatio` is outside 0..1 or
 *   `chartWindowMs` is not whole minutes from 2 minutes to 6 hours
 * @example
 * ```ts
 * import { createStatusPage, SLOTracker } from 'greenslo';
 *
 * const slo = new SLOTracker({ objectives: { '/search': { p95Ms: 200, errorRate: 0.001 } } });
 * const page = createStatusPage({ slo, title: 'Search API' });
 * const { status, headers, body } = page.respond('html');
 * ```
 */
export function createStatusPage(options: StatusPageOptions = {}): StatusPage {
  const settings = resolveOptions(options);
  const { clock, slo, limits } = settings;
  const collector = slo === undefined ? undefined : new SloCollector(slo, settings);
  const history =
    limits === undefined
      ? undefined
      : new RateLimitHistory(limits, settings.chartWindowMs, clockReading(OWNER, clock.nowMs()));
  const snapshot = (): StatusSnapshot => takeSnapshot(settings, collector, history);
  const rows: RowCache = new WeakMap();
  return {
    snapshot,
    respond(format: StatusPageFormat = 'html'): HttpResult {
      const checked = oneOf(`${OWNER}.respond`, 'format', format, ['html', 'json']);
      const taken = snapshot();
      if (checked === 'json')
        return { status: 200, headers: JSON_HEADERS, body: JSON.stringify(taken) };
      return { status: 200, headers: HTML_HEADERS, body: renderDocument(taken, rows) };
    },
  };
}

interface Settings {
  readonly clock: Clock;
  readonly title: string;
  readonly refreshSeconds: number;
  readonly warningRatio: number;
  readonly chartWindowMs: number;
  readonly slo: SLOTracker | undefined;
  readonly energy: EnergyMonitor | undefined;
  readonly limits: EndpointRateLimiter<RateLimitStore> | undefined;
  readonly lowPower: StatusLowPowerSource | undefined;
  readonly storeBreaker: (() => unknown) | undefined;
}

function resolveOptions(options: StatusPageOptions): Settings {
  optionsObject(
    OWNER,
    options,
    [
      'slo',
      'energy',
      'limits',
      'lowPower',
      'storeBreaker',
      'title',
      'refreshSeconds',
      'warningRatio',
      'chartWindowMs',
      'clock',
    ],
    {
      limiter: 'use `limits`, the name every options object gives the rate limiter',
    },
  );
  return {
    clock: clockOption(OWNER, options.clock ?? systemClock),
    title: nonEmptyString(OWNER, 'title', options.title ?? DEFAULT_STATUS_TITLE),
    refreshSeconds: integerAtLeast(
      OWNER,
      'refreshSeconds',
      options.refreshSeconds ?? DEFAULT_STATUS_REFRESH_SECONDS,
      0,
    ),
    warningRatio: numberInRange(
      OWNER,
      'warningRatio',
      options.warningRatio ?? DEFAULT_STATUS_WARNING_RATIO,
      0,
      1,
    ),
    chartWindowMs: chartWindowOption(options.chartWindowMs ?? DEFAULT_STATUS_CHART_WINDOW_MS),
    slo: sourceOption(
      'slo',
      options.slo,
      [
        'endpoints',
        'percentile',
        'errorRate',
        'histogram',
        'timeSeries',
        'burnRates',
        'errorBudget',
      ],
      'an SLOTracker',
    ),
    energy: sourceOption('energy', options.energy, ['metrics', 'powerHistory'], 'an EnergyMonitor'),
    limits: sourceOption(
      'limits',
      options.limits,
      ['decisionCounts', 'match'],
      'an EndpointRateLimiter',
    ),
    lowPower: sourceOption('lowPower', options.lowPower, ['measuredReduction'], 'a LowPowerMode'),
    storeBreaker: optionalFunction(OWNER, 'storeBreaker', options.storeBreaker),
  };
}

function takeSnapshot(
  settings: Settings,
  collector: SloCollector | undefined,
  history: RateLimitHistory | undefined,
): StatusSnapshot {
  const nowMs = clockReading(OWNER, settings.clock.nowMs());
  history?.sample(nowMs);
  const endpoints = collector?.collect(nowMs) ?? null;
  const energy = settings.energy === undefined ? null : energyStatus(settings.energy);
  let verdict: Verdict = energy?.verdict ?? 'unjudged';
  for (const endpoint of endpoints ?? []) verdict = worseVerdict(verdict, endpoint.verdict);
  return {
    title: settings.title,
    generatedAtMs: nowMs,
    generatedAt: new Date(nowMs).toISOString(),
    refreshSeconds: settings.refreshSeconds,
    chartWindowMs: settings.chartWindowMs,
    warningRatio: settings.warningRatio,
    verdict,
    verdictCounts: countVerdicts(endpoints),
    endpoints,
    energy,
    lowPower: settings.lowPower === undefined ? null : lowPowerStatus(settings.lowPower),
    rateLimits: history?.status() ?? null,
    storeBreaker:
      settings.storeBreaker === undefined ? null : readStoreBreaker(OWNER, settings.storeBreaker),
  };
}

/**
 * The format a request asks for through its `format` query parameter: `'json'` for
 * `?format=json`, else `'html'`. Accepts what frameworks give for a query parameter (a string, an
 * array of strings, null or undefined).
 *
 * @param formatParameter - the value of the `format` query parameter
 * @example
 * ```ts
 * page.respond(statusPageFormat(new URL(request.url).searchParams.get('format')));
 * ```
 */
export function statusPageFormat(formatParameter: unknown): StatusPageFormat {
  const value: unknown = Array.isArray(formatParameter) ? formatParameter[0] : formatParameter;
  return value === 'json' ? 'json' : 'html';
}
