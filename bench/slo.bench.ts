/**
 * SLOTracker against the latency recorders people already use: cost of one record, cost of a
 * windowed p95 + p99 query, heap per endpoint after a million samples, and all-time p99 accuracy.
 */
import * as hdr from 'hdr-histogram-js';
import { Histogram, Summary } from 'prom-client';
import { DEFAULT_LATENCY_BUCKETS_MS, SLOTracker } from '../src/slo/index.js';
import { ManualClock } from '../src/testing/manual-clock.js';
import { consume, heapUsedAfterGc, measure, report, type Measurement } from './harness.js';
import { seededRandom } from '../test/support/seeded-random.js';

const SAMPLE_COUNT = 1 << 16;
const MASK = SAMPLE_COUNT - 1;

function lognormalSampler(random: () => number): (medianMs: number, sigma: number) => number {
  return (medianMs, sigma) => {
    const u = 1 - random();
    const gaussian = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
    return medianMs * Math.exp(sigma * gaussian);
  };
}

/** Lognormal latencies (median 5 ms, sigma 0.5) with 1 % outliers drawn by `outlier`. */
function latencies(
  count: number,
  seed: number,
  outlier: (lognormal: (m: number, s: number) => number, random: () => number) => number,
): Float64Array {
  const random = seededRandom(seed);
  const lognormal = lognormalSampler(random);
  const values = new Float64Array(count);
  for (let i = 0; i < count; i++)
    values[i] = random() < 0.01 ? outlier(lognormal, random) : lognormal(5, 0.5);
  return values;
}

const heavyTail = (lognormal: (m: number, s: number) => number): number => lognormal(100, 1);
const separateCluster = (_: unknown, random: () => number): number => 200 + 800 * random();

function ratioLine(measurements: readonly Measurement[], name: string, baseline: string): string {
  const of = (n: string): number => measurements.find((m) => m.name === n)!.nsPerOp;
  return `${name} / ${baseline}: ${(of(name) / of(baseline)).toFixed(2)}x`;
}

function benchRecord(values: Float64Array): void {
  const systemTracker = new SLOTracker();
  const manualTracker = new SLOTracker({ clock: new ManualClock(1_700_000_000_000) });
  const summary = new Summary({ name: 'bench_summary', help: 'bench', registers: [] });
  const histogram = new Histogram({
    name: 'bench_histogram',
    help: 'bench',
    buckets: DEFAULT_LATENCY_BUCKETS_MS.map((ms) => ms / 1000),
    registers: [],
  });
  const hdrHistogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
  });
  const micros = Int32Array.from(values, (ms) => Math.round(ms * 1000));
  const ring = new Float64Array(1000);
  const measurements = measure(
    [
      {
        name: 'prom-client Summary.observe',
        run: (i) => summary.observe(values[i & MASK]! / 1000),
      },
      {
        name: 'prom-client Histogram.observe',
        run: (i) => histogram.observe(values[i & MASK]! / 1000),
      },
      {
        name: 'hdr-histogram-js recordValue',
        run: (i) => hdrHistogram.recordValue(micros[i & MASK]!),
      },
      { name: 'ring-buffer write', run: (i) => (ring[i % 1000] = values[i & MASK]!) },
      {
        name: 'SLOTracker.record (systemClock)',
        run: (i) => systemTracker.record('/api/items', values[i & MASK]!),
      },
      {
        name: 'SLOTracker.record (ManualClock)',
        run: (i) => manualTracker.record('/api/items', values[i & MASK]!),
      },
    ],
    { iterations: 200_000, rounds: 7 },
  );
  report('One latency record', measurements, 'prom-client Summary.observe');
  console.log(
    `\n${ratioLine(measurements, 'SLOTracker.record (systemClock)', 'prom-client Summary.observe')} (goal <= 0.35x)`,
  );
  console.log(
    ratioLine(measurements, 'SLOTracker.record (systemClock)', 'prom-client Histogram.observe'),
  );
  console.log(
    ratioLine(measurements, 'SLOTracker.record (systemClock)', 'hdr-histogram-js recordValue'),
  );
}

function benchQuery(values: Float64Array): void {
  const clock = new ManualClock(1_700_000_000_000);
  const tracker = new SLOTracker({ clock });
  for (let i = 0; i < 1000; i++) tracker.record('/api/items', values[i]!);
  const measurements = measure(
    [
      { name: 'record', run: (i) => tracker.record('/api/items', values[i & MASK]!) },
      {
        name: 'record + p95 + p99',
        run: (i) => (
          tracker.record('/api/items', values[i & MASK]!),
          tracker.p95('/api/items')! + tracker.p99('/api/items')!
        ),
      },
      {
        name: 'p95 + p99 (cached, no new record)',
        run: () => tracker.p95('/api/items')! + tracker.p99('/api/items')!,
      },
    ],
    { iterations: 20_000, rounds: 7 },
  );
  report('Windowed p95 + p99 on a full 1000-sample window', measurements, 'record');
  const of = (name: string): number => measurements.find((m) => m.name === name)!.nsPerOp;
  const queryUs = (of('record + p95 + p99') - of('record')) / 1000;
  console.log(
    `\np95 + p99 after a new record (selection on a fresh copy): ${queryUs.toFixed(2)} us (goal < 10 us)`,
  );
}

