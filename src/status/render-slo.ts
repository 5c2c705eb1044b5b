/**
 * The latency-objectives section of the status page: one table row per endpoint.
 *
 * Internal module: its names are not part of the public API unless an entry exports them.
 */
import { MINUTE_BUCKET_MS, type TimeSeriesPoint } from '../slo/time-buckets.js';
import { formatBurnRate, formatDuration, formatMs, formatPercent } from './format.js';
import { escapeHtml } from './html-escape.js';
import { budgetBar, lineChart } from './svg-chart.js';
import type {
  BudgetFigure,
  EndpointStatus,
  ErrorRateFigure,
  LatencyFigure,
  StatusSnapshot,
} from './types.js';
import { STATUS_BURN_WINDOWS, VERDICT_LABELS, type Verdict } from './verdict.js';

/** A dash for figures that do not apply. */
const DASH = '&#x2013;';

/**
 * A character as an HTML character reference. Icons are written this way so that the document
 * stays one byte per character (V8 stores a string with any character past U+00FF at two bytes
 * per character, doubling the work of building and sending the page).
 */
export function characterReference(character: string): string {
  return `&#x${character.codePointAt(0)!.toString(16).toUpperCase()};`;
}

/** A verdict as a shape icon named by its word for screen readers and as a tooltip (empty for `unjudged`). */
export const MARKS: Readonly<Record<Verdict, string>> = /* @__PURE__ */ Object.fromEntries(
  /* @__PURE__ */ (Object.keys(VERDICT_LABELS) as Verdict[]).map((verdict) => {
    const { text, icon } = VERDICT_LABELS[verdict];
    return [
      verdict,
      verdict === 'unjudged'
        ? ''
        : `<span class="mark v-${verdict}" role="img" aria-label="${text}" title="${text}">${characterReference(icon)}</span>`,
    ];
  }),
) as Record<Verdict, string>;

/** A verdict as a badge with its icon and word. */
export function badge(verdict: Verdict): string {
  const { text, icon } = VERDICT_LABELS[verdict];
  return `<span class="badge v-${verdict}"><span aria-hidden="true">${characterReference(icon)}</span> ${text}</span>`;
}

const HEAD =
  '<thead><tr><th scope="col">Endpoint</th><th scope="col">Status</th><th scope="col">Requests</th><th scope="col">P50</th><th scope="col">P95</th>' +
  '<th scope="col">P99</th><th scope="col">Error rate</th><th scope="col">Error budget</th><th scope="col">Burn rate</th><th scope="col">Latency per minute</th></tr></thead>';

/** Reasons shown in a row; the JSON snapshot has them all. */
const SHOWN_REASONS = 2;

/**
 * Rendered rows by endpoint status. The page reuses a status object while its endpoint and minute
 * are unchanged, and a row depends on nothing else, so its HTML can be reused with it.
 */
export type RowCache = WeakMap<EndpointStatus, string>;

/** The section, a note when nothing was recorded, or an empty string without a tracker. */
export function sloSection(snapshot: StatusSnapshot, rows?: RowCache): string {
  const title = '<h2 id="slo-title">Latency objectives</h2>';
  if (snapshot.endpoints === null) return '';
  if (snapshot.endpoints.length === 0)
    return `<section id="slo" aria-labelledby="slo-title">${title}<p class="note">No requests recorded yet.</p></section>`;
  const window = formatDuration(snapshot.chartWindowMs);
  const caption =
    `<caption>Percentiles of each endpoint&#39;s latest requests against its objective: ${MARKS.ok} meets it, ${MARKS['at-risk']} above ` +
    `${formatPercent(snapshot.warningRatio)} of it, ${MARKS.breached} misses it. A burn rate of 1x spends the error budget exactly over its period. ` +
    `Charts: mean (thick line) and slowest (thin line) latency per minute over the last ${window}; dashed line: the tightest latency objective.</caption>`;
  let body = '';
  for (const endpoint of snapshot.endpoints) {
    let row = rows?.get(endpoint);
    if (row === undefined) {
      row = endpointRow(endpoint, snapshot.chartWindowMs, snapshot.generatedAtMs);
      rows?.set(endpoint, row);
    }
    body += row;
  }
  return `<section id="slo" aria-labelledby="slo-title">${title}<div class="scroll" role="region" aria-labelledby="slo-title" tabindex="0"><table class="rows">${caption}${HEAD}<tbody>${body}</tbody></table></div></section>`;
}

function endpointRow(status: EndpointStatus, chartWindowMs: number, nowMs: number): string {
  return (
    `<tr class="row-${status.verdict}"><th scope="row">${escapeHtml(status.endpoint)}</th>` +
    `<td data-label="Status">${badge(status.verdict)}${reasonsOf(status.reasons)}</td>` +
    `<td class="fig" data-label="Requests">${status.requestCount.toLocaleString('en-US')}</td>` +
    latencyCell('P50', status.p50) +
    latencyCell('P95', status.p95) +
    latencyCell('P99', status.p99) +
    errorRateCell(status.errorRate) +
    budgetCell(status.errorBudgets) +
    burnCell(status) +
    `<td data-label="Latency">${latencyChart(status, chartWindowMs, nowMs)}</td></tr>`
  );
}

