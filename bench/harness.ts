/**
 * A small side-by-side benchmark harness: candidates run in alternating order over several rounds in
 * one process, and each is reported by its median cost per operation and its ratio to a baseline.
 * Ratios, not absolute figures, are what to compare on a shared, noisy machine.
 */

/** One thing to measure: `run(i)` is called once per operation with the operation's index. */
export interface Candidate {
  readonly name: string;
  readonly run: (i: number) => unknown;
  /** Called before each round, outside the timed part (for example to build fresh state). */
  readonly setup?: () => void;
}

export interface MeasureOptions {
  /** Operations per round. */
  readonly iterations: number;
  /** Rounds; the median of them is reported. */
  readonly rounds?: number;
  /** Operations run once before the first round to warm up the JIT. */
  readonly warmup?: number;
}

export interface Measurement {
  readonly name: string;
  /** Median nanoseconds per operation over the rounds. */
  readonly nsPerOp: number;
  /** Every round's nanoseconds per operation, in order. */
  readonly roundsNsPerOp: readonly number[];
}

let sink: unknown;

/** Keeps results reachable so the JIT cannot drop the measured work. */
export function consume(value: unknown): void {
  sink = value;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function timeRound(candidate: Candidate, iterations: number): number {
  candidate.setup?.();
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) sink = candidate.run(i);
  return Number(process.hrtime.bigint() - start) / iterations;
}

/** Measures candidates side by side; each round runs them in a rotated order. */
export function measure(candidates: readonly Candidate[], options: MeasureOptions): Measurement[] {
  const rounds = options.rounds ?? 7;
  const warmup = options.warmup ?? Math.min(options.iterations, 100_000);
  for (const candidate of candidates) timeRound(candidate, warmup);
  const samples = candidates.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < candidates.length; k++) {
      const index = (k + round) % candidates.length;
      samples[index]!.push(timeRound(candidates[index]!, options.iterations));
    }
  }
  void sink;
  return candidates.map((candidate, i) => ({
    name: candidate.name,
    nsPerOp: median(samples[i]!),
    roundsNsPerOp: samples[i]!,
  }));
}

/**
 * Prints a table: median ns per operation, operations per second, and each candidate's cost as a
 * multiple of the baseline's (`cost x`, lower is cheaper) and its speed relative to it
 * (`speed x` = baseline cost / candidate cost, higher is faster).
 */
export function report(
  title: string,
  measurements: readonly Measurement[],
  baselineName: string,
): void {
  const baseline = measurements.find((m) => m.name === baselineName);
  if (!baseline) throw new Error(`no baseline named ${baselineName}`);
  console.log(`\n## ${title}\n`);
  console.log('| candidate | ns/op (median) | ops/s | cost x baseline | speed x baseline |');
  console.log('|---|---:|---:|---:|---:|');
  for (const m of measurements) {
    const opsPerSecond = Math.round(1e9 / m.nsPerOp).toLocaleString('en-US');
    console.log(
      `| ${m.name} | ${m.nsPerOp.toFixed(1)} | ${opsPerSecond} | ${(m.nsPerOp / baseline.nsPerOp).toFixed(2)} | ${(baseline.nsPerOp / m.nsPerOp).toFixed(2)} |`,
    );
  }
  console.log(`\nbaseline: ${baselineName}`);
}

/** Heap used after a full garbage collection (run node with --expose-gc for exact figures). */
export function heapUsedAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
  return process.memoryUsage().heapUsed;
}