async function benchHeap(values: Float64Array): Promise<void> {
  const endpoints = 8;
  const samples = 1_000_000;
  const before = heapUsedAfterGc();
  const tracker = new SLOTracker({ clock: new ManualClock(1_700_000_000_000) });
  for (let e = 0; e < endpoints; e++)
    for (let i = 0; i < samples; i++) tracker.record(`/endpoint/${e}`, values[(i * 7 + e) & MASK]!);
  const trackerBytes = (heapUsedAfterGc() - before) / endpoints;
  const summaries: Summary[] = [];
  const beforeSummaries = heapUsedAfterGc();
  for (let e = 0; e < 2; e++) {
    const summary = new Summary({ name: `heap_summary_${e}`, help: 'bench', registers: [] });
    for (let i = 0; i < samples; i++) summary.observe(values[(i * 7 + e) & MASK]! / 1000);
    summaries.push(summary);
  }
  const summaryBytes = (heapUsedAfterGc() - beforeSummaries) / 2;
  console.log('\n## Heap per endpoint after 1,000,000 samples\n');
  console.log('| recorder | bytes per endpoint |');
  console.log('|---|---:|');
  console.log(
    `| SLOTracker (window 1000, histogram, 792 time buckets, digest) | ${Math.round(trackerBytes).toLocaleString('en-US')} |`,
  );
  console.log(
    `| prom-client Summary (one label set) | ${Math.round(summaryBytes).toLocaleString('en-US')} |`,
  );
  const centroids = tracker.snapshot().endpoints.map((endpoint) => endpoint.digestCentroids.length);
  console.log(
    `\nSLOTracker digest centroids per endpoint: ${Math.min(...centroids)} to ${Math.max(...centroids)}`,
  );
  consume(tracker);
  consume(summaries);
  consume(await summaries[0]!.get());
}

async function benchAccuracy(): Promise<void> {
  console.log('\n## All-time p99 (t-digest) against the exact p99 of 1,000,000 samples\n');
  console.log(
    '| sample | exact p99 ms | SLOTracker p99 ms | error | prom-client Summary p99 ms | error |',
  );
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const [name, outlier] of [
    ['lognormal + 1 % heavy-tail outliers (lognormal, median 100 ms)', heavyTail],
    ['lognormal + 1 % outliers in a separate cluster (200-1000 ms)', separateCluster],
  ] as const) {
    const values = latencies(1_000_000, 42, outlier);
    const tracker = new SLOTracker({ clock: new ManualClock(0) });
    const summary = new Summary({
      name: 'accuracy_summary',
      help: 'bench',
      percentiles: [0.99],
      registers: [],
    });
    for (const value of values) {
      tracker.record('/api', value);
      summary.observe(value);
    }
    const exact = exactPercentile(values, 99);
    const ours = tracker.stats('/api')!.allTime.p99Ms;
    const theirs = (await summary.get()).values.find((v) => v.labels.quantile === 0.99)!.value;
    const error = (value: number): string => `${(((value - exact) / exact) * 100).toFixed(2)} %`;
    console.log(
      `| ${name} | ${exact.toFixed(3)} | ${ours.toFixed(3)} | ${error(ours)} | ${theirs.toFixed(3)} | ${error(theirs)} |`,
    );
  }
  console.log(
    '\ngoal: within 1 % on the first sample. In the second, p99 falls in the empty gap between the',
  );
  console.log(
    'two clusters, where every centroid-interpolating digest errs; the windowed p99 stays exact.',
  );
}

function exactPercentile(values: Float64Array, percentile: number): number {
  const sorted = Float64Array.from(values).sort();
  const rank = (percentile / 100) * (sorted.length - 1);
  const lower = Math.floor(rank);
  return (
    sorted[lower]! +
    (sorted[Math.min(lower + 1, sorted.length - 1)]! - sorted[lower]!) * (rank - lower)
  );
}

export default async function run(): Promise<void> {
  const values = latencies(SAMPLE_COUNT, 7, heavyTail);
  benchRecord(values);
  benchQuery(values);
  await benchHeap(values);
  await benchAccuracy();
}
