import { systemClock, type Clock } from '../core/clock.js';
import {
  clockOption,
  clockReading,
  fail,
  nonNegativeNumber,
  numberInRange,
  positiveNumber,
  rejectUnknownKeys,
} from '../core/validate.js';
import { DEFAULT_CARBON_INTENSITY_G_PER_KWH, DEFAULT_PUE } from './carbon.js';
import { AttributionLedger } from './attribution-ledger.js';
import { errorMessage } from './error-message.js';
import { IntensityFeed, type CarbonIntensityProvider } from './intensity-feed.js';
import { numberAtLeast, powerSourceOption } from './options.js';
import { powerSourceParts, type PowerSource } from './power-source.js';
import { PowerWindows } from './power-windows.js';
import { JOULES_PER_WH, requestTime, RequestEnergyHandle } from './request-energy-handle.js';
import { TrackingSession, type SessionHooks } from './tracking-session.js';
import type {
  CarbonFigures,
  EnergyFault,
  EnergyFaultCode,
  EnergyMetrics,
  EnergyWarning,
  PowerWindow,
  TrackedRequestEnergy,
  TrackingSummary,
} from './types.js';

/**
 * Default minimum time between two readings of the power source by an {@link EnergyMonitor}, in ms.
 *
 * @defaultValue `1000`
 */
export const DEFAULT_SAMPLE_INTERVAL_MS = 1000;

/**
 * Default length of the power windows over which average power is compared with
 * `powerThresholdW`, in ms.
 *
 * @defaultValue `10_000`
 */
export const DEFAULT_POWER_WINDOW_MS = 10_000;

/**
 * Default hysteresis of power warnings: after a warning, the windowed power must fall to
 * `powerThresholdW x (1 - ratio)` or below before another warning can fire.
 *
 * @defaultValue `0.1`
 */
export const DEFAULT_WARNING_HYSTERESIS_RATIO = 0.1;

/** Number of completed power windows that {@link EnergyMonitor.powerHistory} keeps. */
export const POWER_HISTORY_SIZE = 60;

/**
 * Default minimum time between two requests of an {@link EnergyMonitor} to its carbon intensity
 * provider, in ms (the provider's own cache decides how often it goes to the network).
 *
 * @defaultValue `60_000`
 */
export const DEFAULT_CARBON_INTENSITY_REFRESH_MS = 60_000;

const MS_PER_HOUR = 3_600_000;
const OWNER = 'EnergyMonitor';
const KNOWN_OPTIONS = [
  'powerSource',
  'clock',
  'carbonIntensityGPerKWh',
  'carbonIntensityRefreshMs',
  'pue',
  'embodiedGPerHour',
  'powerThresholdW',
  'sampleIntervalMs',
  'powerWindowMs',
  'warningHysteresisRatio',
] as const;
const OPTION_HINTS = {
  carbonIntensity: 'use `carbonIntensityGPerKWh`, in gCO2e/kWh, or a provider from greenslo/carbon',
  country_iso_code:
    'use `carbonIntensityGPerKWh`, for instance from carbonIntensityForCountry() in greenslo/node',
  measure_power_secs: 'use `sampleIntervalMs`, in milliseconds',
  source: 'use `powerSource`',
};

