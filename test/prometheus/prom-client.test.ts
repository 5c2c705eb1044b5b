import { spawnSync } from 'node:child_process';
import { Counter, Histogram, Registry, type OpenMetricsContentType } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { EnergyMonitor } from '../../src/energy/energy-monitor.js';
import { LowPowerMode } from '../../src/energy/low-power-mode.js';
import { constantPower } from '../../src/energy/power-source.js';
import { renderPrometheus } from '../../src/prometheus/exposition.js';
import { collectInto } from '../../src/prometheus/prom-client.js';
import { EndpointRateLimiter } from '../../src/rate-limit/endpoint-rate-limiter.js';
import { SLOTracker } from '../../src/slo/slo-tracker.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { findProgram } from '../support/programs.js';
import { parseExposition, valueOf, type ParsedSample } from './exposition-parser.js';
import { latenciesMs, seededRandom } from './reference.js';

function service() {
  const clock = new ManualClock(Date.UTC(2025, 4, 1));
  const slo = new SLOTracker({ clock, objectives: { '/api': { p95Ms: 50, errorRate: 0.01 } } });
  const random = seededRandom(5);
  for (const latencyMs of latenciesMs(random, 300, 20)) {
    slo.record(random() < 0.5 ? '/api' : '/static "files"', latencyMs, { error: random() < 0.02 });
    clock.advanceMs(1000);
  }
  const energy = new EnergyMonitor({ powerSource: constantPower(42), clock });
  energy.startTracking();
  clock.advanceMs(60_000);
  const limiter = new EndpointRateLimiter({ clock });
  for (let i = 0; i < 12; i++) limiter.check('/agents/plan', 'c');
  return {
    clock,
    sources: { slo, energy, limits: limiter, lowPower: new LowPowerMode({ energy }) },
  };
}

/** The application's own metrics, registered before greenslo's. */
function applicationRegistry(): Registry {
  const registry = new Registry();
  new Counter({ name: 'app_orders_total', help: 'Orders placed.', registers: [registry] }).inc(3);
  new Histogram({
    name: 'app_db_seconds',
    help: 'Database time.',
    buckets: [0.1, 1],
    registers: [registry],
  }).observe(0.2);
  return registry;
}

const lineOf = (sample: ParsedSample): string =>
  `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())} ${sample.value}`;