function reasonsOf(reasons: readonly string[]): string {
  if (reasons.length === 0) return '';
  const more =
    reasons.length > SHOWN_REASONS ? `; ${reasons.length - SHOWN_REASONS} more in the JSON` : '';
  return `<span class="reasons">${escapeHtml(reasons.slice(0, SHOWN_REASONS).join('; '))}${more}</span>`;
}

function burnCell(status: EndpointStatus): string {
  if (status.burnRates === null) return `<td class="fig" data-label="Burn rate">${DASH}</td>`;
  let lines = '';
  for (const window of STATUS_BURN_WINDOWS) {
    const burn = status.burnRates[window];
    lines += `<span class="burn"><span class="window">${window}</span>${MARKS[burn.verdict]}${formatBurnRate(burn.burnRate)}</span>`;
  }
  return `<td class="fig" data-label="Burn rate">${lines}</td>`;
}

function latencyCell(label: string, figure: LatencyFigure): string {
  const value = figure.actualMs === null ? DASH : formatMs(figure.actualMs);
  const target =
    figure.targetMs === null
      ? ''
      : `<span class="target"><span class="sr">objective </span>&#x2264;\u00A0${formatMs(figure.targetMs)}</span>`;
  return `<td class="fig" data-label="${label}">${MARKS[figure.verdict]}${value}${target}</td>`;
}

function errorRateCell(figure: ErrorRateFigure): string {
  const value = figure.actualRatio === null ? DASH : formatPercent(figure.actualRatio);
  const target =
    figure.targetRatio === null
      ? ''
      : `<span class="target"><span class="sr">objective </span>&#x2264;\u00A0${formatPercent(figure.targetRatio)}</span>`;
  return `<td class="fig" data-label="Error rate">${MARKS[figure.verdict]}${value}${target}</td>`;
}

function budgetCell(budgets: readonly BudgetFigure[]): string {
  if (budgets.length === 0) return `<td class="fig" data-label="Error budget">${DASH}</td>`;
  let worst = budgets[0]!;
  for (const budget of budgets) if (budget.remainingRatio < worst.remainingRatio) worst = budget;
  const text =
    worst.remainingRatio < 0
      ? `${formatPercent(1 - worst.remainingRatio)} used`
      : `${formatPercent(worst.remainingRatio)} left`;
  return `<td class="fig" data-label="Error budget">${budgetBar(worst.remainingRatio, worst.verdict)}${MARKS[worst.verdict]}${text}<span class="target">${worst.kind}, last 3\u00A0d</span></td>`;
}

const MEAN_LINE = {
  className: 'mean',
  value: (point: TimeSeriesPoint): number => point.meanLatencyMs,
};
const MAX_LINE = {
  className: 'max',
  value: (point: TimeSeriesPoint): number => point.maxLatencyMs,
};
const LATENCY_LINES = [MAX_LINE, MEAN_LINE];
const startOf = (point: TimeSeriesPoint): number => point.startMs;

function latencyChart(status: EndpointStatus, chartWindowMs: number, nowMs: number): string {
  const points = status.latencySeries;
  const targetMs = status.p95.targetMs ?? status.p99.targetMs ?? status.p50.targetMs ?? undefined;
  const startMs = (Math.floor(nowMs / MINUTE_BUCKET_MS) + 1) * MINUTE_BUCKET_MS - chartWindowMs;
  const endMs = startMs + chartWindowMs - MINUTE_BUCKET_MS;
  const label = latencyLabel(status, formatDuration(chartWindowMs), targetMs);
  return lineChart({
    className: 'spark',
    widthPx: 120,
    heightPx: 36,
    startMs,
    endMs,
    points,
    atMs: startOf,
    lines: LATENCY_LINES,
    reference: targetMs,
    label,
  });
}

function latencyLabel(
  status: EndpointStatus,
  window: string,
  targetMs: number | undefined,
): string {
  const points = status.latencySeries;
  const objective = targetMs === undefined ? '' : `; objective ${formatMs(targetMs)}`;
  if (points.length === 0)
    return `Latency per minute of ${status.endpoint} over the last ${window}: no requests${objective}.`;
  let lowest = Infinity;
  let highest = 0;
  let slowest = 0;
  for (const point of points) {
    lowest = Math.min(lowest, point.meanLatencyMs);
    highest = Math.max(highest, point.meanLatencyMs);
    slowest = Math.max(slowest, point.maxLatencyMs);
  }
  const latest = formatMs(points[points.length - 1]!.meanLatencyMs);
  return (
    `Latency per minute of ${status.endpoint} over the last ${window}: ${points.length} minute${points.length === 1 ? '' : 's'} with requests, ` +
    `mean ${formatMs(lowest)} to ${formatMs(highest)}, slowest request ${formatMs(slowest)}, latest minute mean ${latest}${objective}.`
  );
}