/** Options of {@link EnergyMonitor}. */
export interface EnergyMonitorOptions {
  /** Where energy figures come from (for example `constantPower(65)` or, on Node.js, `autoPowerSource()`). */
  readonly powerSource: PowerSource;
  /**
   * Source of time.
   * @defaultValue {@link systemClock}
   */
  readonly clock?: Clock;
  /**
   * Grid carbon intensity in gCO2e per kilowatt-hour: a finite number >= 0, or a
   * {@link CarbonIntensityProvider} (such as those of `greenslo/carbon`) asked in the background.
   * With a provider, each interval between two readings of the power source is charged at the
   * figure the provider gave when that interval opened (the latest figure received, until the answer
   * asked for at its opening arrives).
   * @defaultValue {@link DEFAULT_CARBON_INTENSITY_G_PER_KWH} (475)
   */
  readonly carbonIntensityGPerKWh?: number | CarbonIntensityProvider;
  /**
   * Minimum time between two requests to a carbon intensity provider, in ms; the requests are made
   * when the power source is read, never on a request's path.
   * @defaultValue {@link DEFAULT_CARBON_INTENSITY_REFRESH_MS} (60 000)
   */
  readonly carbonIntensityRefreshMs?: number;
  /**
   * Embodied emissions of the hardware apportioned to this service, in gCO2e per hour of running
   * (the `M` of the Software Carbon Intensity); counted in `sciGPerRequest`.
   * @defaultValue `0`
   */
  readonly embodiedGPerHour?: number;
  /**
   * Power usage effectiveness of the facility, a finite number >= 1; multiplies emissions, not energy.
   * @defaultValue {@link DEFAULT_PUE} (1)
   */
  readonly pue?: number;
  /** Average power in watts above which `onWarning` listeners are told and `isOverThreshold()` is true. */
  readonly powerThresholdW?: number;
  /**
   * Minimum time between two readings of the power source, in ms (0 reads it at every begin and end).
   * @defaultValue {@link DEFAULT_SAMPLE_INTERVAL_MS} (1000)
   */
  readonly sampleIntervalMs?: number;
  /**
   * Length of the power windows used for warnings and {@link EnergyMonitor.powerHistory}, in ms.
   * @defaultValue {@link DEFAULT_POWER_WINDOW_MS} (10 000)
   */
  readonly powerWindowMs?: number;
  /**
   * Ratio 0..1 below the threshold that the windowed power must reach before another warning can fire.
   * @defaultValue {@link DEFAULT_WARNING_HYSTERESIS_RATIO} (0.1)
   */
  readonly warningHysteresisRatio?: number;
}

/**
 * Measures the energy and carbon of a process and attributes it to the requests it serves.
 *
 * **Attribution.** At every instant, power is split evenly among the requests in flight; energy used
 * while none is in flight is `unattributedWh`. The power source is read at most once per
 * `sampleIntervalMs`, on a `beginRequest()` or `end()` that finds the last reading that old (and on
 * `metrics()` and `stopTracking()`). Power is taken as constant within each interval between two
 * readings. A request's energy is exact up to the last reading; its part since then is estimated at
 * the previous interval's average power. Until an interval has been measured (right after
 * `startTracking()`), there is no previous power to estimate with, so the first `end()` reads the
 * source itself: the first requests get the energy measured, not 0. The next reading settles each
 * estimate: the difference (non-zero only when the power changed between the two intervals) goes into
 * `estimateCorrectionWh`, so that whenever totals are read, `attributedWh + unattributedWh` equals
 * the energy the source reported, exactly, and `requestsEnergyWh + inFlightEnergyWh +
 * estimateCorrectionWh = attributedWh`. Request energies and totals are never negative (only the
 * correction is signed). With `sampleIntervalMs: 0` every request's own figures are exact.
 *
 * **Cost per request.** `beginRequest()` and `end()` each read the clock once unless given the time,
 * do O(1) arithmetic and allocate the handle only; the source is read on a request only when a
 * sample is due, so at most once per `sampleIntervalMs` whatever the traffic.
 *
 * **Emissions** = energy x `pue` x `carbonIntensityGPerKWh`, each interval between two readings at
 * its own intensity when a provider gives it (see {@link EnergyMonitorOptions.carbonIntensityGPerKWh});
 * a request's emissions use the intensity in force when it ended. `metrics().sciGPerRequest` is the
 * Software Carbon Intensity per request, `(E x I + M) / R`.
 *
 * **Clock readings** are checked where they are read: a reading that is not a finite number from 0
 * to 8.64e15 makes the method that read it throw a `RangeError` before it changes anything.
 *
 * @example
 * ```ts
 * import { EnergyMonitor, constantPower } from 'greenslo';
 *
 * const monitor = new EnergyMonitor({ powerSource: constantPower(65), powerThresholdW: 150 });
 * monitor.startTracking();
 * const { result, energy } = await monitor.trackRequestEnergy(() => handle(request));
 * console.log(energy.energyWh, monitor.metrics().energyPerRequestWh);
 * ```
 */
