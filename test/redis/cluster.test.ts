import { Cluster } from 'ioredis';
import { createCluster } from 'redis';
import { createCluster as createClusterV4 } from 'redis-v4';
import { createCluster as createClusterV5 } from 'redis-v5';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GreensloError } from '../../src/core/errors.js';
import { RateLimiter } from '../../src/rate-limit/rate-limiter.js';
import { clusterSlot } from '../../src/redis/cluster-slot.js';
import { RedisStore, type RedisClientLike, type RedisStoreOptions } from '../../src/redis/index.js';
import { findProgram } from '../support/programs.js';
import { RedisCluster } from '../support/redis-cluster.js';

const program = findProgram('redis-server', 'redis-server');
const cli = program === undefined ? undefined : findProgram('redis-cli', 'redis-tools');

/** A cluster client of one library, with a command channel for assertions. */
interface ClusterClient {
  readonly client: RedisClientLike;
  /** Sends a command to the node at `port`. */
  nodeCommand(port: number, name: string, ...args: string[]): Promise<unknown>;
  close(): Promise<void>;
}

interface ClusterKind {
  readonly name: string;
  connect(ports: readonly number[]): Promise<ClusterClient>;
}

/** What the tests use of a node-redis cluster, the same in v4, v5 and later. */
interface NodeRedisCluster {
  readonly masters: readonly { readonly port: number }[];
  nodeClient(
    node: unknown,
  ):
    | Promise<{ sendCommand(args: string[]): Promise<unknown> }>
    | { sendCommand(args: string[]): Promise<unknown> };
  on(event: 'error', listener: () => void): unknown;
  connect(): Promise<unknown>;
  disconnect(): Promise<unknown>;
}

function nodeRedisClusterKind(
  name: string,
  create: (rootNodes: { url: string }[]) => NodeRedisCluster,
): ClusterKind {
  return {
    name,
    async connect(ports) {
      const cluster = create(ports.map((port) => ({ url: `redis://127.0.0.1:${port}` })));
      cluster.on('error', () => undefined);
      await cluster.connect();
      const nodeCommand = async (
        port: number,
        name: string,
        ...args: string[]
      ): Promise<unknown> => {
        const master = cluster.masters.find((node) => node.port === port)!;
        return (await cluster.nodeClient(master)).sendCommand([name, ...args]);
      };
      return {
        client: cluster as unknown as RedisClientLike,
        nodeCommand,
        close: () =>
          cluster.disconnect().then(
            () => undefined,
            () => undefined,
          ),
      };
    },
  };
}

const KINDS: readonly ClusterKind[] = [
  {
    name: 'ioredis Cluster',
    async connect(ports) {
      const cluster = new Cluster(ports.map((port) => ({ host: '127.0.0.1', port })));
      cluster.on('error', () => undefined);
      await new Promise<void>((resolve, reject) => {
        cluster.once('ready', () => resolve());
        cluster.once('error', reject);
      });
      const nodeOf = (port: number) =>
        cluster.nodes('master').find((node) => node.options.port === port)!;
      return {
        client: cluster,
        nodeCommand: (port, name, ...args) => nodeOf(port).call(name, args),
        close: () => Promise.resolve(cluster.disconnect()),
      };
    },
  },
  nodeRedisClusterKind('node-redis createCluster', (rootNodes) => createCluster({ rootNodes })),
  nodeRedisClusterKind('node-redis v4 createCluster', (rootNodes) =>
    createClusterV4({ rootNodes }),
  ),
  nodeRedisClusterKind('node-redis v5 createCluster', (rootNodes) =>
    createClusterV5({ rootNodes }),
  ),
];

describe('clusterSlot', () => {
  it('computes the CRC16 slot Redis Cluster documents, hash tags included', () => {
    expect(clusterSlot('123456789')).toBe(12739);
    expect(clusterSlot('{user1000}.following')).toBe(clusterSlot('user1000'));
    expect(clusterSlot('foo{}{bar}')).toBe(clusterSlot('foo{}{bar}'));
    expect(clusterSlot('foo{}{bar}')).not.toBe(clusterSlot('bar'));
    expect(clusterSlot('foo{{bar}}zap')).toBe(clusterSlot('{bar'));
  });
});

