/**
 * Live grid carbon intensity for an `EnergyMonitor` or a `LowPowerMode`: Electricity Maps, WattTime
 * and the UK Carbon Intensity API, each with a cache, a timeout and a fallback figure. Uses the
 * global `fetch` only, so it runs on Node.js, Deno, Bun and Workers.
 *
 * @packageDocumentation
 * @module greenslo/carbon
 */
export type { CarbonIntensityProvider } from '../energy/intensity-feed.js';
export type {
  FetchFunction,
  FetchResponse,
  LiveCarbonIntensityProvider,
  ProviderOptions,
} from './cached-provider.js';
export { electricityMaps, type ElectricityMapsOptions } from './electricity-maps.js';
export { ukCarbonIntensity, type UkCarbonIntensityOptions } from './uk-carbon-intensity.js';
export { GRAMS_PER_POUND, wattTime, type WattTimeOptions } from './watttime.js';
