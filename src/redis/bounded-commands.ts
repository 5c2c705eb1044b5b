/**
 * Commands sent to Redis with a deadline: each call settles within `timeoutMs`, with Redis' reply
 * read by `decode` or with what `recover` makes of the failure. One timer serves every call in
 * flight: it watches the oldest, and stops at the first deadline that passes with no call waiting.
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
  /** The call sent after this one, while both are in the queue. */
  next: InFlight | undefined;
  send(): void;
  answer(reply: unknown): void;
  fail(error: unknown): void;
  timeOut(timeoutMs: number): void;
}

/**
 * Sends commands through one client, each bounded by `timeoutMs`.
 *
 * Calls wait in a queue (a linked list) in the order they were sent, which is also the order of
 * their deadlines: the timeout is the same for all and `performance.now()` never decreases. A call
 * leaves the queue once it and every older call are settled. One unref'd timer, armed when a call
 * finds none, fires at the oldest waiting call's deadline, times out every call past its own, and
 * re-arms for the oldest call still waiting, if any: so checks that keep coming cost no timer
 * operation each, and no timer is left `timeoutMs` after the last call was sent.
 *
 * @internal
 */
export class BoundedCommands {
  readonly #send: SendCommand;
  readonly #timeoutMs: number;
  /** The oldest call not yet known to be settled, and the newest call. */
  #oldest: InFlight | undefined;
  #newest: InFlight | undefined;
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
    let oldest = this.#oldest;
    while (oldest !== undefined && !oldest.pending) {
      const next = oldest.next;
      oldest.next = undefined;
      oldest = next;
    }
    this.#oldest = oldest;
    if (oldest === undefined) this.#newest = undefined;
  }

  #start(call: InFlight): void {
    call.deadlineMs = performance.now() + this.#timeoutMs;
    if (this.#newest === undefined) this.#oldest = call;
    else this.#newest.next = call;
    this.#newest = call;
    if (this.#timer === undefined) this.#arm(this.#timeoutMs);
    call.send();
  }

  #arm(delayMs: number): void {
    this.#timer = setTimeout(() => this.#expire(), delayMs);
    unrefTimer(this.#timer);
  }

  /** The timer fired: re-arms it for the oldest call still in time, then times out the others. */
  #expire(): void {
    this.#timer = undefined;
    const nowMs = performance.now();
    const late: InFlight[] = [];
    let call = this.#oldest;
    for (; call !== undefined && !(call.pending && call.deadlineMs > nowMs); call = call.next) {
      if (call.pending) late.push(call);
    }
    if (call !== undefined) this.#arm(Math.max(1, Math.ceil(call.deadlineMs - nowMs)));
    for (const lateCall of late) lateCall.timeOut(this.#timeoutMs);
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
  next: InFlight | undefined;
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

  /** Sends the command; its reply or failure comes back to `answer` or `fail`. */
  send(): void {
    this.#commands.send(this, this.#command, this.#args);
  }

  /** Redis answered: resolves with the decoded reply, or with the recovery when it is not one. */
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

  /**
   * The command failed: after `NOSCRIPT` to the bucket script's `EVALSHA` (only `runScript` sends
   * one), sends the script's text once by `EVAL`; otherwise resolves with the recovery.
   */
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

  /** The deadline passed first: resolves with the recovery from a `store_timeout` error. */
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
