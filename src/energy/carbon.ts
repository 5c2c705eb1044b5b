import { GreensloError } from '../core/errors.js';
import { describeValue } from '../core/validate.js';

/**
 * Default grid carbon intensity in grams of CO2-equivalent per kilowatt-hour: CodeCarbon's global
 * default (Ember's 2024 world average is 472.94).
 *
 * @defaultValue `475`
 */
export const DEFAULT_CARBON_INTENSITY_G_PER_KWH = 475;

/**
 * Default power usage effectiveness (facility energy / IT energy): 1 counts only the machine's own
 * energy, as CodeCarbon does by default.
 *
 * @defaultValue `1`
 */
export const DEFAULT_PUE = 1;

/**
 * The part of the optional peer `@tgwf/co2` (CO2.js) that {@link lookupCarbonIntensity} reads: its
 * `averageIntensity` export, whose `data` maps ISO 3166-1 alpha-3 country codes (and a few region
 * names such as `WORLD`) to annual average grid intensities in gCO2e/kWh from Ember.
 */
export interface AverageIntensityModule {
  /** The `averageIntensity` export of `@tgwf/co2`. */
  readonly averageIntensity: AverageIntensityTable;
}

/** The `averageIntensity` export of `@tgwf/co2`. */
export interface AverageIntensityTable {
  /** Intensities in gCO2e/kWh keyed by ISO 3166-1 alpha-3 code or region name. */
  readonly data: Readonly<Record<string, unknown>>;
}

/**
 * Grams of CO2-equivalent for an amount of energy: `energyWh x pue x carbonIntensityGPerKWh / 1000`.
 *
 * @param energyWh - energy used by the machine, in watt-hours
 * @param carbonIntensityGPerKWh - grid intensity in gCO2e per kilowatt-hour
 * @param pue - power usage effectiveness of the facility (>= 1)
 * @returns emissions in grams of CO2-equivalent
 */
export function emissionsGrams(
  energyWh: number,
  carbonIntensityGPerKWh: number,
  pue: number,
): number {
  return (energyWh * pue * carbonIntensityGPerKWh) / 1000;
}

/**
 * Looks up a country's average grid carbon intensity in the data of `@tgwf/co2`, which the caller
 * imports and passes in: the core never imports it, so it stays an optional peer that runs in any
 * runtime. On Node.js, `carbonIntensityForCountry` in `greenslo/node` does the import for you.
 *
 * @param isoCode - ISO 3166-1 alpha-3 country code such as `'DEU'` (any case), or a region key of
 *   the data such as `'WORLD'`
 * @param co2 - the `@tgwf/co2` module, or any object with its `averageIntensity.data` shape
 * @returns the intensity in gCO2e/kWh
 * @throws TypeError when `isoCode` is not a string or `co2` lacks `averageIntensity.data`
 * @throws RangeError when the code is not in the data (two-letter codes are not accepted)
 * @throws GreensloError with code `'invalid_intensity_data'` when the data holds a value that is not
 *   a finite number >= 0
 *
 * @example
 * ```ts
 * import { averageIntensity } from '@tgwf/co2';
 * const intensity = lookupCarbonIntensity('FRA', { averageIntensity });
 * const monitor = new EnergyMonitor({ powerSource, carbonIntensityGPerKWh: intensity });
 * ```
 */
export function lookupCarbonIntensity(isoCode: string, co2: AverageIntensityModule): number {
  if (typeof isoCode !== 'string')
    throw new TypeError(
      `lookupCarbonIntensity: \`isoCode\` must be a string, got ${describeValue(isoCode)}.`,
    );
  const data = (co2 as Partial<AverageIntensityModule> | undefined)?.averageIntensity?.data;
  if (typeof data !== 'object' || data === null) {
    throw new TypeError(
      'lookupCarbonIntensity: `co2` must be the @tgwf/co2 module (an object with `averageIntensity.data`).',
    );
  }
  const key = isoCode.trim().toUpperCase();
  const value = Object.hasOwn(data, key) ? data[key] : undefined;
  if (value === undefined) {
    throw new RangeError(
      `lookupCarbonIntensity: \`isoCode\` must be an ISO 3166-1 alpha-3 code present in @tgwf/co2's average intensity data (such as 'DEU'), got ${describeValue(isoCode)}.`,
    );
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new GreensloError(
      'invalid_intensity_data',
      `lookupCarbonIntensity: the intensity for ${key} is ${describeValue(value)}, not a finite number >= 0.`,
    );
  }
  return value;
}
