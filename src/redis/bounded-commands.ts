/**
 * Commands sent to Redis with a deadline: each call settles within `timeoutMs`, with Redis' reply
 * read by `decode` or with what `recover` makes of the failure. One timer serves every call in
 * flight: it watches the oldest, and stops at the first deadline that passes with no call waiting.
 *
 * Internal module: its names are not part of the public API unless an entry exports them.
 */
import { GreensloError, isGreensloError } from '../core/errors.js';
import type { SendCommand } from './redis-client.js';

/**
 * The `code` of a `GreensloError` that `RedisStore` reports to `onError`:
 * - `store_timeout`: Redis did not answer within `timeoutMs`;
 * - `store_command_failed`: the client or Redis returned an error (connection lost, script error);
 * - `store_invalid_reply`: Redis answered something other than what the script returns;
 * - `store_fallback_failed`: the `onStoreError` limiter or store threw; the check was denied;
 * - `store_key_healed`: a bucket key held something else (another type, unparsable bytes) and was
 *   replaced by a full bucket;
 * - `store_breaker_open`: Redis failed repeatedly and checks now go straight to `onStoreError`;
 * - `store_breaker_closed`: Redis answered a probe and checks go to Redis again.
 */
export type RedisStoreErrorCode =
  | 'store_timeout'
  | 'store_command_failed'
  | 'store_invalid_reply'
  | 'store_fallback_failed'
  | 'store_key_healed'
  | 'store_breaker_open'
  | 'store_breaker_closed';

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

/**
 * A call in flight, as the queue of deadlines sees it.
 *
 * @internal
 */
export interface InFlight {
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
   * Sends one command within the deadline (through `send`, a master's sender for `SCAN`, or the
   * client's); rejects with a `GreensloError` when it fails.
   */
  command(command: string, args: string[], send: SendCommand = this.#send): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      this.start(new BoundedCall(this, send, command, args, asIs, rethrow, resolve, reject));
    });
  }

  /** Sends a command for `call` (routed by `firstKey` on a cluster), which settles it with the reply or the failure. */
  send(
    call: InFlight,
    command: string,
    args: string[],
    firstKey?: string,
    send: SendCommand = this.#send,
  ): void {
    send(command, args, firstKey).then(
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

  /** Queues `call` with its deadline, `timeoutMs` from now, and sends it. */
  start(call: InFlight): void {
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

  /**
   * The timer fired. Replies that reached the socket while the process was busy have not been read
   * yet: the check waits for the next turn of the event loop, after I/O, so that a deadline measures
   * Redis and not the process's own queue.
   */
  #expire(): void {
    deferAfterIo(() => this.#expireNow());
  }

  /** Re-arms the timer for the oldest call still in time, then times out the others. */
  #expireNow(): void {
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
  readonly #commands: BoundedCommands;
  readonly #send: SendCommand;
  readonly #command: string;
  readonly #args: string[];
  readonly #decode: Decode<T>;
  readonly #recover: Recover<T>;
  readonly #resolve: (value: T) => void;
  readonly #reject: (error: unknown) => void;

  constructor(
    commands: BoundedCommands,
    send: SendCommand,
    command: string,
    args: string[],
    decode: Decode<T>,
    recover: Recover<T>,
    resolve: (value: T) => void,
    reject: (error: unknown) => void,
  ) {
    this.#commands = commands;
    this.#send = send;
    this.#command = command;
    this.#args = args;
    this.#decode = decode;
    this.#recover = recover;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  /** Sends the command; its reply or failure comes back to `answer` or `fail`. */
  send(): void {
    this.#commands.send(this, this.#command, this.#args, this.#args[0], this.#send);
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

  /** The command failed: resolves with the recovery. */
  fail(error: unknown): void {
    if (!this.pending) return;
    this.#settleByRecovery(commandFailed(error));
  }

  /** The deadline passed first: resolves with the recovery from a `store_timeout` error. */
  timeOut(timeoutMs: number): void {
    this.#settleByRecovery(timeoutError(timeoutMs));
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

/** Runs `task` after pending I/O callbacks (`setImmediate` where there is one). */
function deferAfterIo(task: () => void): void {
  if (typeof setImmediate === 'function') setImmediate(task);
  else setTimeout(task, 0);
}

/**
 * The failure of a call that Redis did not answer within `timeoutMs`.
 *
 * @internal
 */
export function timeoutError(timeoutMs: number): GreensloError {
  return new GreensloError(
    'store_timeout',
    `RedisStore: Redis did not answer within ${timeoutMs} ms.`,
  );
}

/**
 * Whether `error` is Redis' `NOSCRIPT` (the script cache lost the script).
 *
 * @internal
 */
export function isNoScript(error: unknown): boolean {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' && message.startsWith('NOSCRIPT');
}

/**
 * A client's or Redis' failure as a `store_command_failed` error (a `GreensloError` passes as is).
 *
 * @internal
 */
export function commandFailed(error: unknown): GreensloError {
  if (isGreensloError(error)) return error;
  const message = (error as { message?: unknown } | null)?.message;
  const reason = typeof message === 'string' ? message : String(error);
  return new GreensloError(
    'store_command_failed',
    `RedisStore: the Redis command failed: ${reason}`,
    { cause: error },
  );
}
