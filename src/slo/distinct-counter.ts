/**
 * An approximate count of distinct strings in fixed memory (HyperLogLog with 1024 one-byte
 * registers: about 3 % standard error, exact-looking for small counts thanks to linear counting).
 * Used to tell how many endpoint names were folded into the overflow endpoint without keeping them.
 *
 * Internal module: its names are not part of the public API unless an entry exports them.
 */

const REGISTER_BITS = 10;
const REGISTER_COUNT = 1 << REGISTER_BITS;
const ALPHA = 0.7213 / (1 + 1.079 / REGISTER_COUNT);

export class DistinctCounter {
  /** Registers; allocated on the first string added. */
  #registers: Uint8Array | undefined;

  add(value: string): void {
    const hash = hashString(value);
    const register = hash >>> (32 - REGISTER_BITS);
    // Rank of the first set bit in the remaining 22 bits (23 when none is set).
    const rank = Math.min(Math.clz32((hash << REGISTER_BITS) | 0) + 1, 32 - REGISTER_BITS + 1);
    const registers = (this.#registers ??= new Uint8Array(REGISTER_COUNT));
    if (rank > registers[register]!) registers[register] = rank;
  }

  /** The estimated number of distinct strings added, rounded; 0 when none. */
  estimate(): number {
    const registers = this.#registers;
    if (registers === undefined) return 0;
    let harmonicSum = 0;
    let zeros = 0;
    for (const value of registers) {
      harmonicSum += 2 ** -value;
      if (value === 0) zeros++;
    }
    const raw = (ALPHA * REGISTER_COUNT * REGISTER_COUNT) / harmonicSum;
    if (raw <= 2.5 * REGISTER_COUNT && zeros > 0)
      return Math.round(REGISTER_COUNT * Math.log(REGISTER_COUNT / zeros));
    return Math.round(raw);
  }

  /** The registers as plain numbers (empty when nothing was added), for snapshots. */
  registers(): number[] {
    return this.#registers === undefined ? [] : Array.from(this.#registers);
  }

  /** Takes in another counter's registers: the result counts the union of both sets. */
  addRegisters(registers: readonly number[]): void {
    if (registers.length === 0) return;
    const own = (this.#registers ??= new Uint8Array(REGISTER_COUNT));
    registers.forEach((value, i) => {
      if (value > own[i]!) own[i] = value;
    });
  }

  clear(): void {
    this.#registers = undefined;
  }
}

/** Number of registers a snapshot of the counter holds when not empty. */
export const DISTINCT_COUNTER_REGISTERS = REGISTER_COUNT;

/** 32-bit FNV-1a over UTF-16 code units, then the MurmurHash3 finaliser to spread the bits. */
function hashString(value: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) hash = Math.imul(hash ^ value.charCodeAt(i), 0x01000193);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}
