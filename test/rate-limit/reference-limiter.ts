/**
 * An independent model of the documented token-bucket behaviour for integer parameters, in exact
 * BigInt rational arithmetic (no floating point, no correction loops), used as the expected side of
 * property tests. Tokens are kept as exact fractions `numerator / windowMs`.
 */

export interface ReferenceDecision {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  readonly resetAtMs: number;
  readonly retryAfterMs: number;
}

interface Bucket {
  /** Tokens × windowMs at `atMs`. */
  numerator: bigint;
  atMs: bigint;
}

function ceilDivide(a: bigint, b: bigint): bigint {
  return a <= 0n ? 0n : (a + b - 1n) / b;
}

export class ReferenceLimiter {
  readonly #rate: bigint;
  readonly #windowMs: bigint;
  readonly #burst: bigint;
  readonly #buckets = new Map<string, Bucket>();

  /** `rate` tokens per `windowMs` milliseconds, capacity `burst`; all positive integers. */
  constructor(rate: number, windowMs: number, burst: number) {
    this.#rate = BigInt(rate);
    this.#windowMs = BigInt(windowMs);
    this.#burst = BigInt(burst);
  }

  #full(): bigint {
    return this.#burst * this.#windowMs;
  }

  /** Tokens × windowMs of `client` at the effective time, and that time. */
  #level(client: string, nowMs: bigint): Bucket {
    const bucket = this.#buckets.get(client);
    if (bucket === undefined) return { numerator: this.#full(), atMs: nowMs };
    const atMs = nowMs > bucket.atMs ? nowMs : bucket.atMs;
    const refilled = bucket.numerator + (atMs - bucket.atMs) * this.#rate;
    return { numerator: refilled < this.#full() ? refilled : this.#full(), atMs };
  }

  check(client: string, cost: number, nowMs: number): ReferenceDecision {
    const now = BigInt(nowMs);
    const { numerator, atMs } = this.#level(client, now);
    const needed = BigInt(cost) * this.#windowMs;
    const allowed = numerator >= needed;
    const after = allowed ? numerator - needed : numerator;
    if (allowed) this.#buckets.set(client, { numerator: after, atMs });
    return {
      allowed,
      limit: Number(this.#burst),
      remaining: Number(after / this.#windowMs),
      resetAtMs: Number(atMs + ceilDivide(this.#full() - after, this.#rate)),
      retryAfterMs: allowed ? 0 : Number(atMs + ceilDivide(needed - after, this.#rate) - now),
    };
  }

  /** Whole tokens of `client` at `nowMs`. */
  remaining(client: string, nowMs: number): number {
    return Number(this.#level(client, BigInt(nowMs)).numerator / this.#windowMs);
  }

  /** Clients whose bucket is not full at `nowMs` (the ones carrying information). */
  activeClients(nowMs: number): string[] {
    const now = BigInt(nowMs);
    return [...this.#buckets.keys()].filter(
      (client) => this.#level(client, now).numerator < this.#full(),
    );
  }

  /** Whether `client` has a bucket that is not full at `nowMs`. */
  isActive(client: string, nowMs: number): boolean {
    return this.#buckets.has(client) && this.#level(client, BigInt(nowMs)).numerator < this.#full();
  }

  /** Forgets the bucket of `client`, as a store that evicts it does: it starts again from a full one. */
  forget(client: string): void {
    this.#buckets.delete(client);
  }
}
