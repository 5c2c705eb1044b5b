/**
 * A source of time in epoch milliseconds.
 *
 * Every greenslo class takes a `clock` option so that tests can drive time by hand
 * (see `ManualClock` in `greenslo/testing`) instead of sleeping.
 */
export interface Clock {
  /** Current time in epoch milliseconds. Successive calls never return a smaller value. */
  nowMs(): number;
}

// Read once: the origin never changes, and the global `performance` and its `timeOrigin` are getters
// whose cost, on every reading, is as large as that of `performance.now()` itself.
const PERFORMANCE = performance;
const TIME_ORIGIN_MS = PERFORMANCE.timeOrigin;

/**
 * The default clock: `performance.timeOrigin + performance.now()`, which is monotonic and
 * sub-millisecond, and available in Node.js, Deno, Bun, browsers and edge runtimes. It reads the
 * `performance` object present when greenslo was loaded (a fake installed later does not move it:
 * tests pass a `ManualClock` instead).
 *
 * @example
 * ```ts
 * import { systemClock } from 'greenslo';
 * const startedAtMs = systemClock.nowMs();
 * ```
 */
export const systemClock: Clock = {
  nowMs: readSystemClock,
};

/**
 * `systemClock`'s reading, for callers that read it on every request without looking up `nowMs`.
 *
 * @internal
 */
export function readSystemClock(): number {
  return TIME_ORIGIN_MS + PERFORMANCE.now();
}

/**
 * The reading function of `clock`, for callers that read it on every request: `systemClock`'s own
 * function (one call, no lookup of `nowMs`), else `clock.nowMs()` bound to it.
 *
 * @param clock - the clock to read
 * @returns a function returning the clock's reading
 * @internal
 */
export function clockReader(clock: Clock): () => number {
  return clock === systemClock ? readSystemClock : () => clock.nowMs();
}
