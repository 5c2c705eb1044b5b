/**
 * The few methods of a Redis client that `RedisStore` uses, typed structurally so that neither
 * ioredis nor node-redis is a dependency: both are optional peers.
 */
import { describeValue } from '../core/validate.js';

/**
 * The one method of an ioredis client (`new Redis()`, v5 or later) that `RedisStore` uses: `call`,
 * which sends any command with its arguments.
 */
export interface IoRedisClientLike {
  /**
   * Sends `command` with `args` and resolves with Redis' reply.
   *
   * @param command - the command's name, such as `'EVALSHA'`
   * @param args - the command's arguments, as strings
   */
  call(command: string, args: string[]): Promise<unknown>;
}

/**
 * The one method of a node-redis client (`createClient()`, v4 or later) that `RedisStore` uses:
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

/** A connected ioredis or node-redis client, seen through the one method `RedisStore` uses. */
export type RedisClientLike = IoRedisClientLike | NodeRedisClientLike;

/**
 * Sends one command and resolves with the reply; never throws synchronously.
 *
 * @internal
 */
export type SendCommand = (command: string, args: string[]) => Promise<unknown>;

/**
 * Checks that `client` has the shape of an ioredis or node-redis client and returns a function
 * that sends commands through it.
 *
 * @internal
 * @throws TypeError when `client` has neither a `call` nor a `sendCommand` method
 */
export function commandSender(owner: string, client: unknown): SendCommand {
  const candidate = client as Partial<IoRedisClientLike & NodeRedisClientLike> | null;
  if (typeof candidate === 'object' && candidate !== null) {
    if (typeof candidate.call === 'function') return ioRedisSender(candidate as IoRedisClientLike);
    if (typeof candidate.sendCommand === 'function') return nodeRedisSender(candidate as NodeRedisClientLike);
  }
  const rule = 'an ioredis client (with `call`) or a node-redis v4+ client (with `sendCommand`)';
  throw new TypeError(`${owner}: \`client\` must be ${rule}, got ${describeValue(client)}.`);
}

function ioRedisSender(client: IoRedisClientLike): SendCommand {
  return (command, args) => {
    try {
      return Promise.resolve(client.call(command, args));
    } catch (error) {
      return Promise.reject(asError(error));
    }
  };
}

/** `sendCommand` as node-redis declares it, with command options. */
interface NodeRedisWithOptions {
  sendCommand(args: string[], options: { readonly timeout: number }): Promise<unknown>;
}

/** No timer per command in node-redis: the store's deadline bounds every call. */
const NO_CLIENT_TIMEOUT = Object.freeze({ timeout: 0 });

function nodeRedisSender(client: NodeRedisClientLike): SendCommand {
  const withOptions = client as NodeRedisWithOptions;
  return (command, args) => {
    try {
      return Promise.resolve(withOptions.sendCommand([command, ...args], NO_CLIENT_TIMEOUT));
    } catch (error) {
      return Promise.reject(asError(error));
    }
  };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
