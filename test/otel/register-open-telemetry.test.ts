import {
  AggregationTemporality,
  DataPointType,
  MeterProvider,
  MetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EnergyMonitor } from '../../src/energy/energy-monitor.js';
import { LowPowerMode } from '../../src/energy/low-power-mode.js';
import { constantPower } from '../../src/energy/power-source.js';
import { registerOpenTelemetry } from '../../src/otel/index.js';
import { renderPrometheus } from '../../src/prometheus/exposition.js';
import { EndpointRateLimiter } from '../../src/rate-limit/endpoint-rate-limiter.js';
import { SLOTracker } from '../../src/slo/slo-tracker.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { parseExposition } from '../prometheus/exposition-parser.js';

const START_MS = Date.UTC(2026, 0, 5, 9, 0, 0);

/** A reader that hands over what it collects, with the chosen temporality. */
class CollectingReader extends MetricReader {
  constructor(temporality: AggregationTemporality) {
    super({ aggregationTemporalitySelector: () => temporality });
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

interface Point {
  readonly name: string;
  readonly unit: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly value: number;
}

function pointsOf(metrics: ResourceMetrics): Point[] {
  return metrics.scopeMetrics.flatMap((scope) =>
    scope.metrics.flatMap((metric) => {
      expect(
        metric.dataPointType === DataPointType.GAUGE || metric.dataPointType === DataPointType.SUM,
      ).toBe(true);
      return metric.dataPoints.map((point) => ({
        name: metric.descriptor.name,
        unit: metric.descriptor.unit,
        attributes: point.attributes as Record<string, string>,
        value: point.value as number,
      }));
    }),
  );
}

async function collect(reader: MetricReader): Promise<Point[]> {
  const { resourceMetrics, errors } = await reader.collect();
  expect(errors).toEqual([]);
  return pointsOf(resourceMetrics);
}

/** The OpenTelemetry name and unit the package promises for each Prometheus family (the specification here). */
const EXPECTED_NAMES: Readonly<Record<string, readonly [string, string]>> = {
  greenslo_requests_total: ['greenslo.requests', '{request}'],
  greenslo_request_errors_total: ['greenslo.request.errors', '{request}'],
  greenslo_request_duration_seconds_sum: ['greenslo.request.duration.sum', 's'],
  greenslo_request_latency_window_seconds: ['greenslo.request.latency.window', 's'],
  greenslo_slo_latency_objective_seconds: ['greenslo.slo.latency.objective', 's'],
  greenslo_slo_error_rate_objective_ratio: ['greenslo.slo.error_rate.objective', '1'],
  greenslo_slo_compliant: ['greenslo.slo.compliant', '1'],
  greenslo_slo_error_budget_remaining_ratio: ['greenslo.slo.error_budget.remaining', '1'],
  greenslo_slo_burn_rate: ['greenslo.slo.burn_rate', '1'],
  greenslo_energy_joules_total: ['greenslo.energy', 'J'],
  greenslo_co2_emissions_grams_total: ['greenslo.emissions', 'g'],
  greenslo_energy_unattributed_joules_total: ['greenslo.energy.unattributed', 'J'],
  greenslo_energy_requests_total: ['greenslo.energy.requests', '{request}'],
  greenslo_request_energy_joules_total: ['greenslo.request.energy', 'J'],
  greenslo_request_co2_emissions_grams_total: ['greenslo.request.emissions', 'g'],
  greenslo_energy_requests_in_flight: ['greenslo.energy.requests_in_flight', '{request}'],
  greenslo_power_watts: ['greenslo.power', 'W'],
  greenslo_power_threshold_watts: ['greenslo.power.threshold', 'W'],
  greenslo_power_over_threshold: ['greenslo.power.over_threshold', '1'],
  greenslo_energy_faults_total: ['greenslo.energy.faults', '{fault}'],
  greenslo_energy_info: ['greenslo.energy.info', '1'],
  greenslo_power_source_watts: ['greenslo.power.source', 'W'],
  greenslo_carbon_intensity_grams_per_kwh: ['greenslo.carbon_intensity', 'g/(kW.h)'],
  greenslo_embodied_emissions_grams_total: ['greenslo.emissions.embodied', 'g'],
  greenslo_sci_grams_per_request: ['greenslo.sci', 'g/{request}'],
  greenslo_low_power_mode_enabled: ['greenslo.low_power.enabled', '1'],
  greenslo_low_power_target_reduction_ratio: ['greenslo.low_power.target_reduction', '1'],
  greenslo_low_power_reduction_ratio: ['greenslo.low_power.reduction', '1'],
  greenslo_rate_limit_decisions_total: ['greenslo.rate_limit.decisions', '{decision}'],
};

function key(name: string, attributes: Readonly<Record<string, string>>): string {
  return `${name}${JSON.stringify(Object.entries(attributes).sort(([a], [b]) => a.localeCompare(b)))}`;
}

/** The points the exposition text implies: bucket and count lines have no OpenTelemetry counterpart. */
function expectedFromExposition(text: string): Map<string, number> {
  const expected = new Map<string, number>();
  for (const sample of parseExposition(text).samples) {
    if (sample.name.endsWith('_bucket') || sample.name.endsWith('_count')) continue;
    const names = EXPECTED_NAMES[sample.name];
    if (names === undefined) throw new Error(`no OpenTelemetry name expected for ${sample.name}`);
    const attributes = Object.fromEntries(
      Object.entries(sample.labels).map(([label, value]) => [
        label === 'endpoint' ? 'http.route' : `greenslo.${label}`,
        value,
      ]),
    );
    expected.set(key(names[0], attributes), sample.value);
  }
  return expected;
}

function busyState() {
  const clock = new ManualClock(START_MS);
  const slo = new SLOTracker({
    clock,
    objectives: { '/checkout': { p95Ms: 100, errorRate: 0.05 } },
  });
  const limits = new EndpointRateLimiter({
    clock,
    rules: { '/checkout': { rate: 2, perSeconds: 60 } },
  });
  const energy = new EnergyMonitor({
    powerSource: constantPower(40),
    clock,
    powerThresholdW: 30,
    carbonIntensityGPerKWh: 300,
  });
  const lowPower = new LowPowerMode({ energy, targetReduction: 0.25 });
  energy.startTracking();
  for (let i = 0; i < 5; i++) {
    limits.check('/checkout', 'client-a');
    const handle = energy.beginRequest();
    clock.advanceMs(20 + 30 * i);
    handle.end();
    slo.record('/checkout', 20 + 30 * i, { error: i === 4 });
  }
  slo.record('/search', 7);
  clock.advanceMs(1000);
  return { clock, slo, limits, energy, lowPower };
}

const providers: MeterProvider[] = [];
function meterWithReader(temporality = AggregationTemporality.CUMULATIVE) {
  const reader = new CollectingReader(temporality);
  const provider = new MeterProvider({ readers: [reader] });
  providers.push(provider);
  return { reader, meter: provider.getMeter('greenslo-test') };
}

afterEach(async () => {
  await Promise.all(providers.splice(0).map((provider) => provider.shutdown()));
  vi.restoreAllMocks();
});

describe('registerOpenTelemetry with the OpenTelemetry metrics SDK', () => {
  it('reports every value renderPrometheus writes for the same state, under OpenTelemetry names, units and attributes', async () => {
    const { slo, limits, energy, lowPower } = busyState();
    const { reader, meter } = meterWithReader();
    registerOpenTelemetry(meter, { slo, limits, energy, lowPower });
    const points = await collect(reader);
    const expected = expectedFromExposition(renderPrometheus({ slo, limits, energy, lowPower }));
    const actual = new Map(points.map((point) => [key(point.name, point.attributes), point.value]));
    expect(actual).toEqual(expected);
    for (const point of points)
      expect(point.unit, point.name).toBe(
        Object.values(EXPECTED_NAMES).find(([name]) => name === point.name)?.[1],
      );
  });

  it('gives the figures a reader of the state would compute: requests, errors and limited checks per route and rule', async () => {
    const { slo, limits } = busyState();
    const { reader, meter } = meterWithReader();
    registerOpenTelemetry(meter, { slo, limits });
    const points = await collect(reader);
    const value = (name: string, attributes: Record<string, string>) =>
      points.find((point) => key(point.name, point.attributes) === key(name, attributes))?.value;
    expect(value('greenslo.requests', { 'http.route': '/checkout' })).toBe(5);
    expect(value('greenslo.request.errors', { 'http.route': '/checkout' })).toBe(1);
    expect(value('greenslo.request.duration.sum', { 'http.route': '/checkout' })).toBeCloseTo(
      (20 + 50 + 80 + 110 + 140) / 1000,
      12,
    );
    expect(
      value('greenslo.rate_limit.decisions', {
        'greenslo.rule': '/checkout',
        'greenslo.outcome': 'allowed',
      }),
    ).toBe(2);
    expect(
      value('greenslo.rate_limit.decisions', {
        'greenslo.rule': '/checkout',
        'greenslo.outcome': 'limited',
      }),
    ).toBe(3);
  });

  it('observes all instruments in one batch callback per collection', async () => {
    const { slo, energy } = busyState();
    const { reader, meter } = meterWithReader();
    const add = vi.spyOn(meter, 'addBatchObservableCallback');
    const metrics = vi.spyOn(energy, 'metrics');
    registerOpenTelemetry(meter, { slo, energy });
    expect(add).toHaveBeenCalledTimes(1);
    metrics.mockClear();
    await collect(reader);
    expect(metrics).toHaveBeenCalledTimes(1);
  });

  it('reports nothing of greenslo after unregister (delta temporality: a point means a new observation)', async () => {
    const { slo, limits, energy, lowPower } = busyState();
    const { reader, meter } = meterWithReader(AggregationTemporality.DELTA);
    const registration = registerOpenTelemetry(meter, { slo, limits, energy, lowPower });
    expect((await collect(reader)).length).toBeGreaterThan(20);
    registration.unregister();
    registration.unregister();
    slo.record('/checkout', 5);
    expect(await collect(reader)).toEqual([]);
  });

  it('keeps collecting when a source fails, warning once', async () => {
    const { slo, energy } = busyState();
    const { reader, meter } = meterWithReader();
    registerOpenTelemetry(meter, { slo, energy });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    vi.spyOn(energy, 'metrics').mockImplementation(() => {
      throw new Error('power source gone');
    });
    expect(await collect(reader)).toEqual([]);
    expect(await collect(reader)).toEqual([]);
    expect(warn).toHaveBeenCalledTimes(1);
  });
});

describe('registerOpenTelemetry: misuse', () => {
  it('refuses what is not a meter', () => {
    expect(() => registerOpenTelemetry({} as never)).toThrow(TypeError);
    expect(() => registerOpenTelemetry(null as never)).toThrow(
      /`meter` must be an OpenTelemetry Meter.*got null/,
    );
  });

  it('refuses unknown source keys, pointing the old name limiter to limits', () => {
    const { meter } = meterWithReader();
    const limits = new EndpointRateLimiter();
    expect(() => registerOpenTelemetry(meter, { limiter: limits } as never)).toThrow(
      /`limiter` is not an option.*`limits`/,
    );
    expect(() => registerOpenTelemetry(meter, { slos: new SLOTracker() } as never)).toThrow(
      TypeError,
    );
  });

  it('refuses a source that lacks what is read from it', () => {
    const { meter } = meterWithReader();
    expect(() => registerOpenTelemetry(meter, { slo: {} as never })).toThrow(
      /`slo` must be an SLOTracker/,
    );
  });
});
