/**
 * Commands sent to Redis with a deadline: each call settles within `timeoutMs`, with Redis' reply
 * read by `decode` or with what `recover` makes of the failure, and leaves no timer behind.
 *
 * @internal
 */
import { GreensloError, isGreensloError } from '../core/errors.js';
import { BUCKET_SCRIPT } from './bucket-script.js';
import type { SendCommand } from './redis-client.js';

/**
 * The `code` of a `GreensloError` that `RedisStore` reports to `onError`:
 * - `store_timeout`: Redis did not answer within `timeoutMs`;
 * - `store_command_failed`: the client or Redis returned an error (connection lost, script error);
 * - `store_invalid_reply`: Redis answered something other than what the script returns;
 * - `store_fallback_failed`: the `onStoreError` limiter or store threw; the check was denied.
 */
export type RedisStoreErrorCode = 'store_timeout' | 'store_command_failed' | 'store_invalid_reply' | 'store_fallback_failed';

/**
 * Reads a reply; throws (a `GreensloError` coded `store_invalid_reply`) when it is not what was asked.
 *
 * @internal
 */
export type Decode<T> = (reply: unknown) => T;

/**
 * Answers in place of Redis after a failure (a `GreensloError` with a {@link RedisStoreErrorCode});
 * throwing rejects the call.
 *
 * @internal
 */
export type Recover<T> = (error: GreensloError) => T;

type Start = (succeed: (reply: unknown) => void, fail: (error: unknown) => void, isPending: () => boolean) => void;

/** Rethrows the failure: the call rejects with it. */
const rethrow: Recover<never> = (error) => {
  throw error;
};
const asIs: Decode<unknown> = (reply) => reply;

/**
 * Sends commands through one client, each bounded by `timeoutMs`.
 *
 * @internal
 */
export class BoundedCommands {
  readonly #send: SendCommand;
  readonly #timeoutMs: number;

  constructor(send: SendCommand, timeoutMs: number) {
    this.#send = send;
    this.#timeoutMs = timeoutMs;
  }

  /**
   * Runs the bucket script with `args` (its SHA-1, `'1'`, the key, then ARGV): `EVALSHA` first, then
   * `EVAL` with the script's text when Redis has lost it (`NOSCRIPT`, after a restart or
   * `SCRIPT FLUSH`), all within one deadline. Resolves with `decode(reply)`, or with
   * `recover(error)` when Redis fails, times out or `decode` throws: one Promise per check.
   */
  runScript<T>(args: string[], decode: Decode<T>, recover: Recover<T>): Promise<T> {
    const start: Start = (succeed, fail, isPending) => {
      this.#send('EVALSHA', args).then(succeed, (error: unknown) => {
        if (!isPending() || !isNoScript(error)) return fail(error);
        const withText = args.slice();
        withText[0] = BUCKET_SCRIPT;
        this.#send('EVAL', withText).then(succeed, fail);
      });
    };
    return this.#bounded(start, decode, recover);
  }

  /** Sends one command within the deadline; rejects with a `GreensloError` when it fails. */
  command(command: string, args: string[]): Promise<unknown> {
    const start: Start = (succeed, fail) => {
      this.#send(command, args).then(succeed, fail);
    };
    return this.#bounded(start, asIs, rethrow);
  }

  #bounded<T>(start: Start, decode: Decode<T>, recover: Recover<T>): Promise<T> {
    const timeoutMs = this.#timeoutMs;
    return new Promise<T>((resolve, reject) => {
      let pending = true;
      const finish = (reply: unknown, error: GreensloError | undefined): void => {
        if (!pending) return;
        pending = false;
        clearTimeout(timer);
        try {
          resolve(error === undefined ? decodeOr(decode, reply, recover) : recover(error));
        } catch (thrown) {
          reject(commandFailed(thrown));
        }
      };
      const timer = setTimeout(() => finish(undefined, new GreensloError('store_timeout', `RedisStore: Redis did not answer within ${timeoutMs} ms.`)), timeoutMs);
      unrefTimer(timer);
      start((reply) => finish(reply, undefined), (error) => finish(undefined, commandFailed(error)), () => pending);
    });
  }
}

function decodeOr<T>(decode: Decode<T>, reply: unknown, recover: Recover<T>): T {
  try {
    return decode(reply);
  } catch (error) {
    return recover(commandFailed(error));
  }
}

/** Lets the process exit while a check waits (Node timers have `unref`; other runtimes may not). */
function unrefTimer(timer: unknown): void {
  const unref = (timer as { unref?: unknown } | null)?.unref;
  if (typeof unref === 'function') unref.call(timer);
}

function isNoScript(error: unknown): boolean {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' && message.startsWith('NOSCRIPT');
}

function commandFailed(error: unknown): GreensloError {
  if (isGreensloError(error)) return error;
  const message = (error as { message?: unknown } | null)?.message;
  const reason = typeof message === 'string' ? message : String(error);
  return new GreensloError('store_command_failed', `RedisStore: the Redis command failed: ${reason}`, { cause: error });
}
