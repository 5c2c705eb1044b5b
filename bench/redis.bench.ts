/**
 * Rate-limit checks against a local redis-server over one client connection: greenslo's RedisStore
 * (behind a RateLimiter, as users call it) beside rate-limiter-flexible's RateLimiterRedis on the
 * same server, one check at a time and with 64 checks in flight. Reports checks per second, latency
 * percentiles and CPU time per check (the benchmark process's, and redis-server's from `INFO cpu`),
 * each the median over alternating rounds, and ratios to rate-limiter-flexible: in the table to its
 * ioredis row, and below it as medians of per-round ratios on the same client (ioredis against
 * ioredis, node-redis against node-redis). On a shared machine CPU time per check is the steadier
 * figure; checks per second is the goal. A second run compares the two on a 3-master Redis Cluster
 * (ioredis `Cluster`), with Redis CPU summed over the masters. `GREENSLO_BENCH_ROUNDS` lowers the
 * round count while developing.
 */
import { Cluster, Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { createClient } from 'redis';
import { RateLimiter } from '../src/rate-limit/rate-limiter.js';
import { RedisStore, type NodeRedisClientLike } from '../src/redis/index.js';
import { findProgram } from '../test/support/programs.js';
import { RedisCluster } from '../test/support/redis-cluster.js';
import { RedisServer } from '../test/support/redis-server.js';
import { median } from './harness.js';

interface Contender {
  readonly name: string;
  readonly check: (key: string) => Promise<unknown>;
}

interface Round {
  readonly checksPerSecond: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly clientCpuUs: number;
  readonly serverCpuUs: number;
}

/** redis-server's CPU time so far, in microseconds, read over a separate connection. */
type ServerCpu = () => Promise<number>;

interface Mode {
  readonly title: string;
  readonly inFlight: number;
  readonly checksPerRound: number;
}

const ROUNDS = Number(process.env.GREENSLO_BENCH_ROUNDS ?? 9);
const KEYS = Array.from({ length: 1000 }, (_, i) => `client-${i}`);
const MODES: readonly Mode[] = [
  { title: 'one check at a time (sequential)', inFlight: 1, checksPerRound: 4000 },
  { title: '64 checks in flight (pipelined by the client)', inFlight: 64, checksPerRound: 40_000 },
];
const BASELINE = 'rate-limiter-flexible RateLimiterRedis (ioredis)';
const OURS_ON_IOREDIS = 'greenslo RedisStore (ioredis)';
const PEER_ON_NODE_REDIS = 'rate-limiter-flexible RateLimiterRedis (node-redis)';
const OURS_ON_NODE_REDIS = 'greenslo RedisStore (node-redis)';
const PEER_ON_CLUSTER = 'rate-limiter-flexible RateLimiterRedis (ioredis Cluster, 3 masters)';
const OURS_ON_CLUSTER = 'greenslo RedisStore (ioredis Cluster, 3 masters)';

/** What one table compares: its title, its baseline, and the pairs (ours, the peer on the same client) whose paired ratios are listed. */
interface Comparison {
  readonly where: string;
  readonly baseline: string;
  readonly pairs: readonly (readonly [label: string, ours: string, peer: string])[];
}

const SINGLE_NODE: Comparison = {
  where: 'one connection',
  baseline: BASELINE,
  pairs: [
    ['ioredis', OURS_ON_IOREDIS, BASELINE],
    ['node-redis', OURS_ON_NODE_REDIS, PEER_ON_NODE_REDIS],
  ],
};
const CLUSTER: Comparison = {
  where: 'one ioredis Cluster client, 3 masters',
  baseline: PEER_ON_CLUSTER,
  pairs: [['ioredis Cluster', OURS_ON_CLUSTER, PEER_ON_CLUSTER]],
};

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

/** Runs `count` checks with `inFlight` lanes, each awaiting its checks one after another. */
async function runRound(
  contender: Contender,
  mode: Mode,
  offset: number,
  serverCpu: ServerCpu,
): Promise<Round> {
  const latenciesNs = new Float64Array(mode.checksPerRound);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < mode.checksPerRound) {
      const index = next++;
      const key = KEYS[(index + offset) % KEYS.length]!;
      const startNs = process.hrtime.bigint();
      await contender.check(key);
      latenciesNs[index] = Number(process.hrtime.bigint() - startNs);
    }
  };
  const serverStartUs = await serverCpu();
  const cpuStart = process.cpuUsage();
  const startNs = process.hrtime.bigint();
  await Promise.all(Array.from({ length: mode.inFlight }, lane));
  const elapsedNs = Number(process.hrtime.bigint() - startNs);
  const cpu = process.cpuUsage(cpuStart);
  const serverCpuUs = (await serverCpu()) - serverStartUs;
  latenciesNs.sort();
  const checks = mode.checksPerRound;
  return {
    checksPerSecond: (checks * 1e9) / elapsedNs,
    p50Us: percentile(latenciesNs, 0.5) / 1000,
    p99Us: percentile(latenciesNs, 0.99) / 1000,
    clientCpuUs: (cpu.user + cpu.system) / checks,
    serverCpuUs: serverCpuUs / checks,
  };
}

