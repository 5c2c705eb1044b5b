import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EnergyMonitor } from '../../src/energy/energy-monitor.js';
import { LowPowerMode } from '../../src/energy/low-power-mode.js';
import { constantPower } from '../../src/energy/power-source.js';
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus } from '../../src/prometheus/exposition.js';
import { prometheusRules } from '../../src/prometheus/rules.js';
import { EndpointRateLimiter } from '../../src/rate-limit/endpoint-rate-limiter.js';
import { DEFAULT_LATENCY_BUCKETS_MS } from '../../src/slo/latency-histogram.js';
import { SLOTracker } from '../../src/slo/slo-tracker.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import {
  familyOf,
  parseExposition,
  samplesOf,
  valueOf,
  type ParsedExposition,
} from './exposition-parser.js';
import {
  countAtOrUnder,
  latenciesMs,
  numpyPercentile,
  seededRandom,
  SteppedPowerSource,
} from './reference.js';

const START_MS = Date.UTC(2025, 0, 6, 9, 0, 0);
const HISTOGRAM = 'greenslo_request_duration_seconds';

function trackerWith(objectives: ConstructorParameters<typeof SLOTracker>[0] = {}): {
  clock: ManualClock;
  slo: SLOTracker;
} {
  const clock = new ManualClock(START_MS);
  return { clock, slo: new SLOTracker({ clock, objectives: {}, ...objectives }) };
}

function render(options: Parameters<typeof renderPrometheus>[0]): ParsedExposition {
  return parseExposition(renderPrometheus(options));
}

/** The `le` values of an endpoint's buckets, as numbers of seconds, and their counts. */
function bucketsOf(parsed: ParsedExposition, endpoint: string): Map<number, number> {
  return new Map(
    samplesOf(parsed, `${HISTOGRAM}_bucket`, { endpoint }).map((sample) => [
      sample.labels.le === '+Inf' ? Infinity : Number(sample.labels.le),
      sample.value,
    ]),
  );
}

describe('renderPrometheus: the text format', () => {
  it('writes each family once, with # HELP and # TYPE before its samples, and ends every line with a newline', () => {
    const { clock, slo } = trackerWith({ objectives: { '/a': { p95Ms: 10, errorRate: 0.01 } } });
    slo.record('/a', 4);
    slo.record('/b', 40, { error: true });
    const energy = new EnergyMonitor({ powerSource: constantPower(50), clock });
    const text = renderPrometheus({
      slo,
      energy,
      limits: new EndpointRateLimiter({ clock }),
      lowPower: new LowPowerMode(),
    });
    const parsed = parseExposition(text);
    expect(parsed.duplicateTypes).toEqual([]);
    for (const sample of parsed.samples)
      expect(familyOf(parsed, sample.name), sample.name).toBeDefined();
    for (const name of parsed.types.keys()) expect(parsed.helps.get(name), name).toBeTruthy();
    const lines = text.split('\n');
    const firstSampleLine = (name: string): number =>
      lines.findIndex((line) => line.startsWith(name) && !line.startsWith('#'));
    for (const name of parsed.types.keys())
      expect(lines.indexOf(`# TYPE ${name} ${parsed.types.get(name)}`)).toBeLessThan(
        firstSampleLine(name),
      );
  });

  it('names counters with _total and units with _seconds, _joules, _grams and _watts', () => {
    const { clock, slo } = trackerWith();
    slo.record('/a', 1);
    const parsed = render({
      slo,
      energy: new EnergyMonitor({ powerSource: constantPower(10), clock }),
      limits: new EndpointRateLimiter({ clock }),
    });
    for (const [name, type] of parsed.types) {
      if (type === 'counter') expect(name).toMatch(/_total$/);
      else expect(name).not.toMatch(/_total$/);
    }
    expect(parsed.types.get(HISTOGRAM)).toBe('histogram');
    expect([...parsed.types.keys()]).toEqual(
      expect.arrayContaining([
        'greenslo_energy_joules_total',
        'greenslo_co2_emissions_grams_total',
        'greenslo_power_watts',
        'greenslo_request_latency_window_seconds',
      ]),
    );
  });

  it('exports the content type of the text format 0.0.4', () => {
    expect(PROMETHEUS_CONTENT_TYPE).toBe('text/plain; version=0.0.4; charset=utf-8');
  });

  it('writes nothing without sources, and uses the prefix it is given', () => {
    expect(renderPrometheus()).toBe('');
    const { slo } = trackerWith();
    slo.record('/a', 3);
    const parsed = render({ slo, prefix: 'shop_' });
    expect(valueOf(parsed, 'shop_requests_total', { endpoint: '/a' })).toBe(1);
    expect([...parsed.types.keys()].every((name) => name.startsWith('shop_'))).toBe(true);
  });

  it('escapes backslashes, double quotes and newlines in label values so that they read back unchanged', () => {
    const { slo } = trackerWith();
    const endpoint = '/odd\\path "quoted"\nnext line';
    slo.record(endpoint, 2);
    const text = renderPrometheus({ slo });
    expect(text).toContain(String.raw`endpoint="/odd\\path \"quoted\"\nnext line"`);
    expect(valueOf(parseExposition(text), 'greenslo_requests_total', { endpoint })).toBe(1);
  });

  it('rejects bad sources and options, naming them', () => {
    expect(() => renderPrometheus({ maxEndpoints: -1 })).toThrow(
      new RangeError('renderPrometheus: `maxEndpoints` must be an integer >= 0, got -1.'),
    );
    expect(() => renderPrometheus({ maxEndpoints: 1.5 })).toThrow(RangeError);
    expect(() => renderPrometheus({ prefix: '9lives' })).toThrow(TypeError);
    expect(() => renderPrometheus({ slo: {} as SLOTracker })).toThrow(
      'renderPrometheus: `slo` must be an SLOTracker (an object with a histogram() method), got an object.',
    );
    expect(() => renderPrometheus({ storeFaults: 3 as unknown as () => number })).toThrow(
      'renderPrometheus: `storeFaults` must be a function, got 3.',
    );
    expect(() => renderPrometheus({ storeFaults: () => Number.NaN })).toThrow(
      'renderPrometheus: `storeFaults()` must be a finite number >= 0, got NaN.',
    );
  });
});

