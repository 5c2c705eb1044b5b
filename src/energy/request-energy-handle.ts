import type { LedgerInterval } from './attribution-ledger.js';
import type { TrackingSession } from './tracking-session.js';
import type { RequestEnergy } from './types.js';

const JOULES_PER_WH = 3600;

/** Throws when a time passed in by the caller is not a finite number. */
export function checkNowMs(owner: string, nowMs: number): number {
  if (typeof nowMs === 'number' && Number.isFinite(nowMs)) return nowMs;
  throw new RangeError(`${owner}: \`nowMs\` must be a finite number, got ${String(nowMs)}.`);
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
   * @throws RangeError when `nowMs` is given and is not a finite number
   */
  end(nowMs?: number): RequestEnergy {
    if (this.ended) return this;
    const session = this.#session;
    const endMs = nowMs === undefined ? session.clock.nowMs() : checkNowMs('RequestEnergyHandle.end', nowMs);
    session.at(endMs);
    const energyJ = session.ledger.finish(this.#beganIn, this.#beginShareMs);
    this.ended = true;
    this.energyWh = energyJ / JOULES_PER_WH;
    this.emissionsG = energyJ * session.gramsPerJoule;
    this.durationMs = Math.max(0, endMs - this.beginMs);
    return this;
  }
}
