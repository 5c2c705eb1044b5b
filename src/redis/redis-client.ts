/**
 * The few methods of a Redis client that `RedisStore` uses, typed structurally so that neither
 * ioredis nor node-redis is a dependency: both are optional peers.
 */
import { describeValue } from '../core/validate.js';

/**
 * The methods of an ioredis client that `RedisStore` uses: `call`, which sends any command with its
 * arguments (a `Redis` or a `Cluster`, v5 or later), and on a `Cluster` its `isCluster` flag and
 * `nodes('master')`, through which `clear` scans every master.
 */
export interface IoRedisClientLike {
  /**
   * Sends `command` with `args` and resolves with Redis' reply.
   *
   * @param command - the command's name, such as `'EVALSHA'`
   * @param args - the command's arguments, as strings
   */
  call(command: string, args: string[]): Promise<unknown>;
  /** `true` on an ioredis `Cluster`. */
  readonly isCluster?: boolean;
  /** The cluster's nodes of one role (`Cluster` only). */
  nodes?(role: 'master'): readonly IoRedisClientLike[];
}

/**
 * The method of a node-redis client (`createClient()`, v4 or later) that `RedisStore` uses:
 * `sendCommand`, which sends any command as an array of strings.
 *
 * `RedisStore` passes `{ timeout: 0 }` as the command options: its own `timeoutMs` bounds every
 * call, so node-redis need not arm a timer (an `AbortSignal`) per command, as its default
 * `commandOptions.timeout` would (node-redis v5 and later; older versions ignore the option). That
 * timeout only limits how long a command may wait to be written, in the offline queue: see
 * `disableOfflineQueue` in the `RedisStore` documentation.
 */
export interface NodeRedisClientLike {
  /**
   * Sends a command (its name first, then its arguments) and resolves with Redis' reply.
   *
   * @param args - the command's name and arguments, as strings
   */
  sendCommand(args: string[]): Promise<unknown>;
}

/**
 * The methods of a node-redis cluster (`createCluster()`, v4 or later) that `RedisStore` uses:
 * `sendCommand` routed by the first key, and `getSlotMaster`, whose presence marks a cluster.
 * `clear` scans every master through `masters` (v5) or `getMasters()` (v4) and `nodeClient`.
 */
export interface NodeRedisClusterLike {
  /**
   * Sends a command to the master of `firstKey`'s slot.
   *
   * @param firstKey - the key that routes the command
   * @param isReadonly - whether a replica may answer (`false` here)
   * @param args - the command's name and arguments, as strings
   */
  sendCommand(
    firstKey: string | undefined,
    isReadonly: boolean | undefined,
    args: string[],
  ): Promise<unknown>;
  /**
   * The master serving `slot`.
   *
   * @param slot - a hash slot, 0 to 16383
   */
  getSlotMaster(slot: number): unknown;
}

/** A connected ioredis or node-redis client or cluster, seen through the methods `RedisStore` uses. */
export type RedisClientLike = IoRedisClientLike | NodeRedisClientLike | NodeRedisClusterLike;

/**
 * Sends one command, routed on a cluster by `firstKey`, and resolves with the reply; never throws
 * synchronously.
 *
 * @internal
 */
export type SendCommand = (command: string, args: string[], firstKey?: string) => Promise<unknown>;

/**
 * How the store talks to one client: a sender, whether it is a cluster (checks are then batched per
 * hash slot), and the senders of every master for `SCAN` (one, the client itself, on a single node).
 *
 * @internal
 */
export interface RedisConnection {
  readonly send: SendCommand;
  readonly cluster: boolean;
  masters(): Promise<SendCommand[]>;
}

type Candidate = Partial<
  Record<
    | 'call'
    | 'sendCommand'
    | 'getSlotMaster'
    | 'nodes'
    | 'masters'
    | 'getMasters'
    | 'nodeClient'
    | 'isCluster',
    unknown
  >
>;

/**
 * Checks that `client` has the methods of an ioredis or node-redis client or cluster and returns
 * the connection the store uses.
 *
 * @internal
 * @throws TypeError naming the missing methods when `client` has neither `call` nor `sendCommand`,
 *   or is an ioredis `Cluster` without `nodes`
 */