describe('collectInto on a real prom-client Registry', () => {
  it("writes greenslo's metrics beside the application's, with the same samples as renderPrometheus", async () => {
    const { sources } = service();
    const registry = applicationRegistry();
    collectInto(registry, sources);
    const scraped = parseExposition(await registry.metrics());
    expect(valueOf(scraped, 'app_orders_total')).toBe(3);
    expect(valueOf(scraped, 'app_db_seconds_count')).toBe(1);
    const rendered = parseExposition(renderPrometheus(sources));
    const greensloLines = scraped.samples
      .filter((sample) => sample.name.startsWith('greenslo_'))
      .map(lineOf);
    expect(greensloLines.sort()).toEqual(rendered.samples.map(lineOf).sort());
    for (const [name, type] of rendered.types) expect(scraped.types.get(name), name).toBe(type);
  });

  it('reads current figures at each scrape, collecting once per scrape', async () => {
    const { clock, sources } = service();
    let collections = 0;
    const limiter = { decisionCounts: () => (collections++, sources.limits.decisionCounts()) };
    const registry = applicationRegistry();
    collectInto(registry, { ...sources, limits: limiter });
    collections = 0;
    const first = parseExposition(await registry.metrics());
    expect(collections).toBe(1);
    sources.slo.record('/api', 10);
    clock.advanceMs(1000);
    const second = parseExposition(await registry.metrics());
    expect(collections).toBe(2);
    expect(valueOf(second, 'greenslo_requests_total', { endpoint: '/api' })).toBe(
      valueOf(first, 'greenslo_requests_total', { endpoint: '/api' }) + 1,
    );
    expect(valueOf(second, 'greenslo_energy_joules_total')).toBeCloseTo(
      valueOf(first, 'greenslo_energy_joules_total') + 42,
      9,
    );
  });

  it('also answers getMetricsAsJSON, getSingleMetricAsString and resetMetrics, which leaves the counts alone', async () => {
    const { sources } = service();
    const registry = applicationRegistry();
    collectInto(registry, sources);
    const json = await registry.getMetricsAsJSON();
    const requests = json.find((metric) => metric.name === 'greenslo_requests_total')!;
    expect(requests.type).toBe('counter');
    expect(requests.values.find((value) => value.labels.endpoint === '/api')!.value).toBe(
      sources.slo.histogram('/api')!.count,
    );
    expect(await registry.getSingleMetricAsString('greenslo_power_watts')).toMatch(
      /^# HELP greenslo_power_watts .+\n# TYPE greenslo_power_watts gauge\ngreenslo_power_watts 42$/,
    );
    registry.resetMetrics();
    expect(
      valueOf(parseExposition(await registry.metrics()), 'greenslo_requests_total', {
        endpoint: '/api',
      }),
    ).toBe(sources.slo.histogram('/api')!.count);
  });

  it("applies the registry's default labels, and writes OpenMetrics on an OpenMetrics registry", async () => {
    const { sources } = service();
    const registry = applicationRegistry();
    collectInto(registry, sources);
    registry.setDefaultLabels({ instance: 'web-1' });
    expect(
      valueOf(parseExposition(await registry.metrics()), 'greenslo_requests_total', {
        endpoint: '/api',
        instance: 'web-1',
      }),
    ).toBeGreaterThan(0);
    const openMetricsRegistry = new Registry<OpenMetricsContentType>();
    openMetricsRegistry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    openMetricsRegistry.setDefaultLabels({ instance: 'web-1' });
    collectInto(openMetricsRegistry, sources);
    const openMetrics = await openMetricsRegistry.metrics();
    expect(openMetrics).toContain('# TYPE greenslo_requests counter\n');
    expect(openMetrics).toMatch(
      /\ngreenslo_requests_total\{endpoint="\/api",instance="web-1"\} \d+\n/,
    );
    expect(openMetrics).toMatch(
      /\ngreenslo_request_duration_seconds_bucket\{endpoint="\/api",le="0\.05",instance="web-1"\} \d+\n/,
    );
  });

  it('returns a function that removes its metrics, and registers nothing when a name is taken', async () => {
    const { sources } = service();
    const registry = applicationRegistry();
    const remove = collectInto(registry, sources);
    remove();
    expect(registry.getMetricsAsArray().map((metric) => metric.name)).toEqual([
      'app_orders_total',
      'app_db_seconds',
    ]);
    new Counter({
      name: 'greenslo_rate_limit_decisions_total',
      help: 'taken',
      registers: [registry],
    });
    expect(() => collectInto(registry, sources)).toThrow(
      'A metric with the name greenslo_rate_limit_decisions_total has already been registered.',
    );
    expect(registry.getMetricsAsArray().map((metric) => metric.name)).toEqual([
      'app_orders_total',
      'app_db_seconds',
      'greenslo_rate_limit_decisions_total',
    ]);
    collectInto(registry, sources, { prefix: 'green_' });
    expect(
      valueOf(parseExposition(await registry.metrics()), 'green_requests_total', {
        endpoint: '/api',
      }),
    ).toBeGreaterThan(0);
  });

  it('rejects what is not a registry or a source', () => {
    expect(() => collectInto({} as Registry, {})).toThrow(TypeError);
    expect(() => collectInto(new Registry(), { energy: { metrics: 1 } as never })).toThrow(
      'collectInto: `energy` must be an EnergyMonitor (an object with a metrics() method), got an object.',
    );
    expect(() => collectInto(new Registry(), {}, { maxEndpoints: Number.NaN })).toThrow(RangeError);
  });
});

const promtool = findProgram('promtool', 'prometheus');

describe.skipIf(promtool === undefined)('collectInto judged by promtool check metrics', () => {
  it("reports no problem for the registry's combined text", async () => {
    const registry = applicationRegistry();
    collectInto(registry, service().sources);
    const result = spawnSync(promtool!, ['check', 'metrics'], {
      input: await registry.metrics(),
      encoding: 'utf8',
    });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
