/**
 * Reads an {@link EnergyMonitor} and a low-power mode into the status page's energy figures.
 *
 * Internal module: its names are not part of the public API unless an entry exports them.
 */
import type { EnergyMonitor } from '../energy/energy-monitor.js';
import type { MeasuredReduction } from '../energy/low-power-mode.js';
import type { EnergyStatus, LowPowerStatus } from './types.js';

/** What the status page reads from a low-power mode (any `LowPowerMode`, whatever its profile fields). */
export interface StatusLowPowerSource {
  /** Whether low-power mode is on. */
  readonly enabled: boolean;
  /** Why it last switched, if known. */
  readonly reason: string | undefined;
  /** The measured saving of average power. */
  measuredReduction(): MeasuredReduction;
}

/** The monitor's figures now (reading the power source while tracking) and its power history. */
export function energyStatus(energy: EnergyMonitor): EnergyStatus {
  const metrics = energy.metrics();
  return {
    powerSource: metrics.powerSource,
    tracking: metrics.tracking,
    durationMs: metrics.durationMs,
    averagePowerW: metrics.averagePowerW,
    recentPowerW: metrics.recentPowerW ?? null,
    totalEnergyWh: metrics.totalEnergyWh,
    totalEmissionsG: metrics.totalEmissionsG,
    requestsTracked: metrics.requestsTracked,
    energyPerRequestWh: metrics.energyPerRequestWh,
    emissionsPerRequestG: metrics.emissionsPerRequestG,
    requestsPerWh: metrics.requestsPerWh,
    carbonIntensityGPerKWh: metrics.carbonIntensityGPerKWh,
    carbonIntensitySource: metrics.carbonIntensitySource,
    sciGPerRequest: metrics.sciGPerRequest,
    embodiedGPerHour: metrics.embodiedGPerHour,
    powerByPartW: metrics.powerSources.flatMap(({ name, powerW }) =>
      powerW === undefined ? [] : [{ name, powerW }],
    ),
    powerThresholdW: metrics.powerThresholdW ?? null,
    verdict:
      metrics.powerThresholdW === undefined ? 'unjudged' : metrics.overThreshold ? 'at-risk' : 'ok',
    powerHistory: energy
      .powerHistory()
      .map(({ endMs, durationMs, powerW }) => ({ endMs, durationMs, powerW })),
  };
}

/** The mode's state and its measured reduction, judged against its target. */
export function lowPowerStatus(lowPower: StatusLowPowerSource): LowPowerStatus {
  const measured = lowPower.measuredReduction();
  return {
    enabled: lowPower.enabled,
    reason: lowPower.reason ?? null,
    reductionRatio: measured.reduction ?? null,
    targetReductionRatio: measured.targetReduction,
    enoughData: measured.enoughData,
    enabledAveragePowerW: measured.enabledAveragePowerW ?? null,
    disabledAveragePowerW: measured.disabledAveragePowerW ?? null,
    verdict: measured.targetMet === undefined ? 'unjudged' : measured.targetMet ? 'ok' : 'at-risk',
  };
}
