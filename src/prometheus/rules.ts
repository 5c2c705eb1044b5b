import { optionsObject } from '../core/validate.js';
import type { SloObjectives } from '../slo/objectives.js';
import {
  BURN_RATE_ALERT_RULES,
  BURN_RATE_WINDOWS_MS,
  type BurnRateAlertRule,
  type BurnRateWindow,
} from '../slo/burn-rate.js';
import {
  checkPrefix,
  DEFAULT_PROMETHEUS_PREFIX,
  escapeLabelValue,
  formatLe,
  requestMetricNames,
  sloLabel,
} from './names.js';

/** Options of {@link prometheusRules}. */
export interface PrometheusRulesOptions {
  /**
   * The SLO period the error budget covers, as a Prometheus duration in days, hours or weeks.
   * @defaultValue `'30d'`
   */
  readonly period?: string;
  /**
   * Prefix of the metric names, the same as given to `renderPrometheus`.
   * @defaultValue `'greenslo_'`
   */
  readonly prefix?: string;
}

/** Windows of the recorded SLI error ratios: the windows `SLOTracker.burnRates` reports. */
export const SLO_RULE_WINDOWS = Object.keys(BURN_RATE_WINDOWS_MS) as readonly BurnRateWindow[];

type Window = BurnRateWindow;

/** The period the alert thresholds of `BURN_RATE_ALERT_RULES` are set for: 30 days. */
const REFERENCE_PERIOD_HOURS = 720;
const PERIOD_UNIT_HOURS: Record<string, number> = { h: 1, d: 24, w: 168 };

interface Sli {
  readonly endpoint: string;
  readonly slo: string;
  /** Error budget as a ratio of events, written as PromQL would read it. */
  readonly budget: string;
  readonly errorRatio: (window: Window) => string;
}

function periodHours(period: unknown): number {
  const match = typeof period === 'string' ? /^([1-9][0-9]*)([hdw])$/.exec(period) : null;
  if (!match)
    throw new RangeError(
      `prometheusRules: \`period\` must be a duration such as '30d', '4w' or '720h', got ${JSON.stringify(period)}.`,
    );
  return Number(match[1]) * PERIOD_UNIT_HOURS[match[2]!]!;
}

function latencySli(
  endpoint: string,
  percentile: 50 | 95 | 99,
  thresholdMs: number,
  prefix: string,
): Sli {
  const names = requestMetricNames(prefix);
  const selector = `endpoint="${escapeLabelValue(endpoint)}"`;
  return {
    endpoint,
    slo: sloLabel(`p${percentile}`),
    budget: String((100 - percentile) / 100),
    errorRatio: (window) =>
      `1 - (sum(rate(${names.durationSeconds}_bucket{${selector},le="${formatLe(thresholdMs)}"}[${window}])) / sum(rate(${names.durationSeconds}_count{${selector}}[${window}])))`,
  };
}

function errorSli(endpoint: string, errorRate: number, prefix: string): Sli {
  const names = requestMetricNames(prefix);
  const selector = `endpoint="${escapeLabelValue(endpoint)}"`;
  return {
    endpoint,
    slo: sloLabel('errorRate'),
    budget: String(errorRate),
    errorRatio: (window) =>
      `sum(rate(${names.errorsTotal}{${selector}}[${window}])) / sum(rate(${names.requestsTotal}{${selector}}[${window}]))`,
  };
}

function slisOf(objectives: SloObjectives, prefix: string): Sli[] {
  const slis: Sli[] = [];
  for (const [endpoint, objective] of Object.entries(objectives)) {
    if (objective.p50Ms !== undefined)
      slis.push(
        latencySli(endpoint, 50, checkThreshold(endpoint, 'p50Ms', objective.p50Ms), prefix),
      );
    if (objective.p95Ms !== undefined)
      slis.push(
        latencySli(endpoint, 95, checkThreshold(endpoint, 'p95Ms', objective.p95Ms), prefix),
      );
    if (objective.p99Ms !== undefined)
      slis.push(
        latencySli(endpoint, 99, checkThreshold(endpoint, 'p99Ms', objective.p99Ms), prefix),
      );
    if (objective.errorRate !== undefined)
      slis.push(errorSli(endpoint, checkErrorRate(endpoint, objective.errorRate), prefix));
  }
  return slis;
}

function checkThreshold(endpoint: string, name: string, value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  throw new RangeError(
    `prometheusRules: \`objectives[${JSON.stringify(endpoint)}].${name}\` must be a finite number > 0, got ${String(value)}.`,
  );
}

function checkErrorRate(endpoint: string, value: unknown): number {
  if (typeof value === 'number' && value > 0 && value < 1) return value;
  throw new RangeError(
    `prometheusRules: \`objectives[${JSON.stringify(endpoint)}].errorRate\` must be a number between 0 and 1 (exclusive), got ${String(value)}.`,
  );
}

const quote = (text: string): string => JSON.stringify(text);
/** A YAML single-quoted scalar: PromQL's double quotes stay readable inside it. */
const singleQuote = (text: string): string => `'${text.replace(/'/g, "''")}'`;

