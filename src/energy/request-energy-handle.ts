import { clockReading, fail, MAX_CLOCK_MS } from '../core/validate.js';
import type { LedgerInterval } from './attribution-ledger.js';
import type { TrackingSession } from './tracking-session.js';
import type { RequestEnergy } from './types.js';

/** Joules in one watt-hour. @internal */
export const JOULES_PER_WH = 3600;

/**
 * The time of a begin or an end: `nowMs` when the caller passed it, else a reading of `clock`, each
 * checked (a finite number from 0 to 8.64e15).
 */
export function requestTime(
  owner: string,
  nowMs: number | undefined,
  clock: { nowMs(): number },
): number {
  if (nowMs === undefined) return clockReading(owner, clock.nowMs());
  if (typeof nowMs === 'number' && nowMs >= 0 && nowMs <= MAX_CLOCK_MS) return nowMs;
  return fail(
    typeof nowMs === 'number' ? RangeError : TypeError,
    owner,
    'nowMs',
    `a finite number from 0 to ${MAX_CLOCK_MS}`,
    nowMs,
  );
}

/**
 * One request being tracked, as `EnergyMonitor.beginRequest()` returns it. Call `end()` once when the
 * request finishes; the handle then also holds the request's {@link RequestEnergy} figures.
 *
 * @example
 * ```ts
 * const handle = monitor.beginRequest();
 * try {
 *   await handle.work();
 * } finally {
 *   const { energyWh, emissionsG } = handle.end();
 * }
 * ```
 */
export class RequestEnergyHandle implements RequestEnergy {
  /** When the request began, in epoch milliseconds. */
  readonly beginMs: number;
  /** Energy of the request in watt-hours; 0 until `end()`. */
  energyWh = 0;
  /** Emissions of the request in grams of CO2-equivalent; 0 until `end()`. */
  emissionsG = 0;
  /** Duration of the request in milliseconds; 0 until `end()`. */
  durationMs = 0;
  /** Whether `end()` was called. */
  ended = false;
  readonly #session: TrackingSession;
  readonly #beganIn: LedgerInterval;
  readonly #beginShareMs: number;

  /** @internal Made by `EnergyMonitor.beginRequest()`. */
  constructor(session: TrackingSession, beginMs: number) {
    this.#session = session;
    this.beginMs = beginMs;
    this.#beganIn = session.ledger.interval;
    this.#beginShareMs = session.ledger.begin();
  }

  /**
   * Ends the request and computes its energy. Later calls return the same figures.
   *
   * @param nowMs - the end time in epoch milliseconds, when the caller has already read its clock
   *   (adapters pass the time they measure latency with); otherwise the monitor's clock is read once
   * @returns this handle, as the request's {@link RequestEnergy}
   * @throws RangeError when `nowMs` (or the clock's reading) is not a finite number from 0 to
   *   8.64e15; the request then stays in flight, unchanged
   */
  end(nowMs?: number): RequestEnergy {
    if (this.ended) return this;
    const session = this.#session;
    const endMs = requestTime('RequestEnergyHandle.end', nowMs, session.clock);
    session.atEnd(endMs);
    const energyJ = session.ledger.finish(this.#beganIn, this.#beginShareMs);
    this.ended = true;
    this.energyWh = energyJ / JOULES_PER_WH;
    this.emissionsG = energyJ * session.gramsPerJoule;
    session.requestsEmissionsG += this.emissionsG;
    this.durationMs = Math.max(0, endMs - this.beginMs);
    return this;
  }
}
