/**
 * Commands sent to Redis with a deadline: each call answers within `timeoutMs`, with Redis' reply or
 * with a `GreensloError`, and leaves no timer behind.
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

type Settle = (reply: unknown) => void;

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
   * `SCRIPT FLUSH`), all within one deadline. Rejects with a `GreensloError` coded `store_timeout` or
   * `store_command_failed`.
   */
  runScript(args: string[]): Promise<unknown> {
    return this.#bounded((succeed, fail, isPending) => {
      this.#send('EVALSHA', args).then(succeed, (error: unknown) => {
        if (!isPending() || !isNoScript(error)) return fail(error);
        const withText = args.slice();
        withText[0] = BUCKET_SCRIPT;
        this.#send('EVAL', withText).then(succeed, fail);
      });
    });
  }

  /** Sends one command within the deadline; rejects like {@link BoundedCommands.runScript}. */
  command(command: string, args: string[]): Promise<unknown> {
    return this.#bounded((succeed, fail) => {
      this.#send(command, args).then(succeed, fail);
    });
  }

  #bounded(start: (succeed: Settle, fail: Settle, isPending: () => boolean) => void): Promise<unknown> {
    const timeoutMs = this.#timeoutMs;
    return new Promise((resolve, reject) => {
      let pending = true;
      const timer = setTimeout(() => {
        pending = false;
        reject(new GreensloError('store_timeout', `RedisStore: Redis did not answer within ${timeoutMs} ms.`));
      }, timeoutMs);
      unrefTimer(timer);
      const settle = (reply: unknown, failed: boolean): void => {
        if (!pending) return;
        pending = false;
        clearTimeout(timer);
        if (failed) reject(commandFailed(reply));
        else resolve(reply);
      };
      start((reply) => settle(reply, false), (error) => settle(error, true), () => pending);
    });
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
