/**
 * The demo's report as data: what the clients saw, what the service's greenslo objects measured
 * (latency and SLO verdicts, rate-limit decisions, energy), and the low-power comparison.
 */
import type { EnergyMetrics, MeasuredReduction, SloObjectiveKind } from '../../src/index.js';
import { isAutoPowerSource, type ServiceParts } from '../shared/service-parts.js';
import { embeddingRounds } from '../shared/simulated-work.js';
import type { PhaseOutcome, Sample429 } from './load-generator.js';
import type { LoadPhase, LoadPlan } from './load-plan.js';

/** One objective of an endpoint, judged over every request of the run. */
export interface ObjectiveVerdict {
  readonly kind: SloObjectiveKind;
  /** Milliseconds for latency objectives, a ratio 0..1 for `errorRate`. */
  readonly target: number;
  readonly actual: number | null;
  readonly passed: boolean;
}

/** Latency and verdict of one endpoint, from the service's `SLOTracker`. */
export interface EndpointLine {
  readonly endpoint: string;
  /** Requests served (refused requests are counted under rate limiting, not here). */
  readonly requests: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly errorRate: number;
  readonly objectives: readonly ObjectiveVerdict[];
  /** `PASS` or `FAIL` against the objectives; `none` without objectives. */
  readonly verdict: 'PASS' | 'FAIL' | 'none';
}

/** What a phase cost in energy, from the monitor's totals read at its start and end. */
export interface PhaseEnergy {
  readonly durationS: number;
  readonly energyWh: number;
  readonly averagePowerW: number;
  /** Requests served during the phase. */
  readonly requests: number;
  /** All the energy of the phase over the requests it served, in watt-hours. */
  readonly energyPerRequestWh: number;
}

/** The low-power comparison: equal load, normal mode then low-power mode. */
export interface LowPowerComparison {
  readonly normal: PhaseEnergy;
  readonly lowPower: PhaseEnergy;
  /** Compute rounds of one embedding in each mode, as the service's profiles set them. */
  readonly embeddingRounds: { readonly normal: number; readonly lowPower: number };
  readonly profiles: { readonly normal: string; readonly lowPower: string };
  /** `1 - lowPower.averagePowerW / normal.averagePowerW`. */
  readonly powerReduction: number;
  /** `1 - lowPower.energyPerRequestWh / normal.energyPerRequestWh`. */
  readonly energyPerRequestReduction: number;
  readonly targetReduction: number;
  readonly targetMet: boolean;
  /** `LowPowerMode.measuredReduction()` at the end: normal mode there covers every other phase too. */
  readonly wholeRun: MeasuredReduction;
}

/** The demo's report; `--json` prints it as is. */
export interface DemoReport {
  readonly service: { readonly framework: string; readonly url: string };
  readonly load: {
    readonly plannedDurationS: number;
    readonly connections: number;
    readonly probeConnections: number;
    readonly apiClients: number;
    readonly phases: readonly {
      readonly name: string;
      readonly durationS: number;
      readonly responses: number;
      readonly limited: number;
      readonly lowPower: boolean;
    }[];
  };
  readonly totals: {
    readonly responses: number;
    readonly durationS: number;
    readonly requestsPerSecond: number;
    /** Share of requests answered with a status below 500 (429s included: refusing is the limiter working). */
    readonly successRate: number;
    readonly statusCounts: Readonly<Record<string, number>>;
    /** Connection errors and timeouts. */
    readonly errors: number;
  };
  readonly endpoints: readonly EndpointLine[];
  readonly rateLimits: {
    /** Decisions per rule; `limit` reads `60 per minute` or `unlimited`. */
    readonly rules: readonly {
      readonly rule: string;
      readonly limit: string;
      readonly allowed: number;
      readonly limited: number;
    }[];
    readonly sample429: Sample429 | null;
  };
  readonly energy: {
    readonly powerSource: {
      readonly name: string;
      readonly choice: string | null;
      readonly reason: string | null;
    };
    readonly durationS: number;
    readonly averagePowerW: number;
    readonly totalEnergyWh: number;
    readonly totalEmissionsG: number;
    readonly requests: number;
    /** All the energy measured over the requests served (the inverse of `requestsPerWh`), in watt-hours. */
    readonly energyPerRequestWh: number;
    readonly emissionsPerRequestG: number;
    readonly requestsPerWh: number;
    /**
     * Only the energy used while requests were in flight, split among them (`attributedWh` over the
     * requests served, read once none is in flight: the settled figure, not the estimate `end()` returns).
     */
    readonly attributedEnergyPerRequestWh: number;
    readonly attributedEmissionsPerRequestG: number;
    readonly carbonIntensityGPerKWh: number;
    /** Where the intensity came from: a provider's name, or `fixed`. */
    readonly carbonIntensitySource: string;
    /** Software Carbon Intensity per request, (E x I + M) / R, in gCO2e. */
    readonly sciGPerRequest: number;
    /** Embodied emissions counted per hour (the M of SCI), in gCO2e. */
    readonly embodiedGPerHour: number;
    /** The parts of the power source that report their power (GPUs, the CPU model), in watts, at the end. */
    readonly powerByPartW: readonly { readonly name: string; readonly powerW: number }[];
    readonly lowPower: LowPowerComparison | null;
  };
  /** Whether every endpoint with objectives met all of them: the exit code is 0 exactly then. */
  readonly sloPassed: boolean;
}

