/**
 * Small inline SVG charts for the status page: no script, no external resource, and a text
 * alternative (`role="img"`, `aria-label` and a `<title>` tooltip) on every chart that carries
 * information. Strokes keep their width through the style sheet's `vector-effect:
 * non-scaling-stroke`. Coordinates are whole numbers in a
 * drawing ten times the chart's size: integers print much faster than fractions, and 200 charts
 * hold some 50,000 coordinates.
 *
 * Internal module: its names are not part of the public API unless an entry exports them.
 */
import { escapeHtml } from './html-escape.js';
import type { Verdict } from './verdict.js';

/** A line of a chart: a CSS class and how to read its value from a point. */
export interface ChartLine<T> {
  /** CSS class of the line (`mean`, `max`, `power`). */
  readonly className: string;
  /** The point's value, in the chart's unit. */
  readonly value: (point: T) => number;
}

/** What a line chart draws: lines read from one list of points. */
export interface LineChartSpec<T> {
  /** CSS class of the `<svg>`. */
  readonly className: string;
  /** Width of the chart in CSS pixels at its natural size (the CSS decides the displayed size). */
  readonly widthPx: number;
  /** Height of the chart in CSS pixels at its natural size. */
  readonly heightPx: number;
  /** Start of the time axis, in epoch milliseconds. */
  readonly startMs: number;
  /** End of the time axis, in epoch milliseconds. */
  readonly endMs: number;
  /** The points, oldest first. */
  readonly points: readonly T[];
  /** The point's position on the time axis, in epoch milliseconds. */
  readonly atMs: (point: T) => number;
  /** Lines, drawn in order. */
  readonly lines: readonly ChartLine<T>[];
  /** A dashed horizontal line such as an objective or a threshold, in the chart's unit. */
  readonly reference?: number | undefined;
  /** The text alternative: what the chart shows, with its main figures. */
  readonly label: string;
}

/** Drawing units per chart pixel. */
const SCALE = 10;
/** Two chart pixels (2 × SCALE), written out: a product would stay in every bundle of the chunk that holds it. */
const PAD = 20;

function openSvg(className: string, widthPx: number, heightPx: number, label: string): string {
  const text = escapeHtml(label);
  return (
    `<svg class="${className}" viewBox="0 0 ${widthPx * SCALE} ${heightPx * SCALE}" preserveAspectRatio="none" role="img" aria-label="${text}">` +
    `<title>${text}</title>`
  );
}

/**
 * A line chart over a time axis starting at 0, with an optional dashed reference line; the last
 * point of each line is marked, so a single point shows.
 */
export function lineChart<T>(spec: LineChartSpec<T>): string {
  const { startMs, endMs, points, atMs } = spec;
  const width = spec.widthPx * SCALE;
  const height = spec.heightPx * SCALE;
  const count = points.length;
  let maxValue = spec.reference ?? 0;
  for (const line of spec.lines)
    for (let i = 0; i < count; i++) maxValue = Math.max(maxValue, line.value(points[i]!));
  const yScale = maxValue > 0 ? (height - 2 * PAD) / (maxValue * 1.05) : 0;
  const xScale = endMs > startMs ? (width - 2 * PAD) / (endMs - startMs) : 0;
  // Every line shares the points' x: compute each once.
  const xs = new Array<number>(count);
  for (let i = 0; i < count; i++)
    xs[i] = Math.round(
      PAD + (Math.min(Math.max(atMs(points[i]!), startMs), endMs) - startMs) * xScale,
    );
  let svg = openSvg(spec.className, spec.widthPx, spec.heightPx, spec.label);
  if (spec.reference !== undefined) {
    const ry = Math.round(height - PAD - spec.reference * yScale);
    svg += `<line class="reference" x1="0" x2="${width}" y1="${ry}" y2="${ry}"/>`;
  }
  if (count === 0) return `${svg}</svg>`;
  for (const line of spec.lines) {
    let coordinates = '';
    let lastY = 0;
    for (let i = 0; i < count; i++) {
      lastY = Math.round(height - PAD - line.value(points[i]!) * yScale);
      coordinates += xs[i]! + ',' + lastY + ' ';
    }
    svg += `<polyline class="${line.className}" points="${coordinates}"/><circle class="${line.className}-last" cx="${xs[count - 1]!}" cy="${lastY}" r="16"/>`;
  }
  return `${svg}</svg>`;
}

/** One stacked bar of the rate-limit chart. */
export interface StackedBar {
  readonly startMs: number;
  readonly endMs: number;
  /** Height of the lower part (allowed checks per minute). */
  readonly lower: number;
  /** Height of the upper part (limited checks per minute). */
  readonly upper: number;
}

/** Stacked bars over a time axis: the lower part `allowed`, the upper part `limited`. */
export function stackedBarChart(
  bars: readonly StackedBar[],
  startMs: number,
  endMs: number,
  label: string,
): string {
  const width = 160 * SCALE;
  const height = 32 * SCALE;
  let maxValue = 0;
  for (const bar of bars) maxValue = Math.max(maxValue, bar.lower + bar.upper);
  const yScale = maxValue > 0 ? (height - PAD) / maxValue : 0;
  const xScale = endMs > startMs ? width / (endMs - startMs) : 0;
  let svg = openSvg('bars', 160, 32, label);
  for (const bar of bars) {
    const x = Math.round((bar.startMs - startMs) * xScale);
    const barWidth = Math.max(5, Math.round((bar.endMs - bar.startMs) * xScale) - 6);
    const lowerHeight = Math.round(bar.lower * yScale);
    const upperHeight = Math.round(bar.upper * yScale);
    if (lowerHeight > 0)
      svg += `<rect class="allowed" x="${x}" y="${height - lowerHeight}" width="${barWidth}" height="${lowerHeight}"/>`;
    if (upperHeight > 0)
      svg += `<rect class="limited" x="${x}" y="${height - lowerHeight - upperHeight}" width="${barWidth}" height="${upperHeight}"/>`;
  }
  return `${svg}</svg>`;
}

/**
 * A horizontal bar showing the share of an error budget left; decorative (`aria-hidden`) because the
 * same figure is written beside it.
 */
export function budgetBar(remainingRatio: number, verdict: Verdict): string {
  const width = Math.round(Math.min(Math.max(remainingRatio, 0), 1) * 100);
  return (
    `<svg class="budget" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true" focusable="false">` +
    `<rect class="track" width="100" height="8"/><rect class="fill v-${verdict}" width="${width}" height="8"/></svg>`
  );
}
