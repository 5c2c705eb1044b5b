/**
 * Node.js-only power sources: RAPL energy counters, a CPU model on `process.cpuUsage()`, NVIDIA GPUs
 * through `nvidia-smi`, their sum, an automatic choice among them, and the country carbon intensity
 * of the optional peer `@tgwf/co2`.
 *
 * @packageDocumentation
 * @module greenslo/node
 */
export {
  autoPowerSource,
  type AutoPowerSource,
  type AutoPowerSourceOptions,
  type PowerSourceChoice,
} from './auto-power-source.js';
export { carbonIntensityForCountry, type CarbonIntensityOptions } from './carbon-intensity.js';
export {
  cpuPowerSource,
  DEFAULT_CPU_SAMPLE_INTERVAL_MS,
  DEFAULT_IDLE_W,
  DEFAULT_WATTS_PER_CORE,
  type CpuPowerSource,
  type CpuPowerSourceOptions,
  type CpuUsage,
} from './cpu-power-source.js';
export {
  DEFAULT_POWERCAP_ROOT,
  probeRapl,
  raplPowerSource,
  type RaplAvailable,
  type RaplOptions,
  type RaplPowerSource,
  type RaplProbe,
  type RaplUnavailable,
} from './rapl-power-source.js';
export type { RaplUnavailableCode, RaplZone, RaplZoneKind } from './rapl-zones.js';
export { nodeSysfsReader, type SysfsReader } from './sysfs.js';
export {
  DEFAULT_GPU_INTERVAL_MS,
  nvidiaGpuPowerSource,
  probeNvidiaGpus,
  startGpuSource,
  type GpuEnergyMethod,
  type GpuInfo,
  type GpuProbe,
  type NvidiaGpuOptions,
  type NvidiaGpuPowerSource,
} from './nvidia-gpu-power-source.js';
export { sumPowerSources, type SummedPowerSource } from './sum-power-sources.js';
