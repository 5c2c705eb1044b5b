import type { PowerWindow } from './types.js';

/**
 * Cuts settled intervals into consecutive power windows of at least `windowMs` and keeps the latest
 * `capacity` of them in a ring.
 *
 * @internal
 */
export class PowerWindows {
  readonly #windowMs: number;
  readonly #history: PowerWindow[] = [];
  readonly #capacity: number;
  #next = 0;
  #energyJ = 0;
  #elapsedMs = 0;
  latest: PowerWindow | undefined;

  constructor(windowMs: number, capacity: number) {
    this.#windowMs = windowMs;
    this.#capacity = capacity;
  }

  /** Adds a settled interval; returns the window it completes, if any. */
  add(endMs: number, durationMs: number, energyJ: number): PowerWindow | undefined {
    this.#energyJ += energyJ;
    if (!(durationMs > 0)) return undefined;
    this.#elapsedMs += durationMs;
    if (this.#elapsedMs < this.#windowMs) return undefined;
    const window: PowerWindow = {
      endMs,
      durationMs: this.#elapsedMs,
      powerW: (this.#energyJ / this.#elapsedMs) * 1000,
    };
    this.#energyJ = 0;
    this.#elapsedMs = 0;
    this.#remember(window);
    return window;
  }

  /** Completed windows, oldest first: from the next slot to overwrite (the end, until the ring is full). */
  history(): PowerWindow[] {
    return [...this.#history.slice(this.#next), ...this.#history.slice(0, this.#next)];
  }

  #remember(window: PowerWindow): void {
    this.latest = window;
    if (this.#history.length < this.#capacity) this.#history.push(window);
    else this.#history[this.#next] = window;
    this.#next = (this.#next + 1) % this.#capacity;
  }
}
