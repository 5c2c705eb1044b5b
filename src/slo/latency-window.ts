/**
 * The last `capacity` latencies of one endpoint and whether each request failed, in a ring buffer
 * that is written in place: no allocation per record.
 *
 * Internal module: its names are not part of the public API unless an entry exports them.
 */
export class LatencyWindow {
  // Fields set in the constructor are `declare`d, so that bundles carry no field declarations.
  declare readonly capacity: number;
  declare readonly latenciesMs: Float64Array;
  declare readonly errorFlags: Uint8Array;
  /** Slot the next sample goes to. */
  head = 0;
  /** Samples held, up to the capacity. */
  size = 0;
  /** Failed requests among the samples held. */
  errorCount = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.latenciesMs = new Float64Array(capacity);
    this.errorFlags = new Uint8Array(capacity);
  }

  push(latencyMs: number, isError: boolean): void {
    const head = this.head;
    const flag = isError ? 1 : 0;
    this.errorCount += flag - this.errorFlags[head]!;
    this.errorFlags[head] = flag;
    this.latenciesMs[head] = latencyMs;
    this.head = head + 1 === this.capacity ? 0 : head + 1;
    if (this.size < this.capacity) this.size++;
  }

  /** Copies the newest `count` latencies (at most `size`) into `target`, oldest first. */
  copyNewest(count: number, target: Float64Array): void {
    const start = this.head - count;
    if (start >= 0) {
      target.set(this.latenciesMs.subarray(start, this.head));
      return;
    }
    const wrapped = -start;
    target.set(this.latenciesMs.subarray(this.capacity - wrapped, this.capacity));
    target.set(this.latenciesMs.subarray(0, this.head), wrapped);
  }

  /** The samples held, oldest first, as `[latencyMs, isError]` pairs. */
  *oldestFirst(): Generator<[number, boolean]> {
    const start = this.size < this.capacity ? 0 : this.head;
    for (let i = 0; i < this.size; i++) {
      const slot = (start + i) % this.capacity;
      yield [this.latenciesMs[slot]!, this.errorFlags[slot] === 1];
    }
  }

  clear(): void {
    this.head = 0;
    this.size = 0;
    this.errorCount = 0;
    this.errorFlags.fill(0);
  }
}
