/**
 * The families written from an `EnergyMonitor` (energy and CO2 counters, power, requests tracked, the
 * power source) and a `LowPowerMode` (its state and the reduction it achieves).
 *
 * Internal module: its names are not part of the public API unless an entry exports them.
 */
import type { EnergyMonitor } from '../energy/energy-monitor.js';
import type { EnergyMetrics } from '../energy/types.js';
import type { LowPowerMode } from '../energy/low-power-mode.js';
import { addSample, family, flag, type MetricFamily } from './metric-family.js';
import type { MetricNames } from './names.js';

const JOULES_PER_WH = 3600;

/** What the exposition reads from an energy monitor. */
export type EnergySource = Pick<EnergyMonitor, 'metrics'>;

/** What the exposition reads from a low-power mode. */
export type LowPowerSource = Pick<
  LowPowerMode,
  'enabled' | 'targetReduction' | 'measuredReduction'
>;

/** The monitor's families; totals restart from zero with each tracking session, as counters may. */
export function energyFamilies(monitor: EnergySource, names: MetricNames): MetricFamily[] {
  const metrics = monitor.metrics();
  const energy = family(
    names.energyJoulesTotal,
    'counter',
    'Energy measured by the power source, in joules.',
  );
  const emissions = family(
    names.emissionsGramsTotal,
    'counter',
    'Emissions of the energy measured, in grams of CO2-equivalent (energy x PUE x carbon intensity).',
  );
  const unattributed = family(
    names.unattributedJoulesTotal,
    'counter',
    'Energy used while no request was in flight, in joules.',
  );
  const requests = family(
    names.energyRequestsTotal,
    'counter',
    'Requests whose energy was tracked to their end.',
  );
  const requestEnergy = family(
    names.requestEnergyJoulesTotal,
    'counter',
    'Energy attributed to the requests tracked, in joules.',
  );
  const requestEmissions = family(
    names.requestEmissionsGramsTotal,
    'counter',
    'Emissions of the energy attributed to the requests tracked, in grams of CO2-equivalent.',
  );
  const inFlight = family(names.requestsInFlight, 'gauge', 'Requests begun and not ended yet.');
  const power = family(
    names.powerWatts,
    'gauge',
    'Power of the latest completed power window (before the first, the average since the start), in watts.',
  );
  const threshold = family(
    names.powerThresholdWatts,
    'gauge',
    'Power above which the monitor warns, in watts.',
  );
  const over = family(
    names.overPowerThreshold,
    'gauge',
    'Whether the windowed power is over the threshold (1) or not (0).',
  );
  const faults = family(
    names.energyFaultsTotal,
    'counter',
    'Problems met with the power source or listeners, worked around.',
  );
  const info = family(
    names.energyInfo,
    'gauge',
    'The power source the energy figures come from, as a label; always 1.',
  );
  const carbon = carbonFamilies(metrics, names);
  addSample(energy, metrics.totalEnergyWh * JOULES_PER_WH);
  addSample(emissions, metrics.totalEmissionsG);
  addSample(unattributed, metrics.unattributedWh * JOULES_PER_WH);
  addSample(requests, metrics.requestsTracked);
  addSample(requestEnergy, metrics.requestsEnergyWh * JOULES_PER_WH);
  addSample(requestEmissions, metrics.emissionsPerRequestG * metrics.requestsTracked);
  addSample(inFlight, metrics.requestsInFlight);
  addSample(power, metrics.recentPowerW ?? metrics.averagePowerW);
  if (metrics.powerThresholdW !== undefined) {
    addSample(threshold, metrics.powerThresholdW);
    addSample(over, flag(metrics.overThreshold));
  }
  addSample(faults, metrics.faults);
  addSample(info, 1, { power_source: metrics.powerSource });
  return [
    energy,
    emissions,
    unattributed,
    requests,
    requestEnergy,
    requestEmissions,
    inFlight,
    power,
    threshold,
    over,
    faults,
    info,
    ...carbon,
  ];
}

/** Power per part of the source (GPUs among them), the intensity in force and the Software Carbon Intensity. */
function carbonFamilies(metrics: EnergyMetrics, names: MetricNames): MetricFamily[] {
  const parts = family(
    names.powerSourceWatts,
    'gauge',
    'Latest power reported by each part of the power source that reports one (a GPU, the CPU model), in watts.',
  );
  const intensity = family(
    names.carbonIntensity,
    'gauge',
    'Grid carbon intensity in force, in grams of CO2-equivalent per kilowatt-hour; `source` says where it comes from.',
  );
  const embodied = family(
    names.embodiedEmissionsGramsTotal,
    'counter',
    'Embodied emissions of the hardware counted for the time tracked, in grams of CO2-equivalent.',
  );
  const sci = family(
    names.sciGramsPerRequest,
    'gauge',
    'Software Carbon Intensity per request, (energy x intensity + embodied) / requests, in grams of CO2-equivalent.',
  );
  for (const part of metrics.powerSources)
    if (part.powerW !== undefined) addSample(parts, part.powerW, { source: part.name });
  addSample(intensity, metrics.carbonIntensityGPerKWh, { source: metrics.carbonIntensitySource });
  addSample(embodied, metrics.embodiedEmissionsG);
  if (metrics.requestsTracked > 0) addSample(sci, metrics.sciGPerRequest);
  return [parts, intensity, embodied, sci];
}

/** The low-power mode's families: its state, its target and (once measured) its reduction. */
export function lowPowerFamilies(mode: LowPowerSource, names: MetricNames): MetricFamily[] {
  const enabled = family(
    names.lowPowerEnabled,
    'gauge',
    'Whether low-power mode is on (1) or off (0).',
  );
  const target = family(
    names.lowPowerTargetReductionRatio,
    'gauge',
    'Share of average power low-power mode should save.',
  );
  const reduction = family(
    names.lowPowerReductionRatio,
    'gauge',
    'Share of average power low-power mode saved, as measured (1 - low-power W / normal W).',
  );
  addSample(enabled, flag(mode.enabled));
  addSample(target, mode.targetReduction);
  const measured = mode.measuredReduction().reduction;
  if (measured !== undefined) addSample(reduction, measured);
  return [enabled, target, reduction];
}
