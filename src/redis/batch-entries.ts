/**
 * The checks `RedisStore` puts in batches: a consume, a read of the remaining tokens, and the refund
 * of a consume that Redis applied after the failure policy had answered it.
 *
 * @internal
 */
import type { GreensloError } from '../core/errors.js';
import type { BucketPolicy, RateLimitDecision } from '../rate-limit/types.js';
import { decodeDecision, decodeRemaining } from './bucket-script.js';
import type { BatchEntry } from './script-batcher.js';

/** What a check needs from its store. @internal */
export interface EntryHost {
  /** Reports a failure to `onError` (and counts it). */
  report(error: unknown): void;
  /** A bucket key held something else and was replaced by a full bucket. */
  healed(bucket: string): void;
  /** The failure policy's decision in place of Redis'. */
  consumeInstead(
    error: GreensloError,
    key: string,
    policy: BucketPolicy,
    cost: number,
    nowMs: number,
  ): RateLimitDecision;
  /** The failure policy's remaining tokens in place of Redis'. */
  remainingInstead(error: GreensloError, key: string, policy: BucketPolicy, nowMs: number): number;
  /** Redis decided a consume: for the deny cache. */
  decided(check: ConsumeEntry, decision: RateLimitDecision): void;
  /** Redis applied a consume after the failure policy answered it: give its tokens back. */
  refund(check: ConsumeEntry): void;
}

/** Takes `cost` tokens from a bucket. @internal */
export class ConsumeEntry implements BatchEntry {
  readonly costText: string;

  constructor(
    readonly host: EntryHost,
    readonly key: string,
    readonly shortKey: string,
    readonly policy: BucketPolicy,
    readonly policyText: readonly string[],
    readonly cost: number,
    readonly nowMs: number,
    /** When the check was made, on the deny cache's time scale. */
    readonly madeAtMs: number,
    readonly resolve: (decision: RateLimitDecision) => void,
  ) {
    this.costText = cost === 1 ? '1' : String(cost);
  }

  answer(reply: unknown, healed: boolean): void {
    if (healed) this.host.healed(this.key);
    let decision: RateLimitDecision;
    try {
      decision = decodeDecision(reply, this.policy.capacity);
    } catch (error) {
      return this.fail(error as GreensloError);
    }
    this.host.decided(this, decision);
    this.resolve(decision);
  }

  fail(error: GreensloError): void {
    this.resolve(
      this.host.consumeInstead(error, this.shortKey, this.policy, this.cost, this.nowMs),
    );
  }

  /** Admitted late (a reply of two numbers): its tokens go back. */
  late(reply: unknown): void {
    if (Array.isArray(reply) && reply.length === 2) this.host.refund(this);
  }
}

/** Reads a bucket's remaining tokens. @internal */
export class RemainingEntry implements BatchEntry {
  readonly costText = '';

  constructor(
    readonly host: EntryHost,
    readonly key: string,
    readonly shortKey: string,
    readonly policy: BucketPolicy,
    readonly policyText: readonly string[],
    readonly nowMs: number,
    readonly resolve: (remaining: number) => void,
  ) {}

  answer(reply: unknown, healed: boolean): void {
    if (healed) this.host.healed(this.key);
    let remaining: number;
    try {
      remaining = decodeRemaining(reply);
    } catch (error) {
      return this.fail(error as GreensloError);
    }
    this.resolve(remaining);
  }

  fail(error: GreensloError): void {
    this.resolve(this.host.remainingInstead(error, this.shortKey, this.policy, this.nowMs));
  }

  late(): void {
    // Reading takes nothing: nothing to give back.
  }
}

/** Gives tokens back, up to the capacity, without touching the bucket's time. @internal */
export class RefundEntry implements BatchEntry {
  readonly costText: string;
  readonly #host: EntryHost;
  readonly #done: () => void;

  constructor(
    host: EntryHost,
    readonly key: string,
    readonly policyText: readonly string[],
    cost: number,
    done: () => void = () => undefined,
  ) {
    this.#host = host;
    this.costText = String(-cost);
    this.#done = done;
  }

  answer(reply: unknown, healed: boolean): void {
    if (healed) this.#host.healed(this.key);
    this.#done();
  }

  fail(error: GreensloError): void {
    this.#host.report(error);
    this.#done();
  }

  late(): void {
    // Applied late is applied: the tokens are back.
  }
}