/** Each contender's rounds, in the order run; in round `r` every contender ran once, back to back. */
async function measureMode(
  contenders: readonly Contender[],
  mode: Mode,
  serverCpu: ServerCpu,
): Promise<Map<string, Round[]>> {
  const rounds = new Map<string, Round[]>(contenders.map((contender) => [contender.name, []]));
  for (const contender of contenders)
    await runRound(
      contender,
      { ...mode, checksPerRound: Math.min(mode.checksPerRound, 2000) },
      0,
      serverCpu,
    );
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const contender = contenders[(k + round) % contenders.length]!;
      rounds.get(contender.name)!.push(await runRound(contender, mode, round * 7, serverCpu));
    }
  }
  return rounds;
}

function medianRound(results: readonly Round[]): Round {
  const of = (field: keyof Round): number => median(results.map((result) => result[field]));
  return {
    checksPerSecond: of('checksPerSecond'),
    p50Us: of('p50Us'),
    p99Us: of('p99Us'),
    clientCpuUs: of('clientCpuUs'),
    serverCpuUs: of('serverCpuUs'),
  };
}

/** The median over rounds of `field` of `ours` divided by that of `peer` in the same round. */
function pairedRatio(
  rounds: Map<string, Round[]>,
  ours: string,
  peer: string,
  field: (round: Round) => number,
): string {
  const peerRounds = rounds.get(peer)!;
  const ratios = rounds.get(ours)!.map((round, i) => field(round) / field(peerRounds[i]!));
  return `${median(ratios).toFixed(2)}x (per round: ${ratios.map((ratio) => ratio.toFixed(2)).join(' ')})`;
}

