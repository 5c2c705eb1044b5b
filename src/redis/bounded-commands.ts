/**
 * Commands sent to Redis with a deadline: each call settles within `timeoutMs`, with Redis' reply
 * read by `decode` or with what `recover` makes of the failure. One timer serves every call in
 * flight (it watches the oldest), and none is left once no call waits.
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

/** Rethrows the failure: the call rejects with it. */
const rethrow: Recover<never> = (error) => {
  throw error;
};
const asIs: Decode<unknown> = (reply) => reply;

/** A call in flight, as the queue of deadlines sees it. */
interface InFlight {
  /** When the call times out, on the `performance.now()` scale. */
  deadlineMs: number;
  /** Until the call is settled. */
  readonly pending: boolean;
  send(): void;
  answer(reply: unknown): void;
  fail(error: unknown): void;
  timeOut(timeoutMs: number): void;
}

/** Past this many answered calls at the head of the queue, the queue is compacted. */
const COMPACT_AFTER = 1024;

/**
 * Sends commands through one client, each bounded by `timeoutMs`.
 *
 * Calls wait in a queue in the order they were sent, which is also the order of their deadlines
 * (the timeout is the same for all and `performance.now()` never decreases); a single timer is armed
 * for the oldest waiting call's deadline. A call leaves the queue when it and every older call are
 * settled, and the timer is cleared when the queue is empty.
 *
 * @internal
 */
export class BoundedCommands {
  readonly #send: SendCommand;
  readonly #timeoutMs: number;
  readonly #queue: (InFlight | undefined)[] = [];
  #head = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

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
    return new Promise<T>((resolve, reject) => {
      this.#start(new BoundedCall(this, 'EVALSHA', args, decode, recover, resolve, reject));
    });
  }

  /** Sends one command within the deadline; rejects with a `GreensloError` when it fails. */
  command(command: string, args: string[]): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      this.#start(new BoundedCall(this, command, args, asIs, rethrow, resolve, reject));
    });
  }

  /** Sends a command for `call`, which settles it with the reply or the failure. */
  send(call: InFlight, command: string, args: string[]): void {
    this.#send(command, args).then(
      (reply) => call.answer(reply),
      (error: unknown) => call.fail(error),
    );
  }

  /** Called by a call once settled: drops it, with every settled call before it, from the queue. */
  settled(): void {
    const queue = this.#queue;
    let head = this.#head;
    while (head < queue.length && !queue[head]!.pending) queue[head++] = undefined;
    this.#head = head;
    if (head === queue.length) {
      queue.length = 0;
      this.#head = 0;
      if (this.#timer !== undefined) clearTimeout(this.#timer);
      this.#timer = undefined;
    } else if (head > COMPACT_AFTER && head * 2 > queue.length) {
      queue.splice(0, head);
      this.#head = 0;
    }
  }

  #start(call: InFlight): void {
    call.deadlineMs = performance.now() + this.#timeoutMs;
    this.#queue.push(call);
    if (this.#timer === undefined) this.#arm(this.#timeoutMs);
    call.send();
  }

  #arm(delayMs: number): void {
    this.#timer = setTimeout(() => this.#expire(), delayMs);
    unrefTimer(this.#timer);
  }

  /** The timer fired: settles every call past its deadline, then watches the oldest that waits. */
  #expire(): void {
    this.#timer = undefined;
    const nowMs = performance.now();
    const expired: InFlight[] = [];
    for (let index = this.#head; index < this.#queue.length; index++) {
      const call = this.#queue[index]!;
      if (call.pending && call.deadlineMs > nowMs) break;
      if (call.pending) expired.push(call);
    }
    for (const call of expired) call.timeOut(this.#timeoutMs);
    const oldest = this.#queue[this.#head];
    if (oldest !== undefined && this.#timer === undefined) this.#arm(Math.max(1, oldest.deadlineMs - nowMs));
  }
}

/**
 * One command in flight: its reply, its failure or its deadline, whichever comes first, settles
 * the Promise returned for it; what comes later is ignored.
 *
 * @internal
 */
class BoundedCall<T> implements InFlight {
  deadlineMs = 0;
  pending = true;
  /** Whether the script's text was already sent after `NOSCRIPT`. */
  #resent = false;
  readonly #commands: BoundedCommands;
  readonly #command: string;
  readonly #args: string[];
  readonly #decode: Decode<T>;
  readonly #recover: Recover<T>;
  readonly #resolve: (value: T) => void;
  readonly #reject: (error: unknown) => void;

  constructor(commands: BoundedCommands, command: string, args: string[], decode: Decode<T>, recover: Recover<T>, resolve: (value: T) => void, reject: (error: unknown) => void) {
    this.#commands = commands;
    this.#command = command;
    this.#args = args;
    this.#decode = decode;
    this.#recover = recover;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  send(): void {
    this.#commands.send(this, this.#command, this.#args);
  }

  answer(reply: unknown): void {
    if (!this.pending) return;
    let value: T;
    try {
      value = this.#decode(reply);
    } catch (error) {
      return this.#settleByRecovery(commandFailed(error));
    }
    this.#settle();
    this.#resolve(value);
  }

  fail(error: unknown): void {
    if (!this.pending) return;
    if (this.#command === 'EVALSHA' && !this.#resent && isNoScript(error)) {
      this.#resent = true;
      const withText = this.#args.slice();
      withText[0] = BUCKET_SCRIPT;
      this.#commands.send(this, 'EVAL', withText);
      return;
    }
    this.#settleByRecovery(commandFailed(error));
  }

  timeOut(timeoutMs: number): void {
    this.#settleByRecovery(new GreensloError('store_timeout', `RedisStore: Redis did not answer within ${timeoutMs} ms.`));
  }

  #settleByRecovery(error: GreensloError): void {
    this.#settle();
    try {
      this.#resolve(this.#recover(error));
    } catch (thrown) {
      this.#reject(commandFailed(thrown));
    }
  }

  #settle(): void {
    this.pending = false;
    this.#commands.settled();
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