export class EnergyMonitor {
  // Fields set in the constructor are `declare`d, so that bundles carry no field declarations; the
  // constructor sets them in this order.
  /** The power source read by this monitor. */
  declare readonly powerSource: PowerSource;
  /** The carbon intensity provider, when one was given instead of a number. */
  declare readonly carbonIntensityProvider: CarbonIntensityProvider | undefined;
  /** Power usage effectiveness used. */
  declare readonly pue: number;
  /** Embodied emissions counted per hour of tracking, in gCO2e. */
  declare readonly embodiedGPerHour: number;
  /** The warning threshold in watts, if any. */
  declare readonly powerThresholdW: number | undefined;
  /** Minimum time between two readings of the power source, in ms. */
  declare readonly sampleIntervalMs: number;
  /** The clock this monitor reads. */
  declare readonly clock: Clock;
  readonly #intensity: IntensityFeed;
  readonly #clearBelowW: number;
  readonly #windows: PowerWindows;
  readonly #hooks: SessionHooks;
  readonly #warningListeners = new Set<(warning: EnergyWarning) => void>();
  readonly #windowListeners = new Set<(window: PowerWindow) => void>();
  readonly #faultListeners = new Set<(fault: EnergyFault) => void>();
  #session: TrackingSession | undefined;
  #overThreshold = false;
  #faultCount = 0;
  #lastFault: EnergyFault | undefined;

