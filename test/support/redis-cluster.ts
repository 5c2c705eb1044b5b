import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RedisServer } from './redis-server.js';

const run = promisify(execFile);

/**
 * A real Redis Cluster of three masters (no replicas) on loopback ports, for one test file: three
 * redis-server processes with `--cluster-enabled yes`, joined by `redis-cli --cluster create`.
 */
export class RedisCluster {
  readonly servers: readonly RedisServer[];
  readonly #directory: string;

  private constructor(servers: readonly RedisServer[], directory: string) {
    this.servers = servers;
    this.#directory = directory;
  }

  /** The masters' ports. */
  get ports(): number[] {
    return this.servers.map((server) => server.port);
  }

  /**
   * Starts three masters (`program` is redis-server's path, `cli` redis-cli's) and waits until the
   * cluster reports `cluster_state:ok` on every node.
   */
  static async start(program: string, cli: string): Promise<RedisCluster> {
    const directory = await mkdtemp(join(tmpdir(), 'greenslo-cluster-'));
    const servers: RedisServer[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const config = join(directory, `nodes-${i}.conf`);
        servers.push(
          await RedisServer.start(program, [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            config,
            '--dir',
            directory,
          ]),
        );
      }
      const cluster = new RedisCluster(servers, directory);
      const addresses = cluster.ports.map((port) => `127.0.0.1:${port}`);
      await run(
        cli,
        ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'],
        { timeout: 30_000 },
      );
      await cluster.#waitUntilReady(cli);
      return cluster;
    } catch (error) {
      await Promise.all(servers.map((server) => server.stop()));
      await rm(directory, { recursive: true, force: true });
      throw error;
    }
  }

  /** Polls `CLUSTER INFO` on each node (at most 10 s) until all say the cluster is ok. */
  async #waitUntilReady(cli: string): Promise<void> {
    for (let attempt = 0; attempt < 200; attempt++) {
      const infos = await Promise.all(
        this.ports.map((port) =>
          run(cli, ['-p', String(port), 'cluster', 'info']).then(({ stdout }) => stdout),
        ),
      );
      if (infos.every((info) => info.includes('cluster_state:ok'))) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the Redis Cluster did not become ready within 10 s');
  }

  /** Stops every node and removes their files. */
  async stop(): Promise<void> {
    await Promise.all(this.servers.map((server) => server.stop()));
    await rm(this.#directory, { recursive: true, force: true });
  }
}