/** One run of a phase: the plan, the clients' outcome, and the monitor's totals around it. */
export interface PhaseRecord {
  readonly phase: LoadPhase;
  readonly outcome: PhaseOutcome;
  readonly before: EnergyMetrics;
  readonly after: EnergyMetrics;
}

function endpointLines(parts: ServiceParts): EndpointLine[] {
  const report = parts.slo.report();
  return report.endpoints.map((endpoint) => ({
    endpoint: endpoint.endpoint,
    requests: endpoint.count,
    p50Ms: endpoint.window.p50Ms,
    p95Ms: endpoint.window.p95Ms,
    p99Ms: endpoint.window.p99Ms,
    errorRate: endpoint.errorRate,
    objectives: endpoint.checks.map(({ kind, target, actual, passed }) => ({
      kind,
      target,
      actual,
      passed,
    })),
    verdict: endpoint.checks.length === 0 ? 'none' : endpoint.compliant ? 'PASS' : 'FAIL',
  }));
}

function phaseEnergy(record: PhaseRecord): PhaseEnergy {
  const durationMs = record.after.durationMs - record.before.durationMs;
  const energyWh = record.after.totalEnergyWh - record.before.totalEnergyWh;
  const requests = record.after.requestsTracked - record.before.requestsTracked;
  return {
    durationS: durationMs / 1000,
    energyWh,
    averagePowerW: durationMs > 0 ? (energyWh * 3.6e6) / durationMs : 0,
    requests,
    energyPerRequestWh: requests > 0 ? energyWh / requests : 0,
  };
}

function describeProfile(profile: ServiceParts['lowPower']['normal']): string {
  return `batch ${profile.batchSize}, ${profile.precision}${profile.quantize ? ', quantized' : ''}`;
}

function lowPowerComparison(
  parts: ServiceParts,
  records: readonly PhaseRecord[],
): LowPowerComparison | null {
  const normalRecord = records.find((record) => record.phase.kind === 'normal');
  const lowRecord = records.find((record) => record.phase.kind === 'low-power');
  if (normalRecord === undefined || lowRecord === undefined) return null;
  const normal = phaseEnergy(normalRecord);
  const lowPower = phaseEnergy(lowRecord);
  const powerReduction =
    normal.averagePowerW > 0 ? 1 - lowPower.averagePowerW / normal.averagePowerW : 0;
  const { lowPower: mode } = parts;
  return {
    normal,
    lowPower,
    embeddingRounds: {
      normal: embeddingRounds(mode.normal),
      lowPower: embeddingRounds(mode.lowPower),
    },
    profiles: { normal: describeProfile(mode.normal), lowPower: describeProfile(mode.lowPower) },
    powerReduction,
    energyPerRequestReduction:
      normal.energyPerRequestWh > 0
        ? 1 - lowPower.energyPerRequestWh / normal.energyPerRequestWh
        : 0,
    targetReduction: mode.targetReduction,
    targetMet: powerReduction >= mode.targetReduction,
    wholeRun: mode.measuredReduction(),
  };
}

