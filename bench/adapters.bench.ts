/**
 * Adapter overhead: each framework bare, with one empty middleware (what any middleware costs),
 * with greenslo's full `guard` (SLO + an allow-all rate limit + energy on the CPU model; default
 * draft header fields, and again with `headers: 'both'` and `'none'`), and with a peer stack (a rate
 * limiter plus a prom-client histogram middleware). The server runs in its own process pinned to one
 * core, autocannon on the other, and is measured after a warm-up of a fixed number of requests.
 * Variants alternate over several rounds and medians are reported, as requests per second and as
 * server CPU microseconds per request (the steadier figure on a shared machine). Differences to the
 * bare framework and ratios to the peer are compared round by round.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { EnergyMonitor } from '../src/energy/energy-monitor.js';
import type { GuardOptions } from '../src/http/guard-options.js';
import { RequestGuard, type GuardTicket } from '../src/http/request-guard.js';
import { cpuPowerSource } from '../src/node/cpu-power-source.js';
import { EndpointRateLimiter } from '../src/rate-limit/endpoint-rate-limiter.js';
import { SLOTracker } from '../src/slo/slo-tracker.js';
import { consume, median } from './harness.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 3);
/**
 * Requests each server answers before it is measured. A count, not a time: the JIT compiles on other
 * threads whose CPU time counts, and the slower frameworks need as many requests as the faster ones
 * for it to settle (after a 1 s warm-up, Express's added CPU read several µs higher).
 */
const WARM_UP_REQUESTS = Number(process.env.BENCH_WARM_UP_REQUESTS ?? 60_000);
const CONNECTIONS = 16;
const GUARD_LOOP_REQUESTS = 300_000;
const GUARD_LOOP_ROUNDS = 7;
const FRAMEWORKS = [
  { name: 'express', peer: 'express-rate-limit + prom-client Histogram' },
  { name: 'koa', peer: 'rate-limiter-flexible + both header sets + prom-client Histogram' },
  {
    name: 'fetch',
    peer: 'rate-limiter-flexible + both header sets + prom-client Histogram (Hono)',
  },
  {
    name: 'fastify',
    peer: '@fastify/rate-limit (its X-RateLimit fields) + prom-client Histogram',
    variants: ['bare', 'greenslo', 'peer'],
  },
  {
    name: 'hono',
    peer: 'hono-rate-limiter (its draft-7 fields) + prom-client Histogram, on @hono/node-server',
    variants: ['bare', 'greenslo', 'peer'],
  },
].filter(
  (framework) =>
    !process.env.BENCH_FRAMEWORKS ||
    process.env.BENCH_FRAMEWORKS.split(',').includes(framework.name),
);
const VARIANTS = ['bare', 'noop', 'greenslo', 'greenslo-both', 'greenslo-none', 'peer'] as const;
/**
 * With `BENCH_ADAPTER_PROBES=1`, Koa also runs two probes: the guard's two draft fields as constants,
 * set by a middleware of their own, once on the bare app and once after `guard({ headers: 'none' })`.
 * If costs simply added up, both would add the same to their base.
 */
const PROBES =
  process.env.BENCH_ADAPTER_PROBES === '1'
    ? (['bare+fields', 'greenslo-none+fields'] as const)
    : [];
const VARIANT_NAMES: Record<string, string> = {
  bare: 'bare',
  noop: 'one empty middleware (Fetch: an empty wrapper): the floor of any guard',
  greenslo: 'greenslo guard (SLO + limit + energy; both header sets, the default)',
  'greenslo-both': "greenslo guard, `headers: 'both'` given explicitly (the default)",
  'greenslo-none': "greenslo guard, `headers: 'none'` (no rate-limit fields)",
  'bare+fields': 'probe: bare, plus a middleware that sets the two draft fields as constants',
  'greenslo-none+fields': "probe: guard with `headers: 'none'`, plus the same middleware",
};

const canPin = (() => {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return availableParallelism() >= 2;
  } catch {
    return false;
  }
})();

interface Server {
  readonly child: ChildProcess;
  readonly port: number;
  request<T>(type: string, reply: string): Promise<T>;
}

async function startServer(framework: string, variant: string): Promise<Server> {
  const child = fork(
    join(import.meta.dirname, 'support/adapter-server.mjs'),
    [framework, variant],
    { execArgv: [], stdio: 'inherit' },
  );
  const request = <T>(type: string, reply: string): Promise<T> =>
    new Promise((resolve) => {
      const onMessage = (message: { type: string }) => {
        if (message.type !== reply) return;
        child.off('message', onMessage);
        resolve(message as T);
      };
      child.on('message', onMessage);
      if (type) child.send({ type });
    });
  const { port } = await request<{ port: number }>('', 'ready');
  // -a: every thread of the server, the JIT's and the garbage collector's included.
  if (canPin && child.pid)
    execFileSync('taskset', ['-a', '-p', '-c', '0', String(child.pid)], { stdio: 'ignore' });
  return { child, port, request };
}

async function runOnce(
  framework: string,
  variant: string,
): Promise<{ rps: number; cpuMicrosPerRequest: number }> {
  const server = await startServer(framework, variant);
  try {
    const url = `http://127.0.0.1:${server.port}/hello/42`;
    await autocannon({ url, connections: CONNECTIONS, amount: WARM_UP_REQUESTS });
    await server.request('start', 'started');
    const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S });
    const stats = await server.request<{ cpuMicros: number; served: number }>('stats', 'stats');
    if (result.non2xx > 0 || result.errors > 0)
      throw new Error(
        `${framework}/${variant}: ${result.non2xx} non-2xx and ${result.errors} errors`,
      );
    return { rps: stats.served / DURATION_S, cpuMicrosPerRequest: stats.cpuMicros / stats.served };
  } finally {
    server.child.send({ type: 'stop' });
    await new Promise((resolve) => server.child.once('exit', resolve));
  }
}

