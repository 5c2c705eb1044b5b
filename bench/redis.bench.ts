/**
 * Rate-limit checks against a local redis-server over one client connection: greenslo's RedisStore
 * (behind a RateLimiter, as users call it) beside rate-limiter-flexible's RateLimiterRedis on the
 * same server, one check at a time and with 64 checks in flight. Reports checks per second, latency
 * percentiles and CPU time per check (the benchmark process's, and redis-server's from `INFO cpu`),
 * each the median over alternating rounds, and ratios to rate-limiter-flexible: in the table to its
 * ioredis row, and below it as medians of per-round ratios on the same client (ioredis against
 * ioredis, node-redis against node-redis). On a shared machine CPU time per check is the steadier
 * figure; checks per second is the goal.
 */
import { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { createClient } from 'redis';
import { RateLimiter } from '../src/rate-limit/rate-limiter.js';
import { RedisStore, type NodeRedisClientLike } from '../src/redis/index.js';
import { findProgram } from '../test/support/programs.js';
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

const ROUNDS = 9;
const KEYS = Array.from({ length: 1000 }, (_, i) => `client-${i}`);
const MODES: readonly Mode[] = [
  { title: 'one check at a time (sequential)', inFlight: 1, checksPerRound: 4000 },
  { title: '64 checks in flight (pipelined by the client)', inFlight: 64, checksPerRound: 40_000 },
];
const BASELINE = 'rate-limiter-flexible RateLimiterRedis (ioredis)';
const OURS_ON_IOREDIS = 'greenslo RedisStore (ioredis)';
const PEER_ON_NODE_REDIS = 'rate-limiter-flexible RateLimiterRedis (node-redis)';
const OURS_ON_NODE_REDIS = 'greenslo RedisStore (node-redis)';

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

/** Runs `count` checks with `inFlight` lanes, each awaiting its checks one after another. */
async function runRound(contender: Contender, mode: Mode, offset: number, serverCpu: ServerCpu): Promise<Round> {
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
async function measureMode(contenders: readonly Contender[], mode: Mode, serverCpu: ServerCpu): Promise<Map<string, Round[]>> {
  const rounds = new Map<string, Round[]>(contenders.map((contender) => [contender.name, []]));
  for (const contender of contenders) await runRound(contender, { ...mode, checksPerRound: Math.min(mode.checksPerRound, 2000) }, 0, serverCpu);
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
  return { checksPerSecond: of('checksPerSecond'), p50Us: of('p50Us'), p99Us: of('p99Us'), clientCpuUs: of('clientCpuUs'), serverCpuUs: of('serverCpuUs') };
}

/** The median over rounds of `ours`'s checks per second divided by `peer`'s in the same round. */
function pairedSpeed(rounds: Map<string, Round[]>, ours: string, peer: string): string {
  const peerRounds = rounds.get(peer)!;
  const ratios = rounds.get(ours)!.map((round, i) => round.checksPerSecond / peerRounds[i]!.checksPerSecond);
  return `${median(ratios).toFixed(2)}x (per round: ${ratios.map((ratio) => ratio.toFixed(2)).join(' ')})`;
}

function printTable(mode: Mode, rounds: Map<string, Round[]>): void {
  const results = new Map([...rounds].map(([name, list]) => [name, medianRound(list)]));
  const baseline = results.get(BASELINE)!;
  console.log(`\n## Redis rate-limit checks, one connection: ${mode.title}\n`);
  console.log('| candidate | checks/s | p50 µs | p99 µs | CPU µs/check: node + redis | checks/s x baseline | p99 x baseline | CPU x baseline |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  const cpuOf = (round: Round): number => round.clientCpuUs + round.serverCpuUs;
  for (const [name, round] of results) {
    const speed = (round.checksPerSecond / baseline.checksPerSecond).toFixed(2);
    const p99 = (round.p99Us / baseline.p99Us).toFixed(2);
    const cpu = `${round.clientCpuUs.toFixed(1)} + ${round.serverCpuUs.toFixed(1)}`;
    const cpuRatio = (cpuOf(round) / cpuOf(baseline)).toFixed(2);
    console.log(`| ${name} | ${Math.round(round.checksPerSecond).toLocaleString('en-US')} | ${round.p50Us.toFixed(0)} | ${round.p99Us.toFixed(0)} | ${cpu} | ${speed} | ${p99} | ${cpuRatio} |`);
  }
  console.log(`\nbaseline: ${BASELINE}; ${ROUNDS} alternating rounds of ${mode.checksPerRound.toLocaleString('en-US')} checks over ${KEYS.length} keys, medians`);
  console.log('\nchecks/s of greenslo against rate-limiter-flexible on the same client, median of the rounds\' ratios:');
  console.log(`- ioredis: ${pairedSpeed(rounds, OURS_ON_IOREDIS, BASELINE)}`);
  console.log(`- node-redis: ${pairedSpeed(rounds, OURS_ON_NODE_REDIS, PEER_ON_NODE_REDIS)}`);
}

/** Every contender admits every check (huge limits), so that only the cost of a check is compared. */
function contenders(ioredis: Redis, nodeRedis: NodeRedisClientLike): Contender[] {
  const onError = (error: Error): void => console.warn(error.message);
  const viaIoredis = new RateLimiter({ rate: 1e9, perSeconds: 60, store: new RedisStore({ client: ioredis, prefix: 'greenslo-io:', timeoutMs: 5000, onError }) });
  const viaNodeRedis = new RateLimiter({ rate: 1e9, perSeconds: 60, store: new RedisStore({ client: nodeRedis, prefix: 'greenslo-node:', timeoutMs: 5000, onError }) });
  const flexible = new RateLimiterRedis({ storeClient: ioredis, keyPrefix: 'rlflx', points: 1e9, duration: 60 });
  const flexibleOnNodeRedis = new RateLimiterRedis({ storeClient: nodeRedis, useRedisPackage: true, keyPrefix: 'rlflx-node', points: 1e9, duration: 60 });
  return [
    { name: BASELINE, check: (key) => flexible.consume(key) },
    { name: OURS_ON_IOREDIS, check: (key) => viaIoredis.check(key) },
    { name: PEER_ON_NODE_REDIS, check: (key) => flexibleOnNodeRedis.consume(key) },
    { name: OURS_ON_NODE_REDIS, check: (key) => viaNodeRedis.check(key) },
  ];
}

export default async function run(): Promise<void> {
  const program = findProgram('redis-server', 'redis-server');
  if (program === undefined) {
    console.log('redis-server is not installed: skipping the Redis benchmark.');
    return;
  }
  const server = await RedisServer.start(program);
  const ioredis = new Redis({ host: '127.0.0.1', port: server.port });
  const admin = new Redis({ host: '127.0.0.1', port: server.port });
  const nodeRedis = createClient({ socket: { host: '127.0.0.1', port: server.port } });
  nodeRedis.on('error', (error: Error) => console.warn(error.message));
  const serverCpu: ServerCpu = async () => {
    const info = String(await admin.call('INFO', ['cpu']));
    return (Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1]) + Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1])) * 1e6;
  };
  try {
    await nodeRedis.connect();
    const all = contenders(ioredis, nodeRedis);
    for (const mode of MODES) printTable(mode, await measureMode(all, mode, serverCpu));
  } finally {
    ioredis.disconnect();
    admin.disconnect();
    nodeRedis.destroy();
    await server.stop();
  }
}
