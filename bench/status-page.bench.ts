/**
 * The status page with 200 endpoints, each with objectives and six hours of traffic in its time
 * buckets: rendering a collected snapshot (against writing the same snapshot as JSON), then whole
 * responses when nothing changed since the last render, when the minute turned (every endpoint
 * re-read) and when every endpoint recorded again (re-read, and every windowed percentile
 * recomputed), against the tracker's own report as JSON; last, the tracker reads behind a re-read.
 */
import { EnergyMonitor } from '../src/energy/energy-monitor.js';
import { LowPowerMode } from '../src/energy/low-power-mode.js';
import { EndpointRateLimiter } from '../src/rate-limit/endpoint-rate-limiter.js';
import { SLOTracker } from '../src/slo/slo-tracker.js';
import { createStatusPage, renderStatusHtml } from '../src/status/index.js';
import { ManualClock } from '../src/testing/manual-clock.js';
import { ManualPowerSource } from '../src/testing/manual-power-source.js';
import { consume, measure, report } from './harness.js';
import { seededRandom } from '../test/support/seeded-random.js';

const ENDPOINT_COUNT = 200;
const MINUTES = 360;
const START_MS = 1_700_000_000_000 - (1_700_000_000_000 % 60_000);

function buildService() {
  const clock = new ManualClock(START_MS);
  const names = Array.from({ length: ENDPOINT_COUNT }, (_, i) => `/api/v1/resource-${i}/items/:id`);
  const objectives = Object.fromEntries(
    names.map((name, i) => [name, { p95Ms: 40 + (i % 5) * 10, p99Ms: 120, errorRate: 0.01 }]),
  );
  const slo = new SLOTracker({ clock, objectives });
  const limits = new EndpointRateLimiter({ clock });
  const source = new ManualPowerSource({ clock, watts: 45 });
  const energy = new EnergyMonitor({ powerSource: source, clock, powerWindowMs: 60_000 });
  const lowPower = new LowPowerMode({ energy });
  energy.startTracking();
  const page = createStatusPage({ slo, energy, limits, lowPower, clock });
  const random = seededRandom(42);
  for (let minute = 0; minute < MINUTES; minute++) {
    for (const name of names)
      for (let k = 0; k < 3; k++) slo.record(name, 5 + random() * 60, { error: random() < 0.004 });
    for (let k = 0; k < 12; k++) limits.check('/agents/plan', `client-${k % 3}`);
    energy.beginRequest().end();
    if (minute % 5 === 0) page.snapshot();
    clock.advanceMs(60_000);
  }
  return { clock, slo, page, names, random };
}

export default async function run(): Promise<void> {
  const { clock, slo, page, names, random } = buildService();
  // Let the build's pending work and garbage settle before timing.
  await new Promise((resolve) => setImmediate(resolve));
  const snapshot = page.snapshot();
  const html = page.respond('html').body;
  console.log(
    `200 endpoints: HTML ${(html.length / 1024).toFixed(0)} KiB, JSON ${(page.respond('json').body.length / 1024).toFixed(0)} KiB`,
  );
  const baseMs = clock.nowMs();
  // Before each round: back to the same minute, with the page's cache filled outside the timed part.
  const atBase = (): void => {
    clock.setMs(baseMs);
    page.respond('html');
  };
  const rendering = measure(
    [
      { name: 'JSON.stringify(snapshot)', run: () => JSON.stringify(snapshot) },
      { name: 'renderStatusHtml(snapshot)', run: () => renderStatusHtml(snapshot) },
    ],
    { iterations: 50, rounds: 9, warmup: 50 },
  );
  report(
    'Rendering a collected snapshot of 200 endpoints (target < 5 ms = 5,000,000 ns)',
    rendering,
    'JSON.stringify(snapshot)',
  );
  printSingleRenders(() => renderStatusHtml(snapshot));
  const responses = measure(
    [
      { name: 'JSON.stringify(slo.report())', run: () => JSON.stringify(slo.report()) },
      { name: "respond('html'), nothing changed", setup: atBase, run: () => page.respond('html') },
      { name: "respond('json'), nothing changed", setup: atBase, run: () => page.respond('json') },
      {
        name: "respond('html'), minute turned",
        setup: atBase,
        run: (i) => {
          clock.setMs(baseMs + (i + 1) * 60_000);
          return page.respond('html');
        },
      },
      {
        name: "respond('html'), every endpoint recorded",
        setup: atBase,
        run: () => {
          for (const name of names) slo.record(name, 5 + random() * 60);
          return page.respond('html');
        },
      },
    ],
    { iterations: 20, rounds: 7, warmup: 20 },
  );
  report(
    'Whole responses for 200 endpoints, tracker reads included',
    responses,
    'JSON.stringify(slo.report())',
  );
  clock.setMs(baseMs);
  benchTrackerReads(slo, names, random);
}

/** The spread of 300 single renders, each timed alone: the table above averages rounds, pauses included. */
function printSingleRenders(render: () => string): void {
  const timesMs: number[] = [];
  for (let i = 0; i < 300; i++) {
    const startMs = performance.now();
    consume(render());
    timesMs.push(performance.now() - startMs);
  }
  timesMs.sort((a, b) => a - b);
  const at = (share: number): string =>
    timesMs[Math.min(timesMs.length - 1, Math.floor(share * timesMs.length))]!.toFixed(2);
  console.log(
    `\nrenderStatusHtml, 300 single renders: min ${at(0)} ms, median ${at(0.5)} ms, p90 ${at(0.9)} ms, max ${at(1)} ms`,
  );
}

/** Where a full re-read goes: the tracker's own queries, each over all 200 endpoints per op. */
function benchTrackerReads(slo: SLOTracker, names: readonly string[], random: () => number): void {
  const each = (read: (name: string) => unknown) => () => {
    for (const name of names) read(name);
  };
  const measurements = measure(
    [
      { name: 'histogram (count and sum)', run: each((name) => slo.histogram(name)) },
      { name: 'timeSeries (6 h of minutes)', run: each((name) => slo.timeSeries(name)) },
      { name: 'burnRates (7 windows)', run: each((name) => slo.burnRates(name)) },
      { name: 'errorBudget (3 d)', run: each((name) => slo.errorBudget(name)) },
      {
        name: 'p50/p95/p99 after one record',
        run: each((name) => {
          slo.record(name, 5 + random() * 60);
          return [slo.p50(name), slo.p95(name), slo.p99(name)];
        }),
      },
    ],
    { iterations: 20, rounds: 7, warmup: 20 },
  );
  report(
    'SLOTracker reads behind one full re-read of 200 endpoints (per op: all 200)',
    measurements,
    'histogram (count and sum)',
  );
}
