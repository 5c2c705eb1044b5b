/**
 * Exposition of 200 endpoints: renderPrometheus beside prom-client's `registry.metrics()` for
 * comparable series (a histogram with the same buckets, request and error counters and percentile
 * gauges per endpoint), and greenslo's collectors on a prom-client registry. Goal: a render under 2 ms.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { collectInto, renderPrometheus } from '../src/prometheus/index.js';
import { SLOTracker } from '../src/slo/index.js';
import { ManualClock } from '../src/testing/manual-clock.js';
import { consume, median, report, type Measurement } from './harness.js';
import { seededRandom } from '../test/support/seeded-random.js';

const ENDPOINT_COUNT = 200;
const SAMPLES_PER_ENDPOINT = 1000;
const GOAL_MS = 2;

const endpoints = Array.from({ length: ENDPOINT_COUNT }, (_, i) => `/api/v1/resource-${i}`);

/** 200 endpoints with full windows over an hour; one in ten has a p95 and an error-rate objective. */
function busyTracker(clock: ManualClock, random: () => number): SLOTracker {
  const objectives = Object.fromEntries(
    endpoints
      .filter((_, i) => i % 10 === 0)
      .map((endpoint) => [endpoint, { p95Ms: 120, errorRate: 0.001 }]),
  );
  const slo = new SLOTracker({ clock, objectives });
  for (let n = 0; n < SAMPLES_PER_ENDPOINT; n++) {
    for (const endpoint of endpoints)
      slo.record(endpoint, 5 + random() * random() * 300, { error: random() < 0.002 });
    clock.advanceMs(3600);
  }
  return slo;
}

/** prom-client metrics holding the same series: histogram, two counters and three percentile gauges per endpoint. */
function promClientRegistry(slo: SLOTracker): Registry {
  const registry = new Registry();
  const buckets = slo.latencyBucketsMs.map((ms) => ms / 1000);
  const histogram = new Histogram({
    name: 'app_request_duration_seconds',
    help: 'Latency.',
    labelNames: ['endpoint'],
    buckets,
    registers: [registry],
  });
  const requests = new Counter({
    name: 'app_requests_total',
    help: 'Requests.',
    labelNames: ['endpoint'],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'app_request_errors_total',
    help: 'Errors.',
    labelNames: ['endpoint'],
    registers: [registry],
  });
  const window = new Gauge({
    name: 'app_request_latency_window_seconds',
    help: 'Percentiles.',
    labelNames: ['endpoint', 'percentile'],
    registers: [registry],
  });
  const random = seededRandom(9);
  for (const endpoint of endpoints) {
    for (let n = 0; n < 50; n++) histogram.observe({ endpoint }, (5 + random() * 300) / 1000);
    requests.inc({ endpoint }, 1000);
    errors.inc({ endpoint }, 2);
    for (const percentile of ['50', '95', '99']) window.set({ endpoint, percentile }, random());
  }
  return registry;
}

interface AsyncCandidate {
  readonly name: string;
  readonly run: (i: number) => unknown;
}

/** Like the harness' `measure`, for candidates that may return a Promise: each operation is awaited. */
async function measureAwaited(
  candidates: readonly AsyncCandidate[],
  iterations: number,
  rounds = 7,
): Promise<Measurement[]> {
  const samples = candidates.map(() => [] as number[]);
  const timeRound = async (candidate: AsyncCandidate): Promise<number> => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) await candidate.run(i);
    return Number(process.hrtime.bigint() - start) / iterations;
  };
  for (const candidate of candidates) await timeRound(candidate);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < candidates.length; k++) {
      const index = (k + round) % candidates.length;
      samples[index]!.push(await timeRound(candidates[index]!));
    }
  }
  return candidates.map((candidate, i) => ({
    name: candidate.name,
    nsPerOp: median(samples[i]!),
    roundsNsPerOp: samples[i]!,
  }));
}

/** Milliseconds of each of `count` single renders, sorted (less sensitive to a busy machine than a mean). */
function singleRendersMs(render: () => unknown, count: number): number[] {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    render();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times.sort((a, b) => a - b);
}

export default async function run(): Promise<void> {
  const clock = new ManualClock(Date.UTC(2025, 0, 1));
  const random = seededRandom(7);
  const slo = busyTracker(clock, random);
  const theirs = promClientRegistry(slo);
  const ours = new Registry();
  collectInto(ours, { slo });
  const seriesOf = (text: string): number =>
    text.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length;
  console.log(
    `\n${ENDPOINT_COUNT} endpoints, ${ENDPOINT_COUNT / 10} with objectives, ${SAMPLES_PER_ENDPOINT} requests each.`,
  );
  console.log(
    `series written: renderPrometheus ${seriesOf(renderPrometheus({ slo }))}, prom-client registry ${seriesOf(await theirs.metrics())}`,
  );
  const measurements = await measureAwaited(
    [
      { name: 'prom-client registry.metrics() (comparable series)', run: () => theirs.metrics() },
      {
        name: 'renderPrometheus (no new request since the last render)',
        run: () => renderPrometheus({ slo }),
      },
      {
        name: 'renderPrometheus after one new request per endpoint',
        run: () => {
          clock.advanceMs(5);
          for (const endpoint of endpoints) slo.record(endpoint, 5 + random() * 100);
          return renderPrometheus({ slo });
        },
      },
      { name: 'collectInto + registry.metrics()', run: () => ours.metrics() },
    ],
    40,
  );
  report(
    `Exposition of ${ENDPOINT_COUNT} endpoints (one operation = one scrape)`,
    measurements,
    'prom-client registry.metrics() (comparable series)',
  );
  const renderMs =
    measurements.find((m) => m.name.startsWith('renderPrometheus (no new'))!.nsPerOp / 1e6;
  const freshMs =
    measurements.find((m) => m.name.startsWith('renderPrometheus after'))!.nsPerOp / 1e6;
  console.log(
    `\nrender of ${ENDPOINT_COUNT} endpoints (mean of a round, median of rounds): ${renderMs.toFixed(3)} ms, after new requests ${freshMs.toFixed(3)} ms (goal < ${GOAL_MS} ms)`,
  );
  const single = singleRendersMs(() => renderPrometheus({ slo }), 300);
  const at = (q: number): string => single[Math.floor(q * (single.length - 1))]!.toFixed(3);
  const judged = endpoints.filter((endpoint) => Object.hasOwn(slo.objectives, endpoint));
  const queries = singleRendersMs(() => {
    for (const endpoint of endpoints)
      consume([
        slo.histogram(endpoint),
        slo.errorRate(endpoint),
        slo.p50(endpoint),
        slo.p95(endpoint),
        slo.p99(endpoint),
      ]);
    for (const endpoint of judged)
      consume([slo.checkCompliance(endpoint), slo.errorBudget(endpoint), slo.burnRates(endpoint)]);
  }, 300);
  console.log(
    `of which the tracker's own queries (histogram, percentiles, compliance, budgets, burn rates): median ${queries[150]!.toFixed(3)} ms`,
  );
  console.log(
    `single renders, no new request (300): min ${at(0)} ms, median ${at(0.5)} ms, p90 ${at(0.9)} ms (goal < ${GOAL_MS} ms: ${Number(at(0.5)) < GOAL_MS ? 'met' : 'NOT met'} at the median)`,
  );
}
