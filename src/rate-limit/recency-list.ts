/**
 * An intrusive doubly linked list of slot numbers in one `Int32Array` (previous and next side by
 * side), ordered from most to least recently used, plus a list of free slots through the same
 * links: what `MemoryStore` needs to find its least recently used bucket in O(1) without allocating.
 *
 * @internal
 */

/** No slot. */
export const NONE = -1;

export class RecencyList {
  /** Previous at `2 × slot`, next at `2 × slot + 1`; a free slot's next is the next free slot. */
  #links = new Int32Array(0);
  /** The most recently used slot, or NONE. */
  head = NONE;
  /** The least recently used slot, or NONE. */
  tail = NONE;
  #freeHead = NONE;

  /** Makes room for slots `0..slotCount - 1`, keeping the links. */
  resize(slotCount: number): void {
    const links = new Int32Array(2 * slotCount);
    links.set(this.#links.subarray(0, Math.min(this.#links.length, links.length)));
    this.#links = links;
  }

  /** Forgets every slot, used and free. */
  clear(): void {
    this.head = NONE;
    this.tail = NONE;
    this.#freeHead = NONE;
  }

  /** Puts a slot that is in no list at the head (most recent). */
  pushHead(slot: number): void {
    const links = this.#links;
    links[2 * slot] = NONE;
    links[2 * slot + 1] = this.head;
    if (this.head !== NONE) links[2 * this.head] = slot;
    else this.tail = slot;
    this.head = slot;
  }

  /** Moves a listed slot to the head. */
  moveToHead(slot: number): void {
    if (slot === this.head) return;
    this.remove(slot);
    this.pushHead(slot);
  }

  /** Takes a listed slot out of the list. */
  remove(slot: number): void {
    const links = this.#links;
    const previous = links[2 * slot]!;
    const next = links[2 * slot + 1]!;
    if (previous !== NONE) links[2 * previous + 1] = next;
    else this.head = next;
    if (next !== NONE) links[2 * next] = previous;
    else this.tail = previous;
  }

  /** Adds a slot that is in no list to the free slots. */
  pushFree(slot: number): void {
    this.#links[2 * slot + 1] = this.#freeHead;
    this.#freeHead = slot;
  }

  /** Takes a free slot, or returns NONE when there is none. */
  popFree(): number {
    const slot = this.#freeHead;
    if (slot !== NONE) this.#freeHead = this.#links[2 * slot + 1]!;
    return slot;
  }

  /** Whether a free slot is waiting. */
  get hasFree(): boolean {
    return this.#freeHead !== NONE;
  }
}
