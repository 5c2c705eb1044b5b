/**
 * Batches of checks for the bucket script: the checks made in one tick of the event loop share one
 * `EVALSHA` (per hash slot on a cluster, per time argument with the client clock), at most
 * `maxBatch` each. On a single node at most `maxInFlight` batches are in flight: checks made
 * meanwhile wait in the next batch, unsent and untimed, so that a deadline measures Redis' answer to
 * its own batch, not the batches queued before it. After `NOSCRIPT` the script is loaded once (one
 * `EVAL`) and the other waiting batches are sent again by `EVALSHA` when it has run.
 *
 * Internal module: its names are not part of the public API unless an entry exports them.
 */
import type { GreensloError } from '../core/errors.js';
import { batchReplies, BUCKET_SCRIPT, BUCKET_SCRIPT_SHA1 } from './bucket-script.js';
import {
  commandFailed,
  isNoScript,
  timeoutError,
  type BoundedCommands,
  type InFlight,
} from './bounded-commands.js';
import { clusterSlot } from './cluster-slot.js';

/**
 * One check (or refund) waiting for its batch: its key and four script arguments, and what to do
 * with Redis' answer.
 *
 * @internal
 */
export interface BatchEntry {
  /** The bucket's full key (the store's prefix included). */
  readonly key: string;
  /** capacity, refillTokens and refillIntervalMs as script arguments. */
  readonly policyText: readonly string[];
  /** The cost as a script argument (`''`: read the remaining tokens; below 0: a refund). */
  readonly costText: string;
  /** Redis' reply for this check; `healed` when its key held something else and was replaced. */
  answer(reply: unknown, healed: boolean): void;
  /** The batch failed or timed out. */
  fail(error: GreensloError): void;
  /** Redis applied the check after it had failed (timed out): its reply, for a refund. */
  late(reply: unknown): void;
}

/** How batches are formed and what is told of their outcome. @internal */
export interface BatcherOptions {
  readonly maxBatch: number;
  /** Most batches in flight at once (Infinity: no bound). */
  readonly maxInFlight: number;
  /** Whether keys are grouped by hash slot. */
  readonly cluster: boolean;
  /** A batch's outcome: Redis answered (`true`), or failed or timed out (`false`). */
  readonly onOutcome: (answered: boolean) => void;
}

/** Collects checks and sends them in batches through `commands`. @internal */
export class ScriptBatcher {
  readonly #commands: BoundedCommands;
  readonly #options: BatcherOptions;
  /** Batches being filled, by slot and time argument. */
  #open = new Map<string | number, BatchCall>();
  /** Full batches waiting for one in flight to settle. */
  readonly #full: BatchCall[] = [];
  #inFlight = 0;
  #flushScheduled = false;
  /** Settles when the `EVAL` sent after a `NOSCRIPT` has its answer. */
  #loading: Promise<void> | undefined;

  constructor(commands: BoundedCommands, options: BatcherOptions) {
    this.#commands = commands;
    this.#options = options;
  }

  /**
   * Adds a check to the batch of its slot and time, sent at the end of this tick or once full.
   *
   * @param entry - the check
   * @param nowArgument - the time argument: `''` for the server clock, else the client's ms as text
   */
  add(entry: BatchEntry, nowArgument: string): void {
    const group = this.#options.cluster
      ? slotGroup(clusterSlot(entry.key), nowArgument)
      : nowArgument;
    let batch = this.#open.get(group);
    if (batch === undefined) {
      batch = new BatchCall(this, this.#commands, [nowArgument]);
      this.#open.set(group, batch);
    }
    batch.push(entry);
    if (batch.entries.length >= this.#options.maxBatch) {
      this.#open.delete(group);
      this.#full.push(batch);
      this.#pump();
    } else if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      afterThisTick(() => this.#flush());
    }
  }

  #flush(): void {
    this.#flushScheduled = false;
    this.#pump();
  }