describe.skipIf(!program || !cli)('RedisStore on a 3-master Redis Cluster', () => {
  let cluster: RedisCluster;
  const unhandled: unknown[] = [];
  const recordUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };
  beforeAll(async () => {
    cluster = await RedisCluster.start(program!, cli!);
    process.on('unhandledRejection', recordUnhandled);
  }, 60_000);
  afterAll(async () => {
    process.off('unhandledRejection', recordUnhandled);
    await cluster?.stop();
    expect(unhandled).toEqual([]);
  });

  describe.each(KINDS)('with a $name client', (kind) => {
    let errors: GreensloError[];
    let storeNumber = 0;
    const newStore = (
      client: ClusterClient,
      options: Partial<RedisStoreOptions> = {},
    ): RedisStore =>
      new RedisStore({
        client: client.client,
        prefix: `${kind.name}:${++storeNumber}:`,
        onError: (error) => errors.push(error),
        timeoutMs: 5_000,
        ...options,
      });
    beforeEach(() => {
      errors = [];
    });

    /** EVALSHA calls summed over the three masters. */
    const evalshaCalls = async (client: ClusterClient): Promise<number> => {
      const infos = await Promise.all(
        cluster.ports.map((port) => client.nodeCommand(port, 'INFO', 'commandstats')),
      );
      return infos.reduce<number>(
        (sum, info) => sum + Number(/cmdstat_evalsha:calls=(\d+)/.exec(String(info))?.[1] ?? 0),
        0,
      );
    };

    it('agrees with CLUSTER KEYSLOT on every key it batches', async () => {
      const client = await kind.connect(cluster.ports);
      const keys = ['greenslo:a', 'greenslo:{tenant}:b', 'rule /api/* 10.0.0.1', 'é ü 世界', ''];
      for (const key of keys)
        expect(await client.nodeCommand(cluster.ports[0]!, 'CLUSTER', 'KEYSLOT', key)).toBe(
          clusterSlot(key),
        );
      await client.close();
    });

    it('admits every check of a mixed batch of 300 keys over the three masters, with no CROSSSLOT', async () => {
      const client = await kind.connect(cluster.ports);
      const limiter = new RateLimiter({ rate: 2, perSeconds: 60, store: newStore(client) });
      const decisions = await Promise.all(
        Array.from({ length: 300 }, (_, i) => limiter.check(`client-${i}`)),
      );
      expect(decisions.every((decision) => decision.allowed && decision.remaining === 1)).toBe(
        true,
      );
      expect(errors.map((error) => error.code)).toEqual([]);
      await client.close();
    });

    it('sends checks of one hash slot in one call', async () => {
      const client = await kind.connect(cluster.ports);
      const limiter = new RateLimiter({ rate: 2, perSeconds: 60, store: newStore(client) });
      const before = await evalshaCalls(client);
      const decisions = await Promise.all(
        Array.from({ length: 100 }, (_, i) => limiter.check(`{tenant-7}:${i}`)),
      );
      expect(await evalshaCalls(client)).toBe(before + 1);
      expect(decisions.every((decision) => decision.allowed)).toBe(true);
      await client.close();
    });

    it('admits exactly the limit to 4 clients sending 250 concurrent checks each at one key, after SCRIPT FLUSH on every master', async () => {
      const clients = await Promise.all(
        Array.from({ length: 4 }, () => kind.connect(cluster.ports)),
      );
      await Promise.all(
        cluster.ports.map((port) => clients[0]!.nodeCommand(port, 'SCRIPT', 'FLUSH')),
      );
      const prefix = `${kind.name}:contention:`;
      const limiters = clients.map(
        (client) =>
          new RateLimiter({
            rate: 1,
            perSeconds: 1e9,
            burst: 50,
            store: newStore(client, { prefix }),
          }),
      );
      const answers = await Promise.all(
        limiters.map((limiter) =>
          Promise.all(
            Array.from({ length: 250 }, (_, i) =>
              limiter.allowRequest(i % 2 === 0 ? 'hot' : 'warm'),
            ),
          ),
        ),
      );
      expect(answers.flat().filter(Boolean)).toHaveLength(100);
      expect(errors.map((error) => error.code)).toEqual([]);
      await Promise.all(clients.map((client) => client.close()));
    });

    it('clears the keys under a prefix on every master', async () => {
      const client = await kind.connect(cluster.ports);
      const store = newStore(client);
      const limiter = new RateLimiter({ rate: 1, perSeconds: 60, store });
      await Promise.all(Array.from({ length: 60 }, (_, i) => limiter.check(`gone:${i}`)));
      await limiter.check('kept');
      await store.clear('gone:');
      const left = await Promise.all(
        cluster.ports.map((port) => client.nodeCommand(port, 'KEYS', `${store.prefix}*`)),
      );
      expect(left.flat()).toEqual([`${store.prefix}kept`]);
      expect(errors.map((error) => error.code)).toEqual([]);
      await client.close();
    });
  });
});