export default async function run(): Promise<void> {
  if (canPin) execFileSync('taskset', ['-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
  const pinning = canPin ? 'pinned to core 0, load to core 1' : 'not pinned';
  console.log(
    `\n## Adapter overhead (${ROUNDS} rounds x ${DURATION_S} s after ${WARM_UP_REQUESTS.toLocaleString('en-US')} warm-up requests, ${CONNECTIONS} connections, server ${pinning})\n`,
  );
  console.log(
    '| framework | variant | req/s (median) | server CPU µs/req (median) | added µs/req vs bare (median of rounds) | throughput (CPU) vs peer (median of rounds) |',
  );
  console.log('|---|---|---:|---:|---:|---:|');
  const probeNotes: string[] = [];
  for (const framework of FRAMEWORKS) {
    const variants: readonly string[] =
      'variants' in framework
        ? framework.variants
        : framework.name === 'koa'
          ? [...VARIANTS, ...PROBES]
          : VARIANTS;
    const samples = Object.fromEntries(
      variants.map((variant) => [variant, { rps: [] as number[], cpu: [] as number[] }]),
    );
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? variants : [...variants].reverse();
      for (const variant of order) {
        const { rps, cpuMicrosPerRequest } = await runOnce(framework.name, variant);
        samples[variant]!.rps.push(rps);
        samples[variant]!.cpu.push(cpuMicrosPerRequest);
      }
    }
    // Added CPU and throughput ratios are medians of per-round comparisons: the variants of one round
    // ran back to back, so slow drifts of the machine's load cancel out.
    const paired = (
      variant: string,
      other: string,
      figure: 'rps' | 'cpu',
      compare: (a: number, b: number) => number,
    ): number =>
      median(
        samples[variant]![figure].map((value, round) =>
          compare(value, samples[other]![figure][round]!),
        ),
      );
    for (const variant of variants) {
      const rps = median(samples[variant]!.rps);
      const cpu = median(samples[variant]!.cpu);
      const name = variant === 'peer' ? framework.peer : VARIANT_NAMES[variant]!;
      const added =
        variant === 'bare' ? '' : paired(variant, 'bare', 'cpu', (a, b) => a - b).toFixed(1);
      const versusPeer =
        variant.startsWith('greenslo') && !variant.includes('+')
          ? `${paired(variant, 'peer', 'rps', (a, b) => a / b).toFixed(2)}x (CPU ${paired(variant, 'peer', 'cpu', (a, b) => a / b).toFixed(2)}x)`
          : '';
      console.log(
        `| ${framework.name} | ${name} | ${Math.round(rps).toLocaleString('en-US')} | ${cpu.toFixed(1)} | ${added} | ${versusPeer} |`,
      );
    }
    if (variants.includes('bare+fields')) {
      const onBare = paired('bare+fields', 'bare', 'cpu', (a, b) => a - b);
      const onGuard = paired('greenslo-none+fields', 'greenslo-none', 'cpu', (a, b) => a - b);
      probeNotes.push(
        `${framework.name}: the two constant fields add ${onBare.toFixed(1)} µs/request to the bare app and ${onGuard.toFixed(1)} µs/request to the app with the guard (medians of per-round differences)`,
      );
    }
  }
  for (const note of probeNotes) console.log(`\nProbe, ${note}.`);
  guardInProcess();
}

/**
 * The guard's own work, without HTTP: `admit` and `finish` of the benchmark's guard, request after
 * request in one loop. Set against the added CPU above, it shows how much of that is the guard's own
 * instructions, and how much the cost of running them between the framework's, once per request.
 */
function guardInProcess(): void {
  const guards = {
    'both header sets (the default)': new RequestGuard<object>('bench guard', guardParts()),
    "`headers: 'draft'`": new RequestGuard<object>('bench guard', {
      ...guardParts(),
      headers: 'draft',
    }),
    "`headers: 'none'`": new RequestGuard<object>('bench guard', {
      ...guardParts(),
      headers: 'none',
    }),
  };
  const request = {};
  const rounds: Record<string, number[]> = {};
  for (let round = 0; round < GUARD_LOOP_ROUNDS; round++) {
    for (const [name, guard] of Object.entries(guards)) {
      const start = process.hrtime.bigint();
      for (let i = 0; i < GUARD_LOOP_REQUESTS; i++) {
        const admission = guard.begin(request, '/hello/42', '127.0.0.1') as GuardTicket;
        consume(admission.headers);
        admission.finish(200, '/hello/:id');
      }
      (rounds[name] ??= []).push(Number(process.hrtime.bigint() - start) / GUARD_LOOP_REQUESTS);
    }
  }
  console.log(
    `\n## The guard alone: begin + finish in a loop, without HTTP (${GUARD_LOOP_ROUNDS} rounds x ${GUARD_LOOP_REQUESTS.toLocaleString('en-US')} requests)\n`,
  );
  console.log('| guard (SLO + limit + energy) | µs/request (median) |');
  console.log('|---|---:|');
  for (const [name, samples] of Object.entries(rounds))
    console.log(`| ${name} | ${(median(samples) / 1000).toFixed(2)} |`);
}

/** The parts of the benchmark servers' guard (bench/support/adapter-server.mjs). */
function guardParts(): GuardOptions<object> {
  return {
    slo: new SLOTracker(),
    limits: new EndpointRateLimiter({ rules: {}, default: { rate: 1e9, perSeconds: 1 } }),
    energy: new EnergyMonitor({ powerSource: cpuPowerSource() }),
  };
}