  /**
   * @param options - see {@link EnergyMonitorOptions}
   * @throws TypeError when an option key is unknown, `powerSource`, `clock` or the intensity provider
   *   has the wrong shape, or a number option is not a number
   * @throws RangeError when a number option is NaN, infinite or out of range (negative intensity,
   *   `pue` < 1, `powerThresholdW` <= 0, negative `sampleIntervalMs`, `powerWindowMs` <= 0)
   */
  constructor(options: EnergyMonitorOptions) {
    if (typeof options !== 'object' || options === null)
      fail(TypeError, OWNER, 'options', 'an object with a `powerSource`', options);
    rejectUnknownKeys(OWNER, options, KNOWN_OPTIONS, OPTION_HINTS);
    this.powerSource = powerSourceOption(OWNER, options.powerSource);
    const clock = clockOption(OWNER, options.clock ?? systemClock);
    const refreshMs = nonNegativeNumber(
      OWNER,
      'carbonIntensityRefreshMs',
      options.carbonIntensityRefreshMs ?? DEFAULT_CARBON_INTENSITY_REFRESH_MS,
    );
    this.#intensity = new IntensityFeed(
      OWNER,
      'carbonIntensityGPerKWh',
      options.carbonIntensityGPerKWh ?? DEFAULT_CARBON_INTENSITY_G_PER_KWH,
      refreshMs,
      {
        updated: (value, askedAtMs) => this.#intensityArrived(value, askedAtMs),
        failed: (message, atMs, cause) =>
          this.#fault('carbon_intensity_failed', message, atMs, cause),
      },
    );
    this.carbonIntensityProvider = this.#intensity.provider;
    this.pue = numberAtLeast(OWNER, 'pue', options.pue ?? DEFAULT_PUE, 1);
    this.embodiedGPerHour = nonNegativeNumber(
      OWNER,
      'embodiedGPerHour',
      options.embodiedGPerHour ?? 0,
    );
    this.powerThresholdW =
      options.powerThresholdW === undefined
        ? undefined
        : positiveNumber(OWNER, 'powerThresholdW', options.powerThresholdW);
    this.sampleIntervalMs = nonNegativeNumber(
      OWNER,
      'sampleIntervalMs',
      options.sampleIntervalMs ?? DEFAULT_SAMPLE_INTERVAL_MS,
    );
    this.clock = clock;
    const windowMs = positiveNumber(
      OWNER,
      'powerWindowMs',
      options.powerWindowMs ?? DEFAULT_POWER_WINDOW_MS,
    );
    const hysteresis = numberInRange(
      OWNER,
      'warningHysteresisRatio',
      options.warningHysteresisRatio ?? DEFAULT_WARNING_HYSTERESIS_RATIO,
      0,
      1,
    );
    this.#clearBelowW = (this.powerThresholdW ?? 0) * (1 - hysteresis);
    this.#windows = new PowerWindows(windowMs, POWER_HISTORY_SIZE);
    this.#hooks = {
      settled: (atMs, durationMs, energyJ) => this.#settled(atMs, durationMs, energyJ),
      fault: (code, message, atMs, cause) => this.#fault(code, message, atMs, cause),
    };
  }

  /**
   * The grid carbon intensity in force, in gCO2e per kilowatt-hour: the fixed figure, or the latest
   * figure the provider gave (its `fallbackGPerKWh` until the first answer).
   */
  get carbonIntensityGPerKWh(): number {
    return this.#intensity.latestGPerKWh;
  }

  /** Whether the monitor is tracking (between `startTracking()`, or the first request, and `stopTracking()`). */
  get tracking(): boolean {
    return this.#session !== undefined && this.#session.stoppedAtMs === undefined;
  }

  /**
   * Starts a tracking session: reads the power source once and starts counting from zero. Does
   * nothing while already tracking. `beginRequest()` starts a session itself when none is running.
   *
   * @throws RangeError when the clock's reading is not a finite number from 0 to 8.64e15 (nothing starts)
   */
  startTracking(): void {
    if (!this.tracking)
      this.#start(clockReading('EnergyMonitor.startTracking', this.clock.nowMs()));
  }

  /**
   * Stops tracking after a last reading of the power source. Requests still in flight keep the
   * energy of the session up to now; their `end()` adds nothing more. Calling it again returns the
   * same summary.
   *
   * @returns the session's duration, energy, emissions and average power (zeros if it never started)
   * @throws RangeError when the clock's reading is not a finite number from 0 to 8.64e15 (tracking goes on)
   */
  stopTracking(): TrackingSummary {
    const session = this.#session;
    if (session === undefined)
      return {
        startedAtMs: undefined,
        durationMs: 0,
        energyWh: 0,
        emissionsG: 0,
        averagePowerW: 0,
      };
    if (session.stoppedAtMs === undefined)
      session.stop(clockReading('EnergyMonitor.stopTracking', this.clock.nowMs()));
    const durationMs = session.ledger.interval.startMs - session.startedAtMs;
    const energyJ = session.ledger.totalJ;
    return {
      startedAtMs: session.startedAtMs,
      durationMs,
      energyWh: energyJ / JOULES_PER_WH,
      emissionsG: session.emissionsG,
      averagePowerW: durationMs > 0 ? (energyJ / durationMs) * 1000 : 0,
    };
  }

  /**
   * Marks the beginning of a request; call `end()` on the handle when it finishes. Starts tracking
   * if the monitor is not tracking.
   *
   * @param nowMs - the begin time in epoch milliseconds, when the caller has already read its clock
   *   (as adapters do); otherwise the monitor's clock is read once
   * @returns the request's handle
   * @throws RangeError when `nowMs` (or the clock's reading) is not a finite number from 0 to
   *   8.64e15; nothing is recorded
   */
  beginRequest(nowMs?: number): RequestEnergyHandle {
    const beginMs = requestTime('EnergyMonitor.beginRequest', nowMs, this.clock);
    let session = this.#session;
    if (session === undefined || session.stoppedAtMs !== undefined) session = this.#start(beginMs);
    session.at(beginMs);
    return new RequestEnergyHandle(session, beginMs);
  }

  /**
   * Runs `fn` as one request and returns its result with its energy. Works with synchronous functions
   * and with functions that return a promise (then it returns a promise). When `fn` throws or its
   * promise rejects, the energy is still recorded and the error propagates unchanged.
   *
   * @param fn - the work to measure
   * @returns `{ result, energy }`, or a promise of it when `fn` returned a promise
   * @throws TypeError when `fn` is not a function; otherwise whatever `fn` throws
   */
  trackRequestEnergy<T>(fn: () => Promise<T>): Promise<TrackedRequestEnergy<T>>;
  trackRequestEnergy<T>(fn: () => T): TrackedRequestEnergy<T>;
  trackRequestEnergy<T>(
    fn: () => T | Promise<T>,
  ): TrackedRequestEnergy<T> | Promise<TrackedRequestEnergy<T>> {
    if (typeof fn !== 'function')
      fail(TypeError, `${OWNER}.trackRequestEnergy`, 'fn', 'a function', fn);
    const handle = this.beginRequest();
    let result: T | Promise<T>;
    try {
      result = fn();
    } catch (error) {
      handle.end();
      throw error;
    }
    if (!isPromiseLike(result)) return { result, energy: handle.end() };
    return Promise.resolve(result).then(
      (value) => ({ result: value, energy: handle.end() }),
      (error: unknown) => {
        handle.end();
        throw error;
      },
    );
  }

  /**
   * The monitor's figures now. While tracking, reads the power source first, so that totals are
   * current and add up exactly.
   *
   * @returns totals, per-request figures, attribution and configuration; see {@link EnergyMetrics}
   */
  metrics(): EnergyMetrics {
    const session = this.#session;
    if (session !== undefined && session.stoppedAtMs === undefined)
      session.refresh(clockReading('EnergyMonitor.metrics', this.clock.nowMs()));
    // Before the first session, an empty ledger gives every total: 0.
    const ledger = session?.ledger ?? new AttributionLedger(0);
    const durationMs = session === undefined ? 0 : ledger.interval.startMs - session.startedAtMs;
    const totalJ = ledger.totalJ;
    const requestsTracked = ledger.completedCount;
    const requestsJ = ledger.completedJ;
    const totalEmissionsG = session?.emissionsG ?? 0;
    const energyPerRequestJ = requestsTracked > 0 ? requestsJ / requestsTracked : 0;
    return {
      tracking: this.tracking,
      startedAtMs: session?.startedAtMs,
      durationMs,
      totalEnergyWh: totalJ / JOULES_PER_WH,
      totalEmissionsG,
      totalEmissionsKg: totalEmissionsG / 1000,
      averagePowerW: durationMs > 0 ? (totalJ / durationMs) * 1000 : 0,
      recentPowerW: this.recentPowerW,
      requestsTracked,
      requestsInFlight: ledger.inFlight,
      requestsEnergyWh: requestsJ / JOULES_PER_WH,
      energyPerRequestWh: energyPerRequestJ / JOULES_PER_WH,
      emissionsPerRequestG: requestsTracked > 0 ? session!.requestsEmissionsG / requestsTracked : 0,
      requestsPerWh: totalJ > 0 ? (requestsTracked * JOULES_PER_WH) / totalJ : 0,
      attributedWh: ledger.attributedJ / JOULES_PER_WH,
      unattributedWh: ledger.unattributedJ / JOULES_PER_WH,
      inFlightEnergyWh: ledger.inFlightJ() / JOULES_PER_WH,
      estimateCorrectionWh: ledger.correctionJ / JOULES_PER_WH,
      powerSource: this.powerSource.name,
      powerSources: powerSourceParts(this.powerSource),
      ...this.#carbonFigures(totalJ, totalEmissionsG, durationMs, requestsTracked),
      pue: this.pue,
      powerThresholdW: this.powerThresholdW,
      overThreshold: this.#overThreshold,
      faults: this.#faultCount,
      lastFault: this.#lastFault,
    };
  }

  /** The intensity figures and the Software Carbon Intensity per request: (E x I + M) / R. */
  #carbonFigures(
    totalJ: number,
    totalEmissionsG: number,
    durationMs: number,
    requests: number,
  ): CarbonFigures {
    const embodiedEmissionsG = (this.embodiedGPerHour * durationMs) / MS_PER_HOUR;
    const kWhAtMeter = (totalJ * this.pue) / (JOULES_PER_WH * 1000);
    return {
      carbonIntensityGPerKWh: this.#intensity.latestGPerKWh,
      carbonIntensitySource: this.#intensity.sourceName,
      averageCarbonIntensityGPerKWh:
        kWhAtMeter > 0 ? totalEmissionsG / kWhAtMeter : this.#intensity.latestGPerKWh,
      embodiedGPerHour: this.embodiedGPerHour,
      embodiedEmissionsG,
      sciGPerRequest: requests > 0 ? (totalEmissionsG + embodiedEmissionsG) / requests : 0,
    };
  }

  /**
   * Whether the average power of the latest completed power window rose above `powerThresholdW` and
   * has not yet fallen back to the hysteresis level. Always false without a threshold. Reads nothing.
   */
  isOverThreshold(): boolean {
    return this.#overThreshold;
  }

  /**
   * Calls `listener` each time the windowed average power crosses above `powerThresholdW`: once per
   * crossing, not once per window, and again only after it fell to `powerThresholdW x (1 -
   * warningHysteresisRatio)`. Windows complete on samples, so no timer is involved.
   *
   * @param listener - receives the window's power, the threshold and the time
   * @returns a function that removes the listener
   */
  onWarning(listener: (warning: EnergyWarning) => void): () => void {
    return subscribe(this.#warningListeners, listener);
  }

  /**
   * Calls `listener` with each completed power window (at least `powerWindowMs` long, ending on a
   * sample). `LowPowerMode` uses it to switch by itself.
   *
   * @param listener - receives the window
   * @returns a function that removes the listener
   */
  onPowerWindow(listener: (window: PowerWindow) => void): () => void {
    return subscribe(this.#windowListeners, listener);
  }

  /**
   * Calls `listener` with each fault: a power source that throws, returns a non-finite number or goes
   * back, or a listener that throws. Faults never stop a request and never produce negative energy.
   *
   * @param listener - receives the fault
   * @returns a function that removes the listener
   */
  onFault(listener: (fault: EnergyFault) => void): () => void {
    return subscribe(this.#faultListeners, listener);
  }

  /** Average power of the latest completed power window in watts (undefined before the first); reads nothing. */
  get recentPowerW(): number | undefined {
    return this.#windows.latest?.powerW;
  }

  /** The latest completed power windows, oldest first (at most {@link POWER_HISTORY_SIZE}). */
  powerHistory(): PowerWindow[] {
    return this.#windows.history();
  }

  #start(startMs: number): TrackingSession {
    const session = new TrackingSession(
      this.powerSource,
      this.clock,
      startMs,
      this.sampleIntervalMs,
      this.#gramsPerJoule(this.#intensity.latestGPerKWh),
      this.#hooks,
    );
    this.#session = session;
    this.#intensity.refresh(startMs);
    return session;
  }

  /** Grams of CO2e per joule at `intensityGPerKWh`: `pue x intensity / 3.6e6`. */
  #gramsPerJoule(intensityGPerKWh: number): number {
    return (this.pue * intensityGPerKWh) / (JOULES_PER_WH * 1000);
  }

  /** A provider's answer: it applies to the interval that opened when it was asked, if still open. */
  #intensityArrived(intensityGPerKWh: number, askedAtMs: number): void {
    const session = this.#session;
    if (
      session === undefined ||
      session.stoppedAtMs !== undefined ||
      session.ledger.interval.startMs !== askedAtMs
    )
      return;
    session.gramsPerJoule = this.#gramsPerJoule(intensityGPerKWh);
  }

  #settled(atMs: number, durationMs: number, energyJ: number): void {
    const session = this.#session;
    if (session !== undefined)
      session.gramsPerJoule = this.#gramsPerJoule(this.#intensity.latestGPerKWh);
    this.#intensity.refresh(atMs);
    const window = this.#windows.add(atMs, durationMs, energyJ);
    if (window === undefined) return;
    this.#checkThreshold(window);
    for (const listener of this.#windowListeners) this.#call(listener, window, atMs);
  }

  #checkThreshold(window: PowerWindow): void {
    const thresholdW = this.powerThresholdW;
    if (thresholdW === undefined) return;
    if (this.#overThreshold) {
      if (window.powerW <= this.#clearBelowW) this.#overThreshold = false;
      return;
    }
    if (window.powerW <= thresholdW) return;
    this.#overThreshold = true;
    const warning: EnergyWarning = { ...window, thresholdW };
    for (const listener of this.#warningListeners) this.#call(listener, warning, window.endMs);
  }

  #call<V>(listener: (value: V) => void, value: V, atMs: number): void {
    try {
      listener(value);
    } catch (error) {
      this.#fault(
        'listener_failed',
        `an energy listener threw: ${errorMessage(error)}`,
        atMs,
        error,
      );
    }
  }

  #fault(code: EnergyFaultCode, message: string, atMs: number, cause?: unknown): void {
    const fault: EnergyFault =
      cause === undefined ? { code, message, atMs } : { code, message, atMs, cause };
    this.#faultCount++;
    this.#lastFault = fault;
    for (const listener of this.#faultListeners) {
      try {
        listener(fault);
      } catch {
        // A failing fault listener has nowhere left to report to; it must not break the request.
      }
    }
  }
}

function subscribe<L>(listeners: Set<L>, listener: L): () => void {
  if (typeof listener !== 'function') fail(TypeError, OWNER, 'listener', 'a function', listener);
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as PromiseLike<T>).then === 'function'
  );
}
