export {
  constantPower,
  powerFromWatts,
  type ConstantPowerOptions,
  type PowerFromWattsOptions,
  type PowerSource,
  type PowerSourcePart,
} from './power-source.js';
export {
  DEFAULT_CARBON_INTENSITY_G_PER_KWH,
  DEFAULT_PUE,
  emissionsGrams,
  lookupCarbonIntensity,
  type AverageIntensityModule,
  type AverageIntensityTable,
} from './carbon.js';
export { isCarbonIntensityProvider, type CarbonIntensityProvider } from './intensity-feed.js';
export {
  DEFAULT_CARBON_INTENSITY_REFRESH_MS,
  DEFAULT_POWER_WINDOW_MS,
  DEFAULT_SAMPLE_INTERVAL_MS,
  DEFAULT_WARNING_HYSTERESIS_RATIO,
  EnergyMonitor,
  POWER_HISTORY_SIZE,
  type EnergyMonitorOptions,
} from './energy-monitor.js';
export { RequestEnergyHandle } from './request-energy-handle.js';
export type {
  CarbonFigures,
  EnergyFault,
  EnergyFaultCode,
  EnergyMetrics,
  EnergyWarning,
  PowerWindow,
  RequestEnergy,
  TrackedRequestEnergy,
  TrackingSummary,
} from './types.js';
export {
  DEFAULT_LOW_POWER_PROFILE,
  DEFAULT_NORMAL_PROFILE,
  PRECISIONS,
  type PowerProfile,
  type PowerProfileInput,
  type Precision,
  type ProfileSettings,
} from './power-profiles.js';
export {
  DEFAULT_AUTO_HYSTERESIS_RATIO,
  DEFAULT_MIN_DWELL_MS,
  DEFAULT_MIN_MEASUREMENT_MS,
  DEFAULT_TARGET_REDUCTION,
  LowPowerMode,
  type LowPowerAutoOptions,
  type LowPowerChange,
  type LowPowerModeOptions,
  type LowPowerSignals,
  type MeasuredReduction,
} from './low-power-mode.js';
export {
  DEFAULT_ASSUMED_POWER_W,
  defaultEnergyMonitor,
  generateSustainabilityReport,
  setDefaultEnergyMonitor,
  trackRequestEnergy,
  type LowPowerReport,
  type LowPowerState,
  type SustainabilityReport,
  type SustainabilityReportOptions,
} from './default-monitor.js';