function printTable(mode: Mode, rounds: Map<string, Round[]>, comparison: Comparison): void {
  const results = new Map([...rounds].map(([name, list]) => [name, medianRound(list)]));
  const baseline = results.get(comparison.baseline)!;
  console.log(`\n## Redis rate-limit checks, ${comparison.where}: ${mode.title}\n`);
  console.log(
    '| candidate | checks/s | p50 µs | p99 µs | CPU µs/check: node + redis | checks/s x baseline | p99 x baseline | CPU x baseline |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  const cpuOf = (round: Round): number => round.clientCpuUs + round.serverCpuUs;
  for (const [name, round] of results) {
    const speed = (round.checksPerSecond / baseline.checksPerSecond).toFixed(2);
    const p99 = (round.p99Us / baseline.p99Us).toFixed(2);
    const cpu = `${round.clientCpuUs.toFixed(1)} + ${round.serverCpuUs.toFixed(1)}`;
    const cpuRatio = (cpuOf(round) / cpuOf(baseline)).toFixed(2);
    console.log(
      `| ${name} | ${Math.round(round.checksPerSecond).toLocaleString('en-US')} | ${round.p50Us.toFixed(0)} | ${round.p99Us.toFixed(0)} | ${cpu} | ${speed} | ${p99} | ${cpuRatio} |`,
    );
  }
  console.log(
    `\nbaseline: ${comparison.baseline}; ${ROUNDS} alternating rounds of ${mode.checksPerRound.toLocaleString('en-US')} checks over ${KEYS.length} keys, medians`,
  );
  console.log(
    "\ngreenslo against rate-limiter-flexible on the same client, median of the rounds' ratios:",
  );
  for (const [label, ours, peer] of comparison.pairs) {
    console.log(
      `- ${label}: checks/s ${pairedRatio(rounds, ours, peer, (round) => round.checksPerSecond)}`,
    );
    console.log(
      `  Node CPU/check ${pairedRatio(rounds, ours, peer, (round) => round.clientCpuUs)}; Redis CPU/check ${pairedRatio(rounds, ours, peer, (round) => round.serverCpuUs)}`,
    );
  }
}

/** Every contender admits every check (huge limits), so that only the cost of a check is compared. */
function contenders(ioredis: Redis, nodeRedis: NodeRedisClientLike): Contender[] {
  const onError = (error: Error): void => console.warn(error.message);
  const viaIoredis = new RateLimiter({
    rate: 1e9,
    perSeconds: 60,
    store: new RedisStore({ client: ioredis, prefix: 'greenslo-io:', timeoutMs: 5000, onError }),
  });
  const viaNodeRedis = new RateLimiter({
    rate: 1e9,
    perSeconds: 60,
    store: new RedisStore({
      client: nodeRedis,
      prefix: 'greenslo-node:',
      timeoutMs: 5000,
      onError,
    }),
  });
  const flexible = new RateLimiterRedis({
    storeClient: ioredis,
    keyPrefix: 'rlflx',
    points: 1e9,
    duration: 60,
  });
  const flexibleOnNodeRedis = new RateLimiterRedis({
    storeClient: nodeRedis,
    useRedisPackage: true,
    keyPrefix: 'rlflx-node',
    points: 1e9,
    duration: 60,
  });
  return [
    { name: BASELINE, check: (key) => flexible.consume(key) },
    { name: OURS_ON_IOREDIS, check: (key) => viaIoredis.check(key) },
    { name: PEER_ON_NODE_REDIS, check: (key) => flexibleOnNodeRedis.consume(key) },
    { name: OURS_ON_NODE_REDIS, check: (key) => viaNodeRedis.check(key) },
  ];
}

/** redis-server's CPU time so far, in microseconds, from `INFO cpu` read through `info`. */
async function cpuOf(info: () => Promise<unknown>): Promise<number> {
  const text = String(await info());
  return (
    (Number(/used_cpu_user:([\d.]+)/.exec(text)?.[1]) +
      Number(/used_cpu_sys:([\d.]+)/.exec(text)?.[1])) *
    1e6
  );
}

/** The same comparison on a 3-master cluster, through one ioredis `Cluster` client. */
async function runCluster(program: string): Promise<void> {
  const cli = findProgram('redis-cli', 'redis-tools');
  if (cli === undefined) return;
  const cluster = await RedisCluster.start(program, cli);
  const client = new Cluster(cluster.ports.map((port) => ({ host: '127.0.0.1', port })));
  const admins = cluster.ports.map((port) => new Redis({ host: '127.0.0.1', port }));
  try {
    await new Promise<void>((resolve) => client.once('ready', () => resolve()));
    const onError = (error: Error): void => console.warn(error.message);
    const ours = new RateLimiter({
      rate: 1e9,
      perSeconds: 60,
      store: new RedisStore({ client, prefix: 'greenslo-cluster:', timeoutMs: 5000, onError }),
    });
    const peer = new RateLimiterRedis({
      storeClient: client,
      keyPrefix: 'rlflx-cluster',
      points: 1e9,
      duration: 60,
    });
    const all: Contender[] = [
      { name: PEER_ON_CLUSTER, check: (key) => peer.consume(key) },
      { name: OURS_ON_CLUSTER, check: (key) => ours.check(key) },
    ];
    const serverCpu: ServerCpu = async () =>
      (await Promise.all(admins.map((admin) => cpuOf(() => admin.call('INFO', ['cpu']))))).reduce(
        (sum, cpu) => sum + cpu,
        0,
      );
    for (const mode of MODES) printTable(mode, await measureMode(all, mode, serverCpu), CLUSTER);
  } finally {
    client.disconnect();
    for (const admin of admins) admin.disconnect();
    await cluster.stop();
  }
}

export default async function run(): Promise<void> {
  const program = findProgram('redis-server', 'redis-server');
  if (program === undefined) {
    console.log('redis-server is not installed: skipping the Redis benchmark.');
    return;
  }
  await runSingleNode(program);
  await runCluster(program);
}

async function runSingleNode(program: string): Promise<void> {
  const server = await RedisServer.start(program);
  const ioredis = new Redis({ host: '127.0.0.1', port: server.port });
  const admin = new Redis({ host: '127.0.0.1', port: server.port });
  const nodeRedis = createClient({ socket: { host: '127.0.0.1', port: server.port } });
  nodeRedis.on('error', (error: Error) => console.warn(error.message));
  const serverCpu: ServerCpu = () => cpuOf(() => admin.call('INFO', ['cpu']));
  try {
    await nodeRedis.connect();
    const all = contenders(ioredis, nodeRedis);
    for (const mode of MODES)
      printTable(mode, await measureMode(all, mode, serverCpu), SINGLE_NODE);
  } finally {
    ioredis.disconnect();
    admin.disconnect();
    nodeRedis.destroy();
    await server.stop();
  }
}
