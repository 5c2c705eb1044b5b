import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { EnergyMonitor } from '../../src/energy/energy-monitor.js';
import { LowPowerMode } from '../../src/energy/low-power-mode.js';
import { renderPrometheus } from '../../src/prometheus/exposition.js';
import { EndpointRateLimiter } from '../../src/rate-limit/endpoint-rate-limiter.js';
import { DEFAULT_SLOS, type SloObjectives } from '../../src/slo/objectives.js';
import { SLOTracker } from '../../src/slo/slo-tracker.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { findProgram } from '../support/programs.js';
import { parseExposition, valueOf } from './exposition-parser.js';
import { countAtOrUnder, latenciesMs, seededRandom, SteppedPowerSource } from './reference.js';

const promtool = findProgram('promtool', 'prometheus');

const OBJECTIVES: SloObjectives = {
  ...DEFAULT_SLOS,
  '/search': { p50Ms: 20, p95Ms: 120, p99Ms: 400, errorRate: 0.01 },
  '/checkout': { p99Ms: 250, errorRate: 0.001 },
  '/reports/{id}': { p95Ms: 2000 },
};

/** Twenty thousand requests over two hours on 40 endpoints, some with objectives, some with awkward names. */
function busyService() {
  const clock = new ManualClock(Date.UTC(2025, 2, 3, 8, 0, 0));
  const slo = new SLOTracker({ clock, objectives: OBJECTIVES, maxEndpoints: 30 });
  const source = new SteppedPowerSource(clock, 70, 'rapl');
  const energy = new EnergyMonitor({ powerSource: source, clock, powerThresholdW: 90 });
  const lowPower = new LowPowerMode({ energy });
  const limiter = new EndpointRateLimiter({ clock });
  const random = seededRandom(2025);
  const endpoints = [
    ...Object.keys(OBJECTIVES),
    ...Array.from({ length: 33 }, (_, i) => `/items/${i}${i % 5 === 0 ? ' "v2"\\x' : ''}`),
  ];
  const recorded = new Map<string, number[]>();
  energy.startTracking();
  for (let i = 0; i < 20_000; i++) {
    const endpoint = endpoints[Math.floor(random() ** 2 * endpoints.length)]!;
    const [latencyMs] = latenciesMs(random, 1, endpoint.startsWith('/health') ? 4 : 60);
    const handle = energy.beginRequest();
    limiter.check(endpoint === '/checkout' ? '/agents/plan' : endpoint, `client-${i % 7}`);
    clock.advanceMs(Math.floor(random() * 700));
    handle.end();
    slo.record(endpoint, latencyMs!, { error: random() < 0.004 });
    recorded.set(endpoint, [...(recorded.get(endpoint) ?? []), latencyMs!]);
    if (i === 12_000) {
      source.setWatts(120);
      lowPower.enable('load');
    }
  }
  return { slo, energy, limiter, lowPower, recorded };
}

describe.skipIf(promtool === undefined)('renderPrometheus judged by promtool check metrics', () => {
  const service = busyService();
  const text = renderPrometheus({
    slo: service.slo,
    energy: service.energy,
    limits: service.limiter,
    lowPower: service.lowPower,
    storeFaults: () => 3,
  });

  it('reports no problem for the text of a busy service', () => {
    const result = spawnSync(promtool!, ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(text.split('\n').length).toBeGreaterThan(1000);
  });

  it("has, at each latency threshold, a bucket equal to the tracker's own good count and to the requests within it", () => {
    const parsed = parseExposition(text);
    let checked = 0;
    for (const [endpoint, objective] of Object.entries(OBJECTIVES)) {
      const latencies = service.recorded.get(endpoint);
      if (latencies === undefined) continue;
      const rates = service.slo.burnRates(endpoint).objectives;
      for (const kind of ['p50', 'p95', 'p99'] as const) {
        const thresholdMs = objective[`${kind}Ms`];
        if (thresholdMs === undefined) continue;
        const own = rates.find((rate) => rate.kind === kind)!.windows['3d'];
        const bucket = valueOf(parsed, 'greenslo_request_duration_seconds_bucket', {
          endpoint,
          le: String(thresholdMs / 1000),
        });
        expect(bucket, `${endpoint} ${kind}`).toBe(countAtOrUnder(latencies, thresholdMs));
        expect(bucket, `${endpoint} ${kind}`).toBe(own.totalCount - own.badCount);
        expect(valueOf(parsed, 'greenslo_request_duration_seconds_count', { endpoint })).toBe(
          own.totalCount,
        );
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(7);
  });
});
