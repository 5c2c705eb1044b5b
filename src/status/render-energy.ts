/**
 * The energy section of the status page: figures as tiles, a power chart and low-power mode.
 *
 * Internal module: its names are not part of the public API unless an entry exports them.
 */
import {
  formatDuration,
  formatPercent,
  formatUtc,
  formatWatts,
  formatWithPrefix,
  significant,
} from './format.js';
import { escapeHtml } from './html-escape.js';
import { badge, MARKS } from './render-slo.js';
import { lineChart } from './svg-chart.js';
import type { EnergyStatus, LowPowerStatus, StatusSnapshot } from './types.js';

function tile(label: string, value: string): string {
  return `<div><dt>${label}</dt><dd>${value}</dd></div>`;
}

/** The section, or an empty string without an energy monitor and a low-power mode. */
export function energySection(snapshot: StatusSnapshot): string {
  const { energy, lowPower } = snapshot;
  if (energy === null && lowPower === null) return '';
  const parts =
    (energy === null ? '' : energyFigures(energy) + powerChart(energy)) +
    (lowPower === null ? '' : lowPowerBlock(lowPower));
  return `<section id="energy" aria-labelledby="energy-title"><h2 id="energy-title">Energy and carbon</h2>${parts}</section>`;
}

function energyFigures(energy: EnergyStatus): string {
  const threshold =
    energy.powerThresholdW === null
      ? 'none set'
      : `${MARKS[energy.verdict]}${energy.verdict === 'ok' ? 'under' : 'over'} ${formatWatts(energy.powerThresholdW)}`;
  const recent =
    energy.recentPowerW === null
      ? ''
      : ` <span class="target">latest window ${formatWatts(energy.recentPowerW)}</span>`;
  return (
    `<p class="meta">Measured over ${formatDuration(energy.durationMs)}${energy.tracking ? '' : ' (tracking stopped)'} at ${significant(energy.carbonIntensityGPerKWh)}\u00A0gCO&#x2082;e/kWh (${intensitySource(energy.carbonIntensitySource)}).</p><dl class="tiles">` +
    tile('Power source', escapeHtml(energy.powerSource)) +
    tile('Average power', formatWatts(energy.averagePowerW) + recent) +
    energy.powerByPartW
      .map(({ name, powerW }) => tile(`Power now, ${escapeHtml(name)}`, formatWatts(powerW)))
      .join('') +
    tile(
      'SCI per request',
      formatWithPrefix(energy.sciGPerRequest, 'g') +
        (energy.embodiedGPerHour > 0
          ? ` <span class="target">with ${significant(energy.embodiedGPerHour)}\u00A0g/h embodied</span>`
          : ''),
    ) +
    tile('Energy per request', formatWithPrefix(energy.energyPerRequestWh, 'Wh')) +
    tile('CO&#x2082;e per request', formatWithPrefix(energy.emissionsPerRequestG, 'g')) +
    tile('Requests per Wh', significant(energy.requestsPerWh)) +
    tile('Requests measured', energy.requestsTracked.toLocaleString('en-US')) +
    tile('Total energy', formatWithPrefix(energy.totalEnergyWh, 'Wh')) +
    tile('Total CO&#x2082;e', formatWithPrefix(energy.totalEmissionsG, 'g')) +
    tile('Power threshold', threshold) +
    '</dl>'
  );
}

function intensitySource(source: string): string {
  return source === 'fixed' ? 'fixed figure' : `live, from ${escapeHtml(source)}`;
}

function powerChart(energy: EnergyStatus): string {
  const history = energy.powerHistory;
  if (history.length === 0)
    return '<p class="note">The power chart appears after the first completed power window.</p>';
  const first = history[0]!;
  const last = history[history.length - 1]!;
  const startMs = first.endMs - first.durationMs;
  let lowest = Infinity;
  let highest = 0;
  for (const window of history) {
    lowest = Math.min(lowest, window.powerW);
    highest = Math.max(highest, window.powerW);
  }
  const threshold =
    energy.powerThresholdW === null ? '' : `; threshold ${formatWatts(energy.powerThresholdW)}`;
  const label = `Average power of the last ${history.length} power windows, ${formatUtc(startMs)} to ${formatUtc(last.endMs)}: from ${formatWatts(lowest)} to ${formatWatts(highest)}, latest ${formatWatts(last.powerW)}${threshold}.`;
  // Each window's power is drawn at its end; the first also at its start, so the line spans the axis.
  const points = [{ endMs: startMs, powerW: first.powerW }, ...history];
  const lines = [{ className: 'power', value: (point: { powerW: number }) => point.powerW }];
  const reference = energy.powerThresholdW ?? undefined;
  const chart = lineChart({
    className: 'chart',
    widthPx: 600,
    heightPx: 140,
    startMs,
    endMs: last.endMs,
    points,
    atMs: (point) => point.endMs,
    lines,
    reference,
    label,
  });
  return (
    `<figure><figcaption>Power per window, up to ${formatWatts(Math.max(highest, energy.powerThresholdW ?? 0))}` +
    `${energy.powerThresholdW === null ? '' : '<span class="key reference" aria-hidden="true"></span>threshold'}</figcaption>${chart}` +
    `<div class="axis" aria-hidden="true"><span>${formatUtc(startMs)}</span><span>${formatUtc(last.endMs)}</span></div></figure>`
  );
}

function lowPowerBlock(lowPower: LowPowerStatus): string {
  const state = lowPower.enabled ? '<strong>On</strong>' : '<strong>Off</strong>';
  const reason = lowPower.reason === null ? '' : ` (${escapeHtml(lowPower.reason)})`;
  const target = formatPercent(lowPower.targetReductionRatio);
  let measured: string;
  if (lowPower.reductionRatio === null)
    measured = `not measured yet: each mode must run while energy is tracked (target ${target}).`;
  else {
    const verdictText =
      lowPower.verdict === 'ok'
        ? 'target met'
        : lowPower.verdict === 'at-risk'
          ? 'target missed'
          : 'not enough data yet';
    const powers = `${formatWatts(lowPower.enabledAveragePowerW!)} in low-power mode against ${formatWatts(lowPower.disabledAveragePowerW!)} in normal mode`;
    measured = `${formatPercent(lowPower.reductionRatio)} less average power (${powers}); target ${target}: ${badge(lowPower.verdict)} ${verdictText}.`;
  }
  return `<h3>Low-power mode</h3><p>State: ${state}${reason}.</p><p>Measured reduction: ${measured}</p>`;
}
