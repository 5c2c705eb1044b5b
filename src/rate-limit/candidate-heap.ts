/**
 * The slots one scan of a `MemoryStore` remembers: those with the smallest values offered (full-again
 * times, or last-use stamps), kept in a bounded max-heap during the scan, then sorted in ascending
 * order and read through a cursor until the next scan. The store keeps two: the buckets that fill up
 * next and the least recently used ones.
 *
 * Internal module: its names are not part of the public API unless an entry exports them.
 */
export class CandidateHeap {
  /** The remembered slots; after {@link CandidateHeap.sort}, in ascending order of their values. */
  readonly slots: Int32Array;
  /** The value each remembered slot was offered with, at the same index. */
  readonly values: Float64Array;
  /** Entries held: set it to 0 to start a scan. */
  count = 0;
  /** The next entry to read after a sort. */
  cursor = 0;

  /** Remembers at most `size` slots. */
  constructor(size: number) {
    this.slots = new Int32Array(size);
    this.values = new Float64Array(size);
  }

  /** Keeps `slot` if its value is among the smallest offered since the scan began. */
  offer(slot: number, value: number): void {
    const values = this.values;
    if (this.count < values.length) {
      let index = this.count++;
      // Sift up: move each smaller parent down into the hole.
      while (index > 0) {
        const parent = (index - 1) >> 1;
        if (values[parent]! >= value) break;
        this.#put(index, this.slots[parent]!, values[parent]!);
        index = parent;
      }
      this.#put(index, slot, value);
    } else if (this.count > 0 && value < values[0]!) {
      this.#siftDown(this.count, slot, value);
    }
  }

  /** Ends a scan: sorts the entries in ascending order of value and puts the cursor on the first. */
  sort(): void {
    for (let end = this.count - 1; end > 0; end--) {
      const slot = this.slots[end]!;
      const value = this.values[end]!;
      this.#put(end, this.slots[0]!, this.values[0]!);
      this.#siftDown(end, slot, value);
    }
    this.cursor = 0;
  }

  /** Places `slot` with `value` in the heap of the first `end` entries, in the hole at the root. */
  #siftDown(end: number, slot: number, value: number): void {
    const values = this.values;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= end) break;
      const right = left + 1;
      const larger = right < end && values[right]! > values[left]! ? right : left;
      if (value >= values[larger]!) break;
      this.#put(index, this.slots[larger]!, values[larger]!);
      index = larger;
    }
    this.#put(index, slot, value);
  }

  #put(index: number, slot: number, value: number): void {
    this.slots[index] = slot;
    this.values[index] = value;
  }
}