export function redisConnection(owner: string, client: unknown): RedisConnection {
  if (typeof client !== 'object' || client === null) {
    throw new TypeError(
      `${owner}: \`client\` must be an ioredis or node-redis client or cluster, got ${describeValue(client)}.`,
    );
  }
  const candidate = client as Candidate;
  if (typeof candidate.call === 'function')
    return ioRedisConnection(owner, client as IoRedisClientLike);
  if (typeof candidate.sendCommand === 'function') {
    return typeof candidate.getSlotMaster === 'function'
      ? nodeRedisClusterConnection(client as NodeRedisClusterLike)
      : nodeRedisConnection(client as NodeRedisClientLike);
  }
  throw new TypeError(
    `${owner}: \`client\` lacks \`call\` (ioredis) and \`sendCommand\` (node-redis): it must be an ioredis or node-redis v4+ client or cluster.`,
  );
}

function ioRedisConnection(owner: string, client: IoRedisClientLike): RedisConnection {
  const send = ioRedisSender(client);
  if (client.isCluster !== true)
    return { send, cluster: false, masters: () => Promise.resolve([send]) };
  if (typeof client.nodes !== 'function')
    throw new TypeError(`${owner}: \`client\` is an ioredis Cluster but lacks \`nodes\`.`);
  const nodes = client.nodes.bind(client);
  return {
    send,
    cluster: true,
    masters: () => Promise.resolve(nodes('master').map(ioRedisSender)),
  };
}

function ioRedisSender(client: IoRedisClientLike): SendCommand {
  return (command, args) => settle(() => client.call(command, args));
}

/** `sendCommand` as node-redis declares it, with command options. */
interface NodeRedisWithOptions {
  sendCommand(args: string[], options: { readonly timeout: number }): Promise<unknown>;
}

/** No timer per command in node-redis: the store's deadline bounds every call. */
const NO_CLIENT_TIMEOUT = Object.freeze({ timeout: 0 });

function nodeRedisSender(client: NodeRedisClientLike): SendCommand {
  const withOptions = client as NodeRedisWithOptions;
  return (command, args) =>
    settle(() => withOptions.sendCommand([command, ...args], NO_CLIENT_TIMEOUT));
}

function nodeRedisConnection(client: NodeRedisClientLike): RedisConnection {
  const send = nodeRedisSender(client);
  return { send, cluster: false, masters: () => Promise.resolve([send]) };
}

/** A node-redis cluster's `sendCommand`, with command options. */
interface NodeRedisClusterWithOptions {
  sendCommand(
    firstKey: string | undefined,
    isReadonly: boolean,
    args: string[],
    options: { readonly timeout: number },
  ): Promise<unknown>;
  readonly masters?: readonly unknown[];
  getMasters?(): readonly unknown[];
  nodeClient?(node: unknown): Promise<NodeRedisClientLike> | NodeRedisClientLike;
}

function nodeRedisClusterConnection(client: NodeRedisClusterLike): RedisConnection {
  const cluster = client as unknown as NodeRedisClusterWithOptions;
  const send: SendCommand = (command, args, firstKey) =>
    settle(() => cluster.sendCommand(firstKey, false, [command, ...args], NO_CLIENT_TIMEOUT));
  const masters = async (): Promise<SendCommand[]> => {
    const nodes = cluster.masters ?? cluster.getMasters?.() ?? [];
    if (typeof cluster.nodeClient !== 'function')
      throw new TypeError(
        'RedisStore: the node-redis cluster lacks `nodeClient`, needed to scan its masters.',
      );
    const clients = await Promise.all(
      nodes.map((node) => Promise.resolve(cluster.nodeClient!(node))),
    );
    return clients.map(nodeRedisSender);
  };
  return { send, cluster: true, masters };
}

/** Calls `start` and turns a synchronous throw into a rejected Promise. */
function settle(start: () => Promise<unknown>): Promise<unknown> {
  try {
    return Promise.resolve(start());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
