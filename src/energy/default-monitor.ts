import { EnergyMonitor } from './energy-monitor.js';
import type { MeasuredReduction } from './low-power-mode.js';
import { clockReading } from '../core/validate.js';
import { knownOptions } from './options.js';
import { constantPower } from './power-source.js';
import type { PowerProfile } from './power-profiles.js';
import type { EnergyMetrics, TrackedRequestEnergy } from './types.js';

/**
 * Power the default monitor assumes, in watts: the core cannot measure anything (it runs in any
 * Fetch runtime), so {@link defaultEnergyMonitor} uses `constantPower(85)`, the figure CodeCarbon
 * assumes for a machine it knows nothing about. On Node.js, install a measured one with
 * `setDefaultEnergyMonitor(new EnergyMonitor({ powerSource: autoPowerSource() }))` from `greenslo/node`.
 *
 * @defaultValue `85`
 */
export const DEFAULT_ASSUMED_POWER_W = 85;

let defaultMonitor: EnergyMonitor | undefined;

/**
 * The monitor used by the module-level {@link trackRequestEnergy} and
 * {@link generateSustainabilityReport}: created on first use, with an assumed constant power of
 * {@link DEFAULT_ASSUMED_POWER_W} named `'assumed-constant'`, the default carbon intensity and PUE,
 * and the system clock. A convenience for scripts; services should create their own `EnergyMonitor`.
 */
export function defaultEnergyMonitor(): EnergyMonitor {
  defaultMonitor ??= new EnergyMonitor({
    powerSource: constantPower(DEFAULT_ASSUMED_POWER_W, { name: 'assumed-constant' }),
  });
  return defaultMonitor;
}

/**
 * Replaces the monitor used by the module-level functions, for example with one that measures.
 *
 * @param monitor - the monitor to use from now on
 * @throws TypeError when `monitor` is not an `EnergyMonitor`
 */
export function setDefaultEnergyMonitor(monitor: EnergyMonitor): void {
  if (!(monitor instanceof EnergyMonitor))
    throw new TypeError('setDefaultEnergyMonitor: `monitor` must be an EnergyMonitor.');
  defaultMonitor = monitor;
}

/**
 * Runs `fn` as one request on the {@link defaultEnergyMonitor} and returns its result with its energy
 * (a promise of both when `fn` returns a promise). Errors of `fn` propagate; its energy is still recorded.
 *
 * @param fn - the work to measure
 * @returns `{ result, energy }`, or a promise of it
 * @throws TypeError when `fn` is not a function; otherwise whatever `fn` throws
 *
 * @example
 * ```ts
 * const { result, energy } = await trackRequestEnergy(() => embed(text));
 * console.log(`${energy.energyWh} Wh, ${energy.emissionsG} g CO2e`);
 * ```
 */
export function trackRequestEnergy<T>(fn: () => Promise<T>): Promise<TrackedRequestEnergy<T>>;
export function trackRequestEnergy<T>(fn: () => T): TrackedRequestEnergy<T>;
export function trackRequestEnergy<T>(
  fn: () => T | Promise<T>,
): TrackedRequestEnergy<T> | Promise<TrackedRequestEnergy<T>> {
  return defaultEnergyMonitor().trackRequestEnergy(fn as () => T);
}

/** Options of {@link generateSustainabilityReport}. */
export interface SustainabilityReportOptions {
  /**
   * The monitor to report on.
   * @defaultValue {@link defaultEnergyMonitor}()
   */
  readonly monitor?: EnergyMonitor;
  /** A `LowPowerMode` whose state and measured reduction to include. */
  readonly lowPowerMode?: LowPowerState;
}

/** The part of a `LowPowerMode` a report reads. */
export interface LowPowerState {
  /** Whether low-power mode is on. */
  readonly enabled: boolean;
  /** Why it last switched. */
  readonly reason: string | undefined;
  /** The profile in force. */
  readonly settings: PowerProfile;
  /** The measured power reduction. */
  measuredReduction(): MeasuredReduction;
}

/** The low-power part of a {@link SustainabilityReport}. */
export interface LowPowerReport {
  /** Whether low-power mode is on. */
  readonly enabled: boolean;
  /** Why it last switched. */
  readonly reason: string | undefined;
  /** The profile in force. */
  readonly settings: PowerProfile;
  /** The measured power reduction. */
  readonly measuredReduction: MeasuredReduction;
}

/** What {@link generateSustainabilityReport} returns. */
export interface SustainabilityReport {
  /** When the report was made, as an ISO 8601 string from the monitor's clock. */
  readonly generatedAt: string;
  /** The monitor's figures (see {@link EnergyMetrics}); the power source, intensity and PUE are among them. */
  readonly energy: EnergyMetrics;
  /** The low-power mode's state, when one was given. */
  readonly lowPower: LowPowerReport | undefined;
}

/**
 * A report of energy, emissions and attribution, for a JSON endpoint or a log line.
 *
 * @param options - which monitor (default: {@link defaultEnergyMonitor}) and low-power mode to report on
 * @returns the report; reading it takes one reading of the power source
 *
 * @example
 * ```ts
 * const report = generateSustainabilityReport({ monitor, lowPowerMode });
 * console.log(report.energy.energyPerRequestWh, report.lowPower?.measuredReduction.targetMet);
 * ```
 */
export function generateSustainabilityReport(
  options: SustainabilityReportOptions = {},
): SustainabilityReport {
  const given = knownOptions('generateSustainabilityReport', options, ['monitor', 'lowPowerMode']);
  const monitor = given.monitor ?? defaultEnergyMonitor();
  const energy = monitor.metrics();
  const mode = given.lowPowerMode;
  const lowPower =
    mode === undefined
      ? undefined
      : {
          enabled: mode.enabled,
          reason: mode.reason,
          settings: mode.settings,
          measuredReduction: mode.measuredReduction(),
        };
  return {
    generatedAt: new Date(
      clockReading('generateSustainabilityReport', monitor.clock.nowMs()),
    ).toISOString(),
    energy,
    lowPower,
  };
}
