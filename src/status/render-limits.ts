/**
 * The rate-limiting section of the status page: allowed and limited checks per rule over recent time.
 *
 * Internal module: its names are not part of the public API unless an entry exports them.
 */
import { formatDuration, formatPercent, significant } from './format.js';
import { escapeHtml } from './html-escape.js';
import { stackedBarChart } from './svg-chart.js';
import type { RateLimitsStatus, RateLimitRuleStatus, StatusSnapshot } from './types.js';

const HEAD =
  '<thead><tr><th scope="col">Rule</th><th scope="col">Limit</th><th scope="col">Allowed</th><th scope="col">Limited</th>' +
  '<th scope="col">Limited share</th><th scope="col">Since start</th><th scope="col">Checks per minute</th></tr></thead>';

/** The section, or an empty string without a limiter. */
export function limitsSection(snapshot: StatusSnapshot): string {
  const limits = snapshot.rateLimits;
  if (limits === null) return '';
  const span = formatDuration(snapshot.generatedAtMs - limits.sinceMs);
  const caption =
    `<caption>Checks allowed and limited per rule over the last ${span} (since the oldest sample this page kept; it samples when it renders). ` +
    `Charts:<span class="key allowed" aria-hidden="true"></span>allowed<span class="key limited" aria-hidden="true"></span>limited, per minute.</caption>`;
  let rows = '';
  for (const rule of limits.rules) rows += ruleRow(rule, limits, snapshot.generatedAtMs, span);
  return (
    `<section id="limits" aria-labelledby="limits-title"><h2 id="limits-title">Rate limiting</h2>` +
    `<div class="scroll" role="region" aria-labelledby="limits-title" tabindex="0"><table class="rows">${caption}${HEAD}<tbody>${rows}</tbody></table></div></section>`
  );
}

function ruleRow(
  rule: RateLimitRuleStatus,
  limits: RateLimitsStatus,
  nowMs: number,
  span: string,
): string {
  const recentTotal = rule.recentAllowed + rule.recentLimited;
  const share = recentTotal === 0 ? '&#x2013;' : formatPercent(rule.recentLimited / recentTotal);
  return (
    `<tr><th scope="row">${escapeHtml(rule.rule)}</th><td data-label="Limit">${escapeHtml(rule.limit)}</td>` +
    `<td class="fig" data-label="Allowed">${rule.recentAllowed.toLocaleString('en-US')}</td>` +
    `<td class="fig" data-label="Limited">${rule.recentLimited.toLocaleString('en-US')}</td>` +
    `<td class="fig" data-label="Limited share">${share}</td>` +
    `<td class="fig" data-label="Since start">${rule.allowedTotal.toLocaleString('en-US')} allowed, ${rule.limitedTotal.toLocaleString('en-US')} limited</td>` +
    `<td data-label="Per minute">${ruleChart(rule, limits, nowMs, span)}</td></tr>`
  );
}

/** Bars of checks per minute; an interval still open and shorter than the spacing counts as the spacing, so a burst seen early does not spike. */
function ruleChart(
  rule: RateLimitRuleStatus,
  limits: RateLimitsStatus,
  nowMs: number,
  span: string,
): string {
  if (rule.intervals.length === 0) return '<span class="note">after the next render</span>';
  if (rule.recentAllowed + rule.recentLimited === 0) return '<span class="note">no checks</span>';
  let busiest = 0;
  const bars = rule.intervals.map((interval) => {
    const minutes = Math.max(interval.endMs - interval.startMs, limits.sampleSpacingMs) / 60_000;
    busiest = Math.max(busiest, (interval.allowed + interval.limited) / minutes);
    return {
      startMs: interval.startMs,
      endMs: interval.endMs,
      lower: interval.allowed / minutes,
      upper: interval.limited / minutes,
    };
  });
  const label =
    `Checks per minute of rule ${rule.rule} over the last ${span}: ${rule.recentAllowed} allowed and ${rule.recentLimited} limited ` +
    `in ${rule.intervals.length} interval${rule.intervals.length === 1 ? '' : 's'}, busiest ${significant(busiest)} per minute.`;
  return stackedBarChart(bars, limits.sinceMs, nowMs, label);
}
