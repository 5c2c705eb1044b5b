/**
 * The two Redis clients every RedisStore suite runs against, behind one small interface so that a
 * suite is written once and parameterized over both.
 */
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { createClient as createClientV4 } from 'redis-v4';
import { createClient as createClientV5 } from 'redis-v5';
import type { RedisClientLike } from '../../src/redis/index.js';

export type ClientKindName = 'ioredis' | 'node-redis' | 'node-redis v4' | 'node-redis v5';

/** A connected client, its raw command channel for inspecting the server, and its lifecycle. */
export interface TestClient {
  /** What the store receives: the library's own client object. */
  readonly client: RedisClientLike;
  /** Sends a command directly (for assertions on the server's state). */
  command(name: string, ...args: string[]): Promise<unknown>;
  /** Errors the client emitted as `error` events (connection refused during an outage...). */
  readonly emittedErrors: Error[];
  /** Resolves on the client's next `ready` event (after a reconnection). */
  nextReady(): Promise<void>;
  close(): Promise<void>;
}

export interface ClientKind {
  readonly name: ClientKindName;
  connect(port: number): Promise<TestClient>;
}

/** Reconnect every 20 ms, so that outage tests see the server again quickly. */
const RECONNECT_DELAY_MS = 20;

const ioredisKind: ClientKind = {
  name: 'ioredis',
  async connect(port) {
    const client = new Redis({
      host: '127.0.0.1',
      port,
      lazyConnect: true,
      retryStrategy: () => RECONNECT_DELAY_MS,
    });
    const emittedErrors: Error[] = [];
    client.on('error', (error: Error) => emittedErrors.push(error));
    await client.connect();
    return {
      client,
      emittedErrors,
      command: (name, ...args) => client.call(name, args),
      nextReady: () => new Promise((resolve) => client.once('ready', () => resolve())),
      close: async () => {
        client.disconnect();
        await Promise.resolve();
      },
    };
  },
};

const nodeRedisKind: ClientKind = {
  name: 'node-redis',
  async connect(port) {
    const client = createClient({
      socket: { host: '127.0.0.1', port, reconnectStrategy: () => RECONNECT_DELAY_MS },
    });
    const emittedErrors: Error[] = [];
    client.on('error', (error: Error) => emittedErrors.push(error));
    await client.connect();
    return {
      client,
      emittedErrors,
      command: (name, ...args) => client.sendCommand([name, ...args]),
      nextReady: () => new Promise((resolve) => client.once('ready', () => resolve())),
      close: async () => {
        client.destroy();
        await Promise.resolve();
      },
    };
  },
};

/** The smallest surface the older node-redis majors share: `sendCommand`, events, and a way to close. */
interface OlderNodeRedis {
  sendCommand(args: string[]): Promise<unknown>;
  on(event: 'error', listener: (error: Error) => void): unknown;
  once(event: 'ready', listener: () => void): unknown;
  connect(): Promise<unknown>;
  disconnect(): Promise<unknown>;
}

/** node-redis of an older major (v4 or v5), installed under an alias. */
function olderNodeRedisKind(
  name: 'node-redis v4' | 'node-redis v5',
  create: (port: number) => OlderNodeRedis,
): ClientKind {
  return {
    name,
    async connect(port) {
      const client = create(port);
      const emittedErrors: Error[] = [];
      client.on('error', (error: Error) => emittedErrors.push(error));
      await client.connect();
      return {
        client: client as RedisClientLike,
        emittedErrors,
        command: (command, ...args) => client.sendCommand([command, ...args]),
        nextReady: () => new Promise((resolve) => client.once('ready', () => resolve())),
        close: async () => {
          await client.disconnect().catch(() => undefined);
        },
      };
    },
  };
}

const socket = (port: number) => ({
  socket: { host: '127.0.0.1', port, reconnectStrategy: () => RECONNECT_DELAY_MS },
});

/** Both clients; suites use `describe.each(CLIENT_KINDS)`. */
export const CLIENT_KINDS: readonly ClientKind[] = [ioredisKind, nodeRedisKind];

/** The older node-redis majors, for the suites that check every supported client. */
export const OLDER_NODE_REDIS_KINDS: readonly ClientKind[] = [
  olderNodeRedisKind('node-redis v4', (port) => createClientV4(socket(port))),
  olderNodeRedisKind('node-redis v5', (port) => createClientV5(socket(port))),
];

/** Connects `count` separate clients of one kind. */
export async function connectMany(
  kind: ClientKind,
  port: number,
  count: number,
): Promise<TestClient[]> {
  return Promise.all(Array.from({ length: count }, () => kind.connect(port)));
}