function energySection(parts: ServiceParts, records: readonly PhaseRecord[]): DemoReport['energy'] {
  const metrics = parts.energy.metrics();
  const source = parts.powerSource;
  const perRequest = (total: number): number =>
    metrics.requestsTracked > 0 ? total / metrics.requestsTracked : 0;
  return {
    powerSource: {
      name: source.name,
      choice: isAutoPowerSource(source) ? source.choice : null,
      reason: isAutoPowerSource(source) ? source.reason : null,
    },
    durationS: metrics.durationMs / 1000,
    averagePowerW: metrics.averagePowerW,
    totalEnergyWh: metrics.totalEnergyWh,
    totalEmissionsG: metrics.totalEmissionsG,
    requests: metrics.requestsTracked,
    energyPerRequestWh: perRequest(metrics.totalEnergyWh),
    emissionsPerRequestG: perRequest(metrics.totalEmissionsG),
    requestsPerWh: metrics.requestsPerWh,
    attributedEnergyPerRequestWh: perRequest(metrics.attributedWh),
    attributedEmissionsPerRequestG: perRequest(
      (metrics.attributedWh * metrics.pue * metrics.carbonIntensityGPerKWh) / 1000,
    ),
    carbonIntensityGPerKWh: metrics.carbonIntensityGPerKWh,
    carbonIntensitySource: metrics.carbonIntensitySource,
    sciGPerRequest: metrics.sciGPerRequest,
    embodiedGPerHour: metrics.embodiedGPerHour,
    powerByPartW: metrics.powerSources.flatMap(({ name, powerW }) =>
      powerW === undefined ? [] : [{ name, powerW }],
    ),
    lowPower: lowPowerComparison(parts, records),
  };
}

function totals(records: readonly PhaseRecord[]): DemoReport['totals'] {
  const statusCounts: Record<string, number> = {};
  let errors = 0;
  let durationS = 0;
  for (const { outcome } of records) {
    for (const [status, count] of Object.entries(outcome.statusCounts))
      statusCounts[status] = (statusCounts[status] ?? 0) + count;
    errors += outcome.errors;
    durationS += outcome.durationS;
  }
  const responses = Object.values(statusCounts).reduce((sum, count) => sum + count, 0);
  const below500 = Object.entries(statusCounts).reduce(
    (sum, [status, count]) => sum + (Number(status) < 500 ? count : 0),
    0,
  );
  const attempts = responses + errors;
  return {
    responses,
    durationS,
    requestsPerSecond: durationS > 0 ? responses / durationS : 0,
    successRate: attempts > 0 ? below500 / attempts : 0,
    statusCounts,
    errors,
  };
}

const PERIODS: Readonly<Record<number, string>> = {
  1: 'second',
  60: 'minute',
  3600: 'hour',
  86400: 'day',
};

function ruleLines(parts: ServiceParts): DemoReport['rateLimits']['rules'] {
  return parts.limits
    .decisionCounts()
    .filter((count) => count.allowed + count.limited > 0)
    .map(({ rule, allowed, limited }) => {
      const match = rule.startsWith('/') ? parts.limits.match(rule).rule : 'unlimited';
      const limit =
        match === 'unlimited'
          ? 'unlimited'
          : `${match.rate} per ${PERIODS[match.perSeconds] ?? `${match.perSeconds} s`}`;
      return { rule, limit, allowed, limited };
    });
}

/** Builds the report from the plan, the phases' records and the service's greenslo objects. */
export function buildReport(
  url: string,
  plan: LoadPlan,
  records: readonly PhaseRecord[],
  parts: ServiceParts,
): DemoReport {
  const endpoints = endpointLines(parts);
  return {
    service: { framework: 'express', url },
    load: {
      plannedDurationS: plan.durationS,
      connections: plan.connections,
      probeConnections: plan.probeConnections,
      apiClients: plan.apiClients,
      phases: records.map(({ phase, outcome }) => ({
        name: phase.name,
        durationS: outcome.durationS,
        responses: outcome.responses,
        limited: outcome.statusCounts['429'] ?? 0,
        lowPower: phase.lowPower,
      })),
    },
    totals: totals(records),
    endpoints,
    rateLimits: {
      rules: ruleLines(parts),
      sample429:
        records.map((record) => record.outcome.sample429).find((sample) => sample !== undefined) ??
        null,
    },
    energy: energySection(parts, records),
    sloPassed: endpoints.every((line) => line.verdict !== 'FAIL'),
  };
}
