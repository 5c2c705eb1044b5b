/**
 * The demo's report as text a person reads at a glance: requests, latency and SLO verdicts per
 * endpoint, rate limiting with a sample 429, energy and the low-power comparison.
 */
import type { DemoReport, EndpointLine, LowPowerComparison, ObjectiveVerdict } from './report.js';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const PREFIXES: readonly (readonly [number, string])[] = [
  [1, ''],
  [1e-3, 'm'],
  [1e-6, 'µ'],
  [1e-9, 'n'],
];
/** Response header fields not worth showing in the sample 429. */
const PLUMBING = new Set(['date', 'connection', 'keep-alive', 'content-length']);

/** `0.00042` Wh -> `420 µWh`: three significant digits with an SI prefix. */
export function withPrefix(value: number, unit: string): string {
  if (value === 0 || !Number.isFinite(value)) return `${value} ${unit}`;
  const [scale, prefix] =
    PREFIXES.find(([factor]) => Math.abs(value) >= factor) ?? PREFIXES[PREFIXES.length - 1]!;
  return `${Number((value / scale).toPrecision(3))} ${prefix}${unit}`;
}

const ms = (value: number): string => value.toFixed(2).padStart(8);
const percent = (ratio: number, digits = 0): string => `${(ratio * 100).toFixed(digits)} %`;

function objectiveText(objective: ObjectiveVerdict): string {
  if (objective.kind === 'errorRate')
    return `errors ${percent(objective.actual ?? 0, 2)} < ${percent(objective.target, 2)}`;
  return `${objective.kind} < ${objective.target} ms`;
}

function endpointRow(line: EndpointLine, width: number): string {
  const verdict =
    line.verdict === 'none'
      ? '-     no objective'
      : `${line.verdict}  ${line.objectives.map(objectiveText).join(', ')}`;
  return `  ${line.endpoint.padEnd(width)} ${integer.format(line.requests).padStart(8)} ${ms(line.p50Ms)} ${ms(line.p95Ms)} ${ms(line.p99Ms)}   ${verdict}`;
}

function latencySection(report: DemoReport): string[] {
  const width = Math.max(20, ...report.endpoints.map((line) => line.endpoint.length));
  return [
    "Latency and SLOs (measured by the service's SLOTracker, over every request it served)",
    `  ${'endpoint'.padEnd(width)} ${'requests'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'p99 ms'.padStart(8)}   SLO`,
    ...report.endpoints.map((line) => endpointRow(line, width)),
  ];
}

function rateLimitSection(report: DemoReport): string[] {
  const { rules, sample429 } = report.rateLimits;
  const width = Math.max(20, ...rules.map((rule) => rule.rule.length));
  const lines = [
    'Rate limiting (per client address; each API client sends X-Forwarded-For)',
    `  ${'rule'.padEnd(width)} ${'limit'.padEnd(16)} ${'allowed'.padStart(8)} ${'limited'.padStart(8)}`,
    ...rules.map(
      (rule) =>
        `  ${rule.rule.padEnd(width)} ${rule.limit.padEnd(16)} ${integer.format(rule.allowed).padStart(8)} ${integer.format(rule.limited).padStart(8)}`,
    ),
  ];
  if (sample429 === null) return [...lines, '  no 429 response was seen'];
  const headers = Object.entries(sample429.headers).filter(
    ([name]) => !PLUMBING.has(name.toLowerCase()),
  );
  return [
    ...lines,
    `  sample 429 from ${sample429.path}:`,
    `    HTTP ${sample429.status}`,
    ...headers.map(([name, value]) => `    ${name}: ${value}`),
    `    ${JSON.stringify(sample429.body)}`,
  ];
}