function labelLines(sli: Sli, indent: string): string[] {
  return [
    `${indent}labels:`,
    `${indent}  endpoint: ${quote(sli.endpoint)}`,
    `${indent}  slo: ${quote(sli.slo)}`,
  ];
}

function recordingGroup(slis: readonly Sli[], recordName: (window: Window) => string): string[] {
  const lines = ['  - name: greenslo-slo-error-ratios', '    rules:'];
  for (const window of SLO_RULE_WINDOWS) {
    for (const sli of slis) {
      lines.push(
        `      - record: ${recordName(window)}`,
        `        expr: ${singleQuote(sli.errorRatio(window))}`,
        ...labelLines(sli, '        '),
      );
    }
  }
  return lines;
}

function alertExpression(
  sli: Sli,
  rules: readonly BurnRateAlertRule[],
  hours: number,
  recordName: (window: Window) => string,
): string {
  const selector = `{endpoint="${escapeLabelValue(sli.endpoint)}",slo="${sli.slo}"}`;
  return rules
    .map((rule) => {
      // Each rule spends a fixed share of the budget within its long window, so its threshold
      // scales with the period: 14.4 for 30 days is 13.44 for 28.
      const factor = String(
        Number(((rule.burnRateThreshold * hours) / REFERENCE_PERIOD_HOURS).toPrecision(12)),
      );
      const threshold = `(${factor} * ${sli.budget})`;
      return `(${recordName(rule.longWindow)}${selector} > ${threshold} and ${recordName(rule.shortWindow)}${selector} > ${threshold})`;
    })
    .join(' or ');
}

function alertGroup(
  slis: readonly Sli[],
  hours: number,
  period: string,
  recordName: (window: Window) => string,
): string[] {
  const lines = ['  - name: greenslo-slo-burn-rate-alerts', '    rules:'];
  for (const sli of slis) {
    for (const severity of ['page', 'ticket'] as const) {
      const rules = BURN_RATE_ALERT_RULES.filter((rule) => rule.severity === severity);
      lines.push(
        `      - alert: ${severity === 'page' ? 'GreensloErrorBudgetBurnFast' : 'GreensloErrorBudgetBurnSlow'}`,
        `        expr: ${singleQuote(alertExpression(sli, rules, hours, recordName))}`,
        ...labelLines(sli, '        '),
        `          severity: ${severity}`,
        '        annotations:',
        `          summary: ${quote(`${sli.endpoint} is spending its ${sli.slo} error budget too fast`)}`,
        `          description: ${quote(`The ${sli.slo} objective of ${sli.endpoint} (error budget ${sli.budget} of events over ${period}) is burning faster than the ${severity} thresholds allow.`)}`,
      );
    }
  }
  return lines;
}

/**
 * Writes a Prometheus rules file (YAML) for a fleet: recording rules for each objective's error
 * ratio over 5m, 30m, 1h, 2h, 6h, 1d and 3d, and multi-window, multi-burn-rate alerts (page: 14.4x
 * over 1h and 5m, 6x over 6h and 30m; ticket: 3x over 1d and 2h, 1x over 3d and 6h, for a 30-day
 * period).
 *
 * Latency objectives are counted as good/total events from the request-duration histogram: P95 <
 * 10 ms means at least 95 % of requests fall in the bucket `le="0.01"`, so the ratio is exact across
 * every instance. Error-rate objectives use the request and error counters.
 *
 * @param objectives - objectives keyed by endpoint, as `SLOTracker` takes them
 * @param options - SLO period and metric prefix
 * @returns the rules file, ready for `promtool check rules` and Prometheus' `rule_files`
 * @throws RangeError for an invalid period or objective value; TypeError for an invalid prefix
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { DEFAULT_SLOS } from 'greenslo';
 * import { prometheusRules } from 'greenslo/prometheus';
 *
 * writeFileSync('greenslo-rules.yml', prometheusRules(DEFAULT_SLOS, { period: '30d' }));
 * ```
 */
export function prometheusRules(
  objectives: SloObjectives,
  options: PrometheusRulesOptions = {},
): string {
  optionsObject('prometheusRules', options, ['period', 'prefix']);
  const prefix = checkPrefix('prometheusRules', options.prefix ?? DEFAULT_PROMETHEUS_PREFIX);
  const period = options.period ?? '30d';
  const hours = periodHours(period);
  const slis = slisOf(objectives, prefix);
  const recordName = (window: Window): string => `endpoint:${prefix}slo_error_ratio:rate${window}`;
  const header = [
    `# SLO recording rules and burn-rate alerts written by greenslo for a ${period} period.`,
    `# ${slis.length} objectives over ${new Set(slis.map((sli) => sli.endpoint)).size} endpoints.`,
    'groups:',
  ];
  if (slis.length === 0) return `${header.join('\n')} []\n`;
  return `${[...header, ...recordingGroup(slis, recordName), ...alertGroup(slis, hours, period, recordName)].join('\n')}\n`;
}