  /** Sends full batches, then those being filled, while fewer than `maxInFlight` are in flight. */
  #pump(): void {
    while (this.#inFlight < this.#options.maxInFlight) {
      const batch = this.#full.shift() ?? this.#takeOpen();
      if (batch === undefined) return;
      this.#inFlight += 1;
      this.#commands.start(batch);
    }
  }

  #takeOpen(): BatchCall | undefined {
    for (const [group, batch] of this.#open) {
      this.#open.delete(group);
      return batch;
    }
    return undefined;
  }

  /** Called by a batch once it knows its outcome: the next batch may go. */
  outcome(answered: boolean): void {
    this.#inFlight -= 1;
    this.#options.onOutcome(answered);
    this.#pump();
  }

  /** Settles every check not yet sent with `error` (the breaker opened: they go to the failure policy). */
  failWaiting(error: GreensloError): void {
    const waiting = [...this.#full, ...this.#open.values()];
    this.#full.length = 0;
    this.#open.clear();
    for (const batch of waiting) for (const entry of batch.entries) entry.fail(error);
  }

  /**
   * `NOSCRIPT` for `batch`: Redis answered, so its checks go again, as a copy with a fresh deadline.
   * The copy waits for the load already under way and is sent by `EVALSHA`, or (when none is under
   * way, or it already waited once) loads the script itself with `EVAL`; a load settles when its
   * `EVAL` is answered or times out.
   */
  noScript(batch: BatchCall): void {
    const again = batch.retry();
    const loading = this.#loading;
    if (loading !== undefined && !batch.waitedForLoad) {
      again.waitedForLoad = true;
      void loading.then(() => this.#commands.start(again));
      return;
    }
    let loaded: () => void = () => undefined;
    const promise = new Promise<void>((resolve) => (loaded = resolve));
    this.#loading = promise;
    again.loadScript(() => {
      loaded();
      if (this.#loading === promise) this.#loading = undefined;
    });
    this.#commands.start(again);
  }
}

/** One batch: a single `EVALSHA` (or `EVAL`) carrying several checks, settled together. */
class BatchCall implements InFlight {
  deadlineMs = 0;
  pending = true;
  next: InFlight | undefined;
  waitedForLoad = false;
  readonly entries: BatchEntry[];
  readonly #keys: string[];
  readonly #argv: string[];
  readonly #batcher: ScriptBatcher;
  readonly #commands: BoundedCommands;
  /** Called once the `EVAL` this batch sent has an answer or times out; `undefined` before and after. */
  #onTextAnswered: (() => void) | undefined;
  #sendsText = false;

  constructor(
    batcher: ScriptBatcher,
    commands: BoundedCommands,
    argv: string[],
    keys: string[] = [],
    entries: BatchEntry[] = [],
  ) {
    this.#batcher = batcher;
    this.#commands = commands;
    this.#argv = argv;
    this.#keys = keys;
    this.entries = entries;
  }

  push(entry: BatchEntry): void {
    this.entries.push(entry);
    this.#keys.push(entry.key);
    const policy = entry.policyText;
    this.#argv.push(policy[0]!, policy[1]!, policy[2]!, entry.costText);
  }

  send(): void {
    if (this.#sendsText) this.#sendScript(BUCKET_SCRIPT, 'EVAL');
    else this.#sendScript(BUCKET_SCRIPT_SHA1, 'EVALSHA');
  }

  /** Leaves the queue of deadlines without an outcome and returns a copy of the batch to start again. */
  retry(): BatchCall {
    this.#settle();
    return new BatchCall(this.#batcher, this.#commands, this.#argv, this.#keys, this.entries);
  }

  /** Makes this batch send the script's text by `EVAL`; `answered` runs once Redis answers it or it times out. */
  loadScript(answered: () => void): void {
    this.#sendsText = true;
    this.#onTextAnswered = answered;
  }

  #sendScript(script: string, command: 'EVALSHA' | 'EVAL'): void {
    this.#commands.send(
      this,
      command,
      [script, String(this.#keys.length), ...this.#keys, ...this.#argv],
      this.#keys[0],
    );
  }

  answer(reply: unknown): void {
    this.#textAnswered();
    if (!this.pending) return this.#late(reply);
    let parsed: ReturnType<typeof batchReplies>;
    try {
      parsed = batchReplies(reply, this.entries.length);
    } catch (error) {
      return this.#failAll(commandFailed(error), true);
    }
    this.#settle();
    this.#batcher.outcome(true);
    const { replies, healed } = parsed;
    this.entries.forEach((entry, i) => entry.answer(replies[i], healed.includes(i)));
  }

  fail(error: unknown): void {
    this.#textAnswered();
    if (!this.pending) return;
    if (isNoScript(error) && !this.#sendsText) return this.#batcher.noScript(this);
    this.#failAll(commandFailed(error), false);
  }

  timeOut(timeoutMs: number): void {
    this.#textAnswered();
    this.#failAll(timeoutError(timeoutMs), false);
  }

  /** Settles every check with `error`; a reply Redis sent (a malformed one) still counts as answered. */
  #failAll(error: GreensloError, answered: boolean): void {
    this.#settle();
    for (const entry of this.entries) entry.fail(error);
    this.#batcher.outcome(answered);
  }

  /** Redis applied the batch after its deadline: each check's reply goes to `late`. */
  #late(reply: unknown): void {
    let replies: readonly unknown[];
    try {
      replies = batchReplies(reply, this.entries.length).replies;
    } catch {
      return;
    }
    this.entries.forEach((entry, i) => entry.late(replies[i]));
  }

  #textAnswered(): void {
    const answered = this.#onTextAnswered;
    this.#onTextAnswered = undefined;
    answered?.();
  }

  #settle(): void {
    this.pending = false;
    this.#commands.settled();
  }
}

/** A cluster batch's group: the slot alone with the server clock (no text built per check), else slot and time. */
function slotGroup(slot: number, nowArgument: string): string | number {
  return nowArgument === '' ? slot : `${slot} ${nowArgument}`;
}

/** Runs `task` once the current tick's callbacks and Promise reactions have all run. */
function afterThisTick(task: () => void): void {
  const nextTick = (globalThis as { process?: { nextTick?: (task: () => void) => void } }).process
    ?.nextTick;
  if (typeof nextTick === 'function') nextTick(task);
  else queueMicrotask(task);
}
