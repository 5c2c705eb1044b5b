/**
 * A bounded max-heap over two typed arrays that keeps the slots with the smallest values offered to
 * it: `MemoryStore` uses it to remember which buckets fill up next (value: full-again time) and which
 * were used least recently (value: last-use stamp).
 *
 * Internal module: its names are not part of the public API unless an entry exports them.
 */
export class CandidateHeap {
  readonly #slots: Int32Array;
  readonly #values: Float64Array;
  #count = 0;

  /** Uses (and overwrites) `slots` and `values`, of equal length, as its storage. */
  constructor(slots: Int32Array, values: Float64Array) {
    this.#slots = slots;
    this.#values = values;
  }

  /** Keeps `slot` if its value is among the smallest seen so far. */
  offer(slot: number, value: number): void {
    if (this.#count < this.#slots.length) {
      this.#place(this.#count++, slot, value);
      this.#siftUp(this.#count - 1);
    } else if (this.#count > 0 && value < this.#values[0]!) {
      this.#place(0, slot, value);
      this.#siftDown(0, this.#count);
    }
  }

  /** Turns the heap into an ascending array in place; returns its length. */
  sortAscending(): number {
    for (let end = this.#count - 1; end > 0; end--) {
      this.#swap(0, end);
      this.#siftDown(0, end);
    }
    return this.#count;
  }

  #place(index: number, slot: number, value: number): void {
    this.#slots[index] = slot;
    this.#values[index] = value;
  }

  #swap(a: number, b: number): void {
    const slot = this.#slots[a]!;
    const value = this.#values[a]!;
    this.#place(a, this.#slots[b]!, this.#values[b]!);
    this.#place(b, slot, value);
  }

  #siftUp(index: number): void {
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (this.#values[parent]! >= this.#values[index]!) return;
      this.#swap(parent, index);
      index = parent;
    }
  }

  #siftDown(index: number, end: number): void {
    for (;;) {
      const left = 2 * index + 1;
      if (left >= end) return;
      const right = left + 1;
      const larger = right < end && this.#values[right]! > this.#values[left]! ? right : left;
      if (this.#values[index]! >= this.#values[larger]!) return;
      this.#swap(index, larger);
      index = larger;
    }
  }
}
