import type { Clock } from '../core/clock.js';
import { AttributionLedger } from './attribution-ledger.js';
import { errorMessage } from './error-message.js';
import type { PowerSource } from './power-source.js';
import type { EnergyFaultCode } from './types.js';

/**
 * What a tracking session tells its monitor: each settled interval (for power windows) and each
 * fault of the power source.
 *
 * @internal
 */
export interface SessionHooks {
  /** An interval was settled at `atMs`; the hook may set `gramsPerJoule` for the next one. */
  settled(atMs: number, durationMs: number, energyJ: number): void;
  fault(code: EnergyFaultCode, message: string, atMs: number, cause?: unknown): void;
}

/**
 * One run of an `EnergyMonitor`, from `startTracking()` to `stopTracking()`: the attribution ledger
 * plus the sampling of the power source, read at most once per `sampleIntervalMs`.
 *
 * @internal
 */
export class TrackingSession {
  // Fields set in the constructor are `declare`d, so that bundles carry no field declarations.
  declare readonly ledger: AttributionLedger;
  declare readonly startedAtMs: number;
  declare readonly clock: Clock;
  /** Grams of CO2e per joule charged for the open interval: `pue x intensity / 3.6e6`. */
  declare gramsPerJoule: number;
  stoppedAtMs: number | undefined;
  /** Emissions of the settled intervals, each at its own intensity, in grams. */
  emissionsG = 0;
  /** Sum of the emissions returned to ended requests, in grams. */
  requestsEmissionsG = 0;
  readonly #source: PowerSource;
  readonly #sampleIntervalMs: number;
  readonly #hooks: SessionHooks;
  /** Last accepted reading of the source, in joules; NaN until one succeeded. */
  #baselineJ = Number.NaN;
  /** Whether the latest attempt to read the source gave a usable number (so `atEnd` may read it again). */
  #lastReadOk = false;
  #nextSampleMs: number;

  constructor(
    source: PowerSource,
    clock: Clock,
    startMs: number,
    sampleIntervalMs: number,
    gramsPerJoule: number,
    hooks: SessionHooks,
  ) {
    this.#source = source;
    this.clock = clock;
    this.#sampleIntervalMs = sampleIntervalMs;
    this.gramsPerJoule = gramsPerJoule;
    this.#hooks = hooks;
    this.startedAtMs = startMs;
    this.ledger = new AttributionLedger(this.startedAtMs);
    this.#nextSampleMs = this.startedAtMs + sampleIntervalMs;
    this.sample();
  }

  /** Moves the session to `nowMs` and samples the source when a sample is due. */
  at(nowMs: number): void {
    const ledger = this.ledger;
    if (this.stoppedAtMs !== undefined) return;
    ledger.advance(nowMs);
    if (ledger.lastMs >= this.#nextSampleMs) this.sample();
  }

  /**
   * Moves the session to `nowMs` for a request that ends there. Besides the schedule of {@link at},
   * reads the source when no interval has been settled yet (so no power rate is known), so that a
   * request ending before the first scheduled sample is charged the energy measured, not an estimate.
   */
  atEnd(nowMs: number): void {
    const ledger = this.ledger;
    if (this.stoppedAtMs !== undefined) return;
    ledger.advance(nowMs);
    if (ledger.lastMs >= this.#nextSampleMs) this.sample();
    else if (!ledger.rateKnown && this.#lastReadOk && ledger.lastMs > ledger.interval.startMs)
      this.sample();
  }

  /** Brings the totals up to `nowMs` with a fresh reading. */
  refresh(nowMs: number): void {
    if (this.stoppedAtMs !== undefined) return;
    this.ledger.advance(nowMs);
    this.sample();
  }

  /** Takes the final reading at `nowMs` and freezes the session. */
  stop(nowMs: number): void {
    if (this.stoppedAtMs !== undefined) return;
    this.refresh(nowMs);
    this.stoppedAtMs = this.ledger.lastMs;
  }

  /** Reads the source at the ledger's time and settles the open interval with the energy since. */
  sample(): void {
    const ledger = this.ledger;
    const atMs = ledger.lastMs;
    this.#nextSampleMs = atMs + this.#sampleIntervalMs;
    const readingJ = this.#read(atMs);
    this.#lastReadOk = readingJ !== undefined;
    if (readingJ === undefined) return;
    const baselineJ = this.#baselineJ;
    this.#baselineJ = readingJ;
    if (Number.isNaN(baselineJ)) return;
    if (readingJ < baselineJ) {
      this.#lastReadOk = false;
      // The energy since the last good reading is unknown: it is dropped, never counted negative.
      this.#hooks.fault(
        'decreasing_power_reading',
        `power source "${this.#source.name}" went back from ${baselineJ} J to ${readingJ} J; the energy of this interval is counted from the new reading on.`,
        atMs,
      );
      return;
    }
    const durationMs = atMs - ledger.interval.startMs;
    const energyJ = readingJ - baselineJ;
    ledger.settle(energyJ);
    this.emissionsG += energyJ * this.gramsPerJoule;
    this.#hooks.settled(atMs, durationMs, energyJ);
  }

  #read(atMs: number): number | undefined {
    let readingJ: unknown;
    try {
      readingJ = this.#source.readJoules(atMs);
    } catch (error) {
      this.#hooks.fault(
        'power_source_failed',
        `power source "${this.#source.name}" could not be read: ${errorMessage(error)}`,
        atMs,
        error,
      );
      return undefined;
    }
    if (typeof readingJ === 'number' && Number.isFinite(readingJ)) return readingJ;
    this.#hooks.fault(
      'invalid_power_reading',
      `power source "${this.#source.name}" returned ${String(readingJ)} instead of a finite number of joules.`,
      atMs,
    );
    return undefined;
  }
}
