/**
 * Small integer ids for the bucket policies a `MemoryStore` has seen, so that each bucket records
 * its policy in two bytes and the store can tell later, exactly, whether the bucket is full.
 *
 * Internal module: its names are not part of the public API unless an entry exports them.
 */
import type { BucketPolicy } from './types.js';

/** Most distinct policies one store records (ids fit a `Uint16Array`). */
export const MAX_POLICIES = 0x10000;

export class PolicyRegistry {
  /** The recorded numbers of each policy, by id: copies, which a caller's later changes cannot reach. */
  readonly #policies: BucketPolicy[] = [];
  readonly #idBySignature = new Map<string, number>();
  #lastPolicy: BucketPolicy | undefined;
  #lastId = 0;

  /** The id of `policy`, by value; the same object as last time costs one comparison. */
  idOf(policy: BucketPolicy): number {
    if (policy === this.#lastPolicy) return this.#lastId;
    const { capacity, refillTokens, refillIntervalMs } = policy;
    const signature = `${capacity}/${refillTokens}/${refillIntervalMs}`;
    let id = this.#idBySignature.get(signature);
    if (id === undefined) {
      id = this.#policies.length;
      if (id >= MAX_POLICIES) {
        throw new RangeError(
          `MemoryStore: at most ${MAX_POLICIES} distinct bucket policies may share one store, got one more: ${signature}.`,
        );
      }
      this.#policies.push({ capacity, refillTokens, refillIntervalMs });
      this.#idBySignature.set(signature, id);
    }
    this.#lastPolicy = policy;
    return (this.#lastId = id);
  }

  /** How many distinct policies have been recorded. */
  get size(): number {
    return this.#policies.length;
  }

  /** The policy recorded under `id`. */
  policy(id: number): BucketPolicy {
    return this.#policies[id]!;
  }
}