function lowPowerLines(comparison: LowPowerComparison | null): string[] {
  if (comparison === null) return [];
  const { normal, lowPower } = comparison;
  const verdict = comparison.targetMet ? 'met' : 'not met';
  return [
    `  low-power mode, measured on two equal phases of embedding load (${normal.durationS.toFixed(1)} s and ${lowPower.durationS.toFixed(1)} s):`,
    `    normal     ${comparison.profiles.normal.padEnd(24)} ${integer.format(comparison.embeddingRounds.normal).padStart(5)} rounds per embedding  ${normal.averagePowerW.toFixed(2)} W  ${withPrefix(normal.energyPerRequestWh, 'Wh')} per request`,
    `    low power  ${comparison.profiles.lowPower.padEnd(24)} ${integer.format(comparison.embeddingRounds.lowPower).padStart(5)} rounds per embedding  ${lowPower.averagePowerW.toFixed(2)} W  ${withPrefix(lowPower.energyPerRequestWh, 'Wh')} per request`,
    `    reduction: power ${percent(comparison.powerReduction)}, energy per request ${percent(comparison.energyPerRequestReduction)} (target ${percent(comparison.targetReduction)} of power: ${verdict})`,
  ];
}

function energySection(report: DemoReport): string[] {
  const energy = report.energy;
  const source = energy.powerSource;
  return [
    `Energy (power source: ${source.choice ?? source.name})`,
    ...(source.reason === null ? [] : [`  why: ${source.reason}`]),
    `  average power ${energy.averagePowerW.toFixed(2)} W over ${energy.durationS.toFixed(1)} s: ${withPrefix(energy.totalEnergyWh, 'Wh')}, ${withPrefix(energy.totalEmissionsG, 'g')} CO2e at ${energy.carbonIntensityGPerKWh} g/kWh`,
    `  per request ${withPrefix(energy.energyPerRequestWh, 'Wh')} and ${withPrefix(energy.emissionsPerRequestG, 'g')} CO2e: ${integer.format(energy.requestsPerWh)} requests per Wh (${integer.format(energy.requests)} served)`,
    `  attributed to requests while in flight: ${withPrefix(energy.attributedEnergyPerRequestWh, 'Wh')} and ${withPrefix(energy.attributedEmissionsPerRequestG, 'g')} CO2e per request (the rest fell between requests)`,
    ...(energy.powerByPartW.length === 0
      ? []
      : [
          `  power now by source: ${energy.powerByPartW.map(({ name, powerW }) => `${name} ${powerW.toFixed(2)} W`).join(', ')}`,
        ]),
    `  carbon intensity: ${energy.carbonIntensitySource === 'fixed' ? 'a fixed figure' : `live, from ${energy.carbonIntensitySource}`}`,
    `  Software Carbon Intensity: ${withPrefix(energy.sciGPerRequest, 'g')} CO2e per request ((E x I + M) / R, M = ${energy.embodiedGPerHour} g/h embodied)`,
    ...lowPowerLines(energy.lowPower),
  ];
}

function summarySection(report: DemoReport): string[] {
  const { totals, load, service } = report;
  const statuses = Object.entries(totals.statusCounts)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([status, count]) => `${status}: ${integer.format(count)}`)
    .join(', ');
  const phases = load.phases
    .map((phase) => `${phase.name} ${phase.durationS.toFixed(1)} s`)
    .join(' | ');
  return [
    `greenslo demo: Express example service on ${service.url}`,
    `  load: ${load.connections} connections (${load.probeConnections} probing health and metrics, ${load.apiClients} API clients with their own addresses)`,
    `  phases: ${phases}`,
    `Requests: ${integer.format(totals.responses)} in ${totals.durationS.toFixed(1)} s (${integer.format(totals.requestsPerSecond)}/s), success ${percent(totals.successRate, 2)} (answered below 500; 429s count as answered), connection errors ${totals.errors}`,
    `  by status: ${statuses}`,
  ];
}

function verdictLine(report: DemoReport): string {
  const judged = report.endpoints.filter((line) => line.verdict !== 'none');
  const passed = judged.filter((line) => line.verdict === 'PASS').length;
  const failed = judged.filter((line) => line.verdict === 'FAIL').map((line) => line.endpoint);
  if (report.sloPassed)
    return `SLO verdict: PASS (${passed} of ${judged.length} endpoints with objectives met them all): exit 0`;
  return `SLO verdict: FAIL (${failed.join(', ')} missed an objective): exit 1`;
}

/** The whole report as text, sections separated by blank lines. */
export function formatReport(report: DemoReport): string {
  return [
    summarySection(report),
    latencySection(report),
    rateLimitSection(report),
    energySection(report),
    [verdictLine(report)],
  ]
    .map((section) => section.join('\n'))
    .join('\n\n');
}
