import type { PowerSourcePart } from './power-source.js';

/** The energy of one request, as `RequestEnergyHandle.end()` returns it. */
export interface RequestEnergy {
  /** Energy attributed to the request, in watt-hours (see `EnergyMonitor` for how it is split). */
  readonly energyWh: number;
  /** Emissions of that energy, in grams of CO2-equivalent (`energyWh x pue x intensity`). */
  readonly emissionsG: number;
  /** Time from `beginRequest()` to `end()`, in milliseconds. */
  readonly durationMs: number;
}

/** What `trackRequestEnergy(fn)` returns: the function's result and the energy of the call. */
export interface TrackedRequestEnergy<T> {
  /** What `fn` returned (awaited, when it returned a promise). */
  readonly result: T;
  /** The energy attributed to the call. */
  readonly energy: RequestEnergy;
}

/** Summary of one tracking session, as `EnergyMonitor.stopTracking()` returns it. */
export interface TrackingSummary {
  /** When tracking started, in epoch milliseconds (undefined if it never did). */
  readonly startedAtMs: number | undefined;
  /** How long tracking ran, in milliseconds. */
  readonly durationMs: number;
  /** Energy measured by the power source over the session, in watt-hours. */
  readonly energyWh: number;
  /** Emissions of that energy, in grams of CO2-equivalent. */
  readonly emissionsG: number;
  /** `energyWh` over `durationMs`, in watts (0 for an empty session). */
  readonly averagePowerW: number;
}

/** Machine-readable kinds of {@link EnergyFault}. */
export type EnergyFaultCode =
  | 'power_source_failed'
  | 'invalid_power_reading'
  | 'decreasing_power_reading'
  | 'listener_failed'
  | 'carbon_intensity_failed';

/**
 * A problem an `EnergyMonitor` met and worked around: the power source threw, returned a non-finite
 * number or went back (its energy for that interval is dropped, never counted negative), a
 * listener threw, or the carbon intensity provider failed (the latest figure stays in force).
 */
export interface EnergyFault {
  /** What went wrong. */
  readonly code: EnergyFaultCode;
  /** Human-readable explanation. */
  readonly message: string;
  /** When it happened, in epoch milliseconds. */
  readonly atMs: number;
  /** The error thrown, when there was one. */
  readonly cause?: unknown;
}

/** One completed power window: the average power over `durationMs` ending at `endMs`. */
export interface PowerWindow {
  /** End of the window, in epoch milliseconds. */
  readonly endMs: number;
  /** Length of the window, in milliseconds (at least `powerWindowMs`, ends on a sample). */
  readonly durationMs: number;
  /** Average power over the window, in watts. */
  readonly powerW: number;
}

/** Passed to `onWarning` listeners when the windowed average power rises above `powerThresholdW`. */
export interface EnergyWarning extends PowerWindow {
  /** The monitor's `powerThresholdW`. */
  readonly thresholdW: number;
}

/**
 * The carbon intensity an `EnergyMonitor` uses and its Software Carbon Intensity (ISO/IEC 21031:2024)
 * per request: `SCI = (E x I + M) / R`, with `E x I` the emissions of all the energy measured (idle
 * time included, each interval at its own intensity, times PUE), `M` the embodied emissions of the
 * period and `R` the requests that ended.
 */
export interface CarbonFigures {
  /** Carbon intensity in force now, in gCO2e per kilowatt-hour. */
  readonly carbonIntensityGPerKWh: number;
  /** Where the intensity comes from: the provider's name, or `'fixed'`. */
  readonly carbonIntensitySource: string;
  /**
   * Intensity averaged over the energy measured (`totalEmissionsG / (kWh x pue)`), in gCO2e/kWh; the
   * intensity in force while no energy has been measured.
   */
  readonly averageCarbonIntensityGPerKWh: number;
  /** Embodied emissions counted per hour of tracking, in gCO2e. */
  readonly embodiedGPerHour: number;
  /** Embodied emissions of the time covered (`embodiedGPerHour x durationMs / 3 600 000`), in gCO2e. */
  readonly embodiedEmissionsG: number;
  /** `(totalEmissionsG + embodiedEmissionsG) / requestsTracked`, in gCO2e per request; 0 before a request ended. */
  readonly sciGPerRequest: number;
}

/** Everything an `EnergyMonitor` knows, as `metrics()` returns it. */
export interface EnergyMetrics extends CarbonFigures {
  /** Whether the monitor is tracking now. */
  readonly tracking: boolean;
  /** When the current (or last) session started, in epoch milliseconds. */
  readonly startedAtMs: number | undefined;
  /** Time covered by the figures, in milliseconds. */
  readonly durationMs: number;
  /** Energy measured by the power source, in watt-hours. */
  readonly totalEnergyWh: number;
  /** Emissions of `totalEnergyWh` (each settled interval at its own intensity), in grams of CO2-equivalent. */
  readonly totalEmissionsG: number;
  /** Emissions of `totalEnergyWh`, in kilograms of CO2-equivalent. */
  readonly totalEmissionsKg: number;
  /** `totalEnergyWh` over `durationMs`, in watts (0 when no time has passed). */
  readonly averagePowerW: number;
  /** Average power of the latest completed power window, in watts. */
  readonly recentPowerW: number | undefined;
  /** Requests that ended. */
  readonly requestsTracked: number;
  /** Requests begun and not ended yet. */
  readonly requestsInFlight: number;
  /** Sum of the energies returned to ended requests, in watt-hours. */
  readonly requestsEnergyWh: number;
  /** Mean energy of an ended request (`requestsEnergyWh / requestsTracked`), in watt-hours; 0 when none ended. */
  readonly energyPerRequestWh: number;
  /** Mean emissions of an ended request (each at the intensity in force when it ended), in grams of CO2-equivalent. */
  readonly emissionsPerRequestG: number;
  /**
   * Ended requests per watt-hour of all energy measured, idle time included
   * (`requestsTracked / totalEnergyWh`); 0 when no energy was measured.
   */
  readonly requestsPerWh: number;
  /** Energy attributed to requests, ended or in flight, in watt-hours; with `unattributedWh` it adds up to `totalEnergyWh`. */
  readonly attributedWh: number;
  /** Energy used while no request was in flight, in watt-hours. */
  readonly unattributedWh: number;
  /** Energy held so far by the requests in flight, in watt-hours. */
  readonly inFlightEnergyWh: number;
  /**
   * Settled share of ended requests minus what `end()` returned to them, in watt-hours (signed):
   * the part of a request after the last sample is estimated at the previous interval's power and
   * settled at the next sample. 0 with `sampleIntervalMs: 0`.
   * `requestsEnergyWh + inFlightEnergyWh + estimateCorrectionWh = attributedWh`.
   */
  readonly estimateCorrectionWh: number;
  /** Name of the power source. */
  readonly powerSource: string;
  /** The parts of the power source (each source of a sum) with the power each reports now, if any: GPU power among them. */
  readonly powerSources: readonly PowerSourcePart[];
  /** Power usage effectiveness used. */
  readonly pue: number;
  /** The warning threshold, in watts, when one is set. */
  readonly powerThresholdW: number | undefined;
  /** Whether the windowed average power is over the threshold (see `isOverThreshold()`). */
  readonly overThreshold: boolean;
  /** Number of faults met so far. */
  readonly faults: number;
  /** The latest fault, if any. */
  readonly lastFault: EnergyFault | undefined;
}
