/**
 * A bounded max-heap over two typed arrays that keeps the smallest full-again times offered to it,
 * used by `MemoryStore` to remember which buckets fill up next.
 *
 * @internal
 */
export class CandidateHeap {
  readonly #slots: Int32Array;
  readonly #fullAtMs: Float64Array;
  #count = 0;

  /** Uses (and overwrites) `slots` and `fullAtMs`, of equal length, as its storage. */
  constructor(slots: Int32Array, fullAtMs: Float64Array) {
    this.#slots = slots;
    this.#fullAtMs = fullAtMs;
  }

  /** Keeps `slot` if its time is among the smallest seen so far. */
  offer(slot: number, fullAtMs: number): void {
    if (this.#count < this.#slots.length) {
      this.#place(this.#count++, slot, fullAtMs);
      this.#siftUp(this.#count - 1);
    } else if (this.#count > 0 && fullAtMs < this.#fullAtMs[0]!) {
      this.#place(0, slot, fullAtMs);
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

  #place(index: number, slot: number, fullAtMs: number): void {
    this.#slots[index] = slot;
    this.#fullAtMs[index] = fullAtMs;
  }

  #swap(a: number, b: number): void {
    const slot = this.#slots[a]!;
    const fullAtMs = this.#fullAtMs[a]!;
    this.#place(a, this.#slots[b]!, this.#fullAtMs[b]!);
    this.#place(b, slot, fullAtMs);
  }

  #siftUp(index: number): void {
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (this.#fullAtMs[parent]! >= this.#fullAtMs[index]!) return;
      this.#swap(parent, index);
      index = parent;
    }
  }

  #siftDown(index: number, end: number): void {
    for (;;) {
      const left = 2 * index + 1;
      if (left >= end) return;
      const right = left + 1;
      const larger = right < end && this.#fullAtMs[right]! > this.#fullAtMs[left]! ? right : left;
      if (this.#fullAtMs[index]! >= this.#fullAtMs[larger]!) return;
      this.#swap(index, larger);
      index = larger;
    }
  }
}