describe('renderPrometheus: latency histogram and request counters', () => {
  it('has a bucket at every default bound and every objective threshold, in seconds', () => {
    const { slo } = trackerWith({
      objectives: { '/a': { p50Ms: 3, p95Ms: 7.5, p99Ms: 2000 }, '/b': { p95Ms: 42 } },
    });
    slo.record('/a', 1);
    const les = [...bucketsOf(render({ slo }), '/a').keys()];
    const expectedMs = [...new Set([...DEFAULT_LATENCY_BUCKETS_MS, 3, 7.5, 2000, 42])].sort(
      (a, b) => a - b,
    );
    expect(les).toEqual([...expectedMs.map((ms) => ms / 1000), Infinity]);
  });

  it('counts in each bucket the requests at or under its bound, exactly, with _sum in seconds and _count', () => {
    const objectives = { '/search': { p95Ms: 120, errorRate: 0.01 } };
    const { slo } = trackerWith({ objectives });
    const latencies = [...latenciesMs(seededRandom(7), 2000, 40), 120, 120, 0.5, 10_000, 25_000];
    latencies.forEach((latencyMs, i) => slo.record('/search', latencyMs, { error: i % 97 === 0 }));
    const parsed = render({ slo });
    for (const [leSeconds, count] of bucketsOf(parsed, '/search')) {
      expect(count, `le=${leSeconds}`).toBe(
        leSeconds === Infinity ? latencies.length : countAtOrUnder(latencies, leSeconds * 1000),
      );
    }
    expect(valueOf(parsed, `${HISTOGRAM}_count`, { endpoint: '/search' })).toBe(latencies.length);
    expect(valueOf(parsed, `${HISTOGRAM}_sum`, { endpoint: '/search' })).toBeCloseTo(
      latencies.reduce((sum, ms) => sum + ms, 0) / 1000,
      9,
    );
    expect(valueOf(parsed, 'greenslo_requests_total', { endpoint: '/search' })).toBe(
      latencies.length,
    );
    expect(valueOf(parsed, 'greenslo_request_errors_total', { endpoint: '/search' })).toBe(
      latencies.filter((_, i) => i % 97 === 0).length,
    );
  });

  it('keeps the bucket at a threshold equal to the requests within it, for any latencies (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 500, noNaN: true }), { minLength: 1, maxLength: 300 }),
        fc.double({ min: 0.01, max: 400, noNaN: true }),
        fc.array(fc.boolean(), { minLength: 300, maxLength: 300 }),
        (latencies, thresholdMs, errors) => {
          const { slo } = trackerWith({ objectives: { '/p': { p99Ms: thresholdMs } } });
          const recorded = [...latencies, thresholdMs];
          recorded.forEach((latencyMs, i) =>
            slo.record('/p', latencyMs, { error: errors[i % errors.length]! }),
          );
          const parsed = render({ slo });
          const atThreshold = samplesOf(parsed, `${HISTOGRAM}_bucket`, {
            endpoint: '/p',
            le: String(thresholdMs / 1000),
          });
          expect(atThreshold).toHaveLength(1);
          expect(atThreshold[0]!.value).toBe(countAtOrUnder(recorded, thresholdMs));
          expect(valueOf(parsed, 'greenslo_request_errors_total', { endpoint: '/p' })).toBe(
            recorded.filter((_, i) => errors[i % errors.length]).length,
          );
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('renderPrometheus: windowed percentiles and objectives', () => {
  it("writes p50, p95 and p99 of each endpoint's last windowSize requests, in seconds", () => {
    const { slo } = trackerWith({ windowSize: 200 });
    const latencies = latenciesMs(seededRandom(11), 500, 20);
    for (const latencyMs of latencies) slo.record('/w', latencyMs);
    const parsed = render({ slo });
    for (const percentile of [50, 95, 99]) {
      const expectedSeconds = numpyPercentile(latencies.slice(-200), percentile) / 1000;
      expect(
        valueOf(parsed, 'greenslo_request_latency_window_seconds', {
          endpoint: '/w',
          percentile: String(percentile),
        }),
      ).toBeCloseTo(expectedSeconds, 12);
    }
  });

  it('writes targets, compliance, remaining error budget and burn rates of an endpoint with objectives', () => {
    const { clock, slo } = trackerWith({ objectives: { '/pay': { p95Ms: 10, errorRate: 0.01 } } });
    // 200 requests over 4 minutes: 20 slower than 10 ms (10 %, budget 5 %), 6 failures (3 %, budget 1 %).
    for (let i = 0; i < 200; i++) {
      slo.record('/pay', i % 10 === 0 ? 30 : 5, { error: i % 40 === 1 || i === 3 });
      clock.advanceMs(1200);
    }
    const parsed = render({ slo });
    expect(
      valueOf(parsed, 'greenslo_slo_latency_objective_seconds', {
        endpoint: '/pay',
        percentile: '95',
      }),
    ).toBe(0.01);
    expect(valueOf(parsed, 'greenslo_slo_error_rate_objective_ratio', { endpoint: '/pay' })).toBe(
      0.01,
    );
    expect(valueOf(parsed, 'greenslo_slo_compliant', { endpoint: '/pay' })).toBe(0);
    expect(
      valueOf(parsed, 'greenslo_slo_error_budget_remaining_ratio', {
        endpoint: '/pay',
        slo: 'latency_p95',
      }),
    ).toBeCloseTo(1 - 20 / (0.05 * 200), 12);
    expect(
      valueOf(parsed, 'greenslo_slo_error_budget_remaining_ratio', {
        endpoint: '/pay',
        slo: 'errors',
      }),
    ).toBeCloseTo(1 - 6 / (0.01 * 200), 12);
    for (const window of ['5m', '30m', '1h', '2h', '6h', '1d', '3d']) {
      expect(
        valueOf(parsed, 'greenslo_slo_burn_rate', { endpoint: '/pay', slo: 'latency_p95', window }),
      ).toBeCloseTo(20 / 200 / 0.05, 12);
      expect(
        valueOf(parsed, 'greenslo_slo_burn_rate', { endpoint: '/pay', slo: 'errors', window }),
      ).toBeCloseTo(6 / 200 / 0.01, 12);
    }
  });

  it('writes 1 for a compliant endpoint and no objective series for endpoints without objectives', () => {
    const { slo } = trackerWith({ objectives: { '/ok': { p99Ms: 100 } } });
    for (let i = 0; i < 50; i++) slo.record('/ok', 20 + i);
    slo.record('/free', 5000);
    const parsed = render({ slo });
    expect(valueOf(parsed, 'greenslo_slo_compliant', { endpoint: '/ok' })).toBe(1);
    expect(samplesOf(parsed, 'greenslo_slo_compliant', { endpoint: '/free' })).toEqual([]);
    expect(samplesOf(parsed, 'greenslo_slo_burn_rate', { endpoint: '/free' })).toEqual([]);
  });

  it('writes +Inf and -Inf when a zero error budget is spent', () => {
    const { slo } = trackerWith({ objectives: { '/strict': { errorRate: 0 } } });
    slo.record('/strict', 1, { error: true });
    const text = renderPrometheus({ slo });
    expect(text).toContain(
      'greenslo_slo_burn_rate{endpoint="/strict",slo="errors",window="5m"} +Inf\n',
    );
    expect(text).toContain(
      'greenslo_slo_error_budget_remaining_ratio{endpoint="/strict",slo="errors"} -Inf\n',
    );
  });

  it('writes every series the rules file queries, under the same names and le values', () => {
    const objectives = { '/a': { p95Ms: 12.5, errorRate: 0.001 }, '/b': { p99Ms: 250 } };
    const { slo } = trackerWith({ objectives });
    slo.record('/a', 3);
    slo.record('/b', 3);
    const parsed = render({ slo });
    const selectors = [
      ...prometheusRules(objectives).matchAll(/(greenslo_[a-z_]+)\{([^}]*)\}\[5m\]/g),
    ];
    expect(selectors.length).toBeGreaterThan(0);
    for (const [, name, labelText] of selectors) {
      const labels = Object.fromEntries(
        [...labelText!.matchAll(/(\w+)="([^"]*)"/g)].map((match) => [match[1]!, match[2]!]),
      );
      expect(samplesOf(parsed, name!, labels), `${name}{${labelText}}`).toHaveLength(1);
    }
  });
});

describe('renderPrometheus: bounded cardinality', () => {
  it('writes at most maxEndpoints endpoints, objectives first, and sums the rest into __overflow__ exactly', () => {
    const { slo } = trackerWith({ objectives: { '/judged': { p95Ms: 50 } } });
    const recorded = new Map<string, number[]>();
    const random = seededRandom(3);
    for (let i = 0; i < 400; i++) {
      const endpoint = `/e${i % 8}`;
      const latencyMs = Math.round(random() * 200);
      slo.record(endpoint, latencyMs, { error: i % 9 === 0 });
      recorded.set(endpoint, [...(recorded.get(endpoint) ?? []), latencyMs]);
    }
    slo.record('/judged', 40);
    const parsed = render({ slo, maxEndpoints: 3 });
    const written = new Set(
      samplesOf(parsed, 'greenslo_requests_total').map((sample) => sample.labels.endpoint),
    );
    expect(written).toEqual(new Set(['/judged', '/e0', '/e1', '__overflow__']));
    const folded = ['/e2', '/e3', '/e4', '/e5', '/e6', '/e7'].flatMap((endpoint) =>
      recorded.get(endpoint)!,
    );
    expect(valueOf(parsed, 'greenslo_requests_total', { endpoint: '__overflow__' })).toBe(
      folded.length,
    );
    expect(valueOf(parsed, `${HISTOGRAM}_bucket`, { endpoint: '__overflow__', le: '0.05' })).toBe(
      countAtOrUnder(folded, 50),
    );
    const foldedErrors = [...Array(400).keys()].filter((i) => i % 9 === 0 && i % 8 >= 2).length;
    expect(valueOf(parsed, 'greenslo_request_errors_total', { endpoint: '__overflow__' })).toBe(
      foldedErrors,
    );
    expect(
      samplesOf(parsed, 'greenslo_request_latency_window_seconds', { endpoint: '__overflow__' }),
    ).toEqual([]);
    const total = samplesOf(parsed, 'greenslo_requests_total').reduce(
      (sum, sample) => sum + sample.value,
      0,
    );
    expect(total).toBe(401);
  });

  it("adds the tracker's own overflow endpoint into the same __overflow__ series", () => {
    const { slo } = trackerWith({ maxEndpoints: 2 });
    for (const endpoint of ['/a', '/b', '/c', '/d']) slo.record(endpoint, 1);
    expect(slo.endpoints()).toContain('__overflow__');
    const parsed = render({ slo, maxEndpoints: 1 });
    expect(
      samplesOf(parsed, 'greenslo_requests_total').map((sample) => [
        sample.labels.endpoint,
        sample.value,
      ]),
    ).toEqual([
      ['/a', 1],
      ['__overflow__', 3],
    ]);
  });
});

describe('renderPrometheus: energy, low-power mode and rate limits', () => {
  it('writes energy in joules, CO2 in grams, power in watts, requests tracked and the power source', () => {
    const clock = new ManualClock(START_MS);
    const energy = new EnergyMonitor({
      powerSource: constantPower(80, { name: 'rack "B"' }),
      clock,
      carbonIntensityGPerKWh: 400,
      pue: 1.5,
      sampleIntervalMs: 0,
    });
    energy.startTracking();
    clock.advanceMs(10_000); // 10 s idle
    const first = energy.beginRequest();
    clock.advanceMs(5_000); // 5 s with one request
    first.end();
    clock.advanceMs(5_000); // 5 s idle
    const parsed = render({ energy });
    const totalJ = 80 * 20;
    const gramsPerJoule = (400 * 1.5) / 3.6e6;
    expect(valueOf(parsed, 'greenslo_energy_joules_total')).toBeCloseTo(totalJ, 9);
    expect(valueOf(parsed, 'greenslo_co2_emissions_grams_total')).toBeCloseTo(
      totalJ * gramsPerJoule,
      12,
    );
    expect(valueOf(parsed, 'greenslo_energy_unattributed_joules_total')).toBeCloseTo(80 * 15, 9);
    expect(valueOf(parsed, 'greenslo_energy_requests_total')).toBe(1);
    expect(valueOf(parsed, 'greenslo_request_energy_joules_total')).toBeCloseTo(80 * 5, 9);
    expect(valueOf(parsed, 'greenslo_request_co2_emissions_grams_total')).toBeCloseTo(
      80 * 5 * gramsPerJoule,
      12,
    );
    expect(valueOf(parsed, 'greenslo_energy_requests_in_flight')).toBe(0);
    expect(valueOf(parsed, 'greenslo_power_watts')).toBeCloseTo(80, 9);
    expect(valueOf(parsed, 'greenslo_energy_info', { power_source: 'rack "B"' })).toBe(1);
    expect(samplesOf(parsed, 'greenslo_power_threshold_watts')).toEqual([]);
  });

  it('writes the power threshold and whether the windowed power is over it', () => {
    const clock = new ManualClock(START_MS);
    const source = new SteppedPowerSource(clock, 50);
    const energy = new EnergyMonitor({
      powerSource: source,
      clock,
      powerThresholdW: 100,
      powerWindowMs: 1000,
      sampleIntervalMs: 0,
    });
    energy.startTracking();
    source.setWatts(150);
    clock.advanceMs(2000);
    energy.beginRequest().end();
    const parsed = render({ energy });
    expect(valueOf(parsed, 'greenslo_power_threshold_watts')).toBe(100);
    expect(valueOf(parsed, 'greenslo_power_over_threshold')).toBe(1);
    expect(valueOf(parsed, 'greenslo_power_watts')).toBeCloseTo(150, 9);
  });

  it('writes the low-power state, its target and the reduction measured', () => {
    const clock = new ManualClock(START_MS);
    const source = new SteppedPowerSource(clock, 100);
    const energy = new EnergyMonitor({ powerSource: source, clock, sampleIntervalMs: 0 });
    energy.startTracking();
    const lowPower = new LowPowerMode({ energy, targetReduction: 0.25 });
    expect(valueOf(render({ lowPower }), 'greenslo_low_power_mode_enabled')).toBe(0);
    clock.advanceMs(60_000);
    lowPower.enable('test');
    source.setWatts(60);
    clock.advanceMs(60_000);
    const parsed = render({ lowPower });
    expect(valueOf(parsed, 'greenslo_low_power_mode_enabled')).toBe(1);
    expect(valueOf(parsed, 'greenslo_low_power_target_reduction_ratio')).toBe(0.25);
    expect(valueOf(parsed, 'greenslo_low_power_reduction_ratio')).toBeCloseTo(1 - 60 / 100, 9);
  });

  it('counts rate-limit decisions per rule and outcome, and the store faults the application counted', () => {
    const clock = new ManualClock(START_MS);
    const limiter = new EndpointRateLimiter({
      clock,
      rules: { '/agents/plan': { rate: 10, perSeconds: 60 }, '/health/*': 'unlimited' },
    });
    for (let i = 0; i < 13; i++) limiter.check('/agents/plan', 'client-1');
    for (let i = 0; i < 4; i++) limiter.check('/health/live', 'client-1');
    let faults = 2;
    const parsed = render({ limits: limiter, storeFaults: () => faults });
    expect(
      valueOf(parsed, 'greenslo_rate_limit_decisions_total', {
        rule: '/agents/plan',
        outcome: 'allowed',
      }),
    ).toBe(10);
    expect(
      valueOf(parsed, 'greenslo_rate_limit_decisions_total', {
        rule: '/agents/plan',
        outcome: 'limited',
      }),
    ).toBe(3);
    expect(
      valueOf(parsed, 'greenslo_rate_limit_decisions_total', {
        rule: '/health/*',
        outcome: 'allowed',
      }),
    ).toBe(4);
    expect(
      samplesOf(parsed, 'greenslo_rate_limit_decisions_total').map((sample) => sample.labels.rule),
    ).not.toContain('default'); // no default rule
    expect(valueOf(parsed, 'greenslo_rate_limit_store_faults_total')).toBe(2);
    faults = 5;
    expect(
      valueOf(
        render({ limits: limiter, storeFaults: () => faults }),
        'greenslo_rate_limit_store_faults_total',
      ),
    ).toBe(5);
  });
});
