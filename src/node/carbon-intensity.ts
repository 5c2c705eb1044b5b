import { GreensloError } from '../core/errors.js';
import { lookupCarbonIntensity, type AverageIntensityModule } from '../energy/index.js';
import { knownOptions } from '../energy/options.js';
import { errorCode } from './sysfs.js';

/** Options of {@link carbonIntensityForCountry}. */
export interface CarbonIntensityOptions {
  /**
   * Loads the `@tgwf/co2` module (tests pass their own).
   * @defaultValue a dynamic `import('@tgwf/co2')`
   */
  readonly load?: () => Promise<unknown>;
}

// Kept in a variable so that bundlers leave the optional peer out of the package.
const CO2_PACKAGE = '@tgwf/co2';

function loadCo2(): Promise<unknown> {
  return import(CO2_PACKAGE);
}

/**
 * A country's average grid carbon intensity in gCO2e/kWh, from the Ember data in the optional peer
 * `@tgwf/co2` (CO2.js), which it imports on first use. greenslo copies none of that data: install the
 * peer (`npm install @tgwf/co2`) to use this function.
 *
 * @param isoCode - ISO 3166-1 alpha-3 country code such as `'DEU'` (any case), or a region key of the
 *   data such as `'WORLD'`
 * @param options - see {@link CarbonIntensityOptions}
 * @returns a promise of the intensity; it rejects with a `GreensloError` (`'peer_missing'`) when
 *   `@tgwf/co2` is not installed, and with the errors of `lookupCarbonIntensity` (a `RangeError` for
 *   an unknown code)
 *
 * @example
 * ```ts
 * import { carbonIntensityForCountry } from 'greenslo/node';
 * const monitor = new EnergyMonitor({ powerSource, carbonIntensityGPerKWh: await carbonIntensityForCountry('FRA') });
 * ```
 */
export async function carbonIntensityForCountry(
  isoCode: string,
  options: CarbonIntensityOptions = {},
): Promise<number> {
  const { load } = knownOptions('carbonIntensityForCountry', options, ['load']);
  let co2: unknown;
  try {
    co2 = await (load ?? loadCo2)();
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new GreensloError(
        'peer_missing',
        `carbonIntensityForCountry needs the optional peer ${CO2_PACKAGE}: npm install ${CO2_PACKAGE}`,
        { cause: error },
      );
    }
    throw error;
  }
  return lookupCarbonIntensity(isoCode, co2 as AverageIntensityModule);
}
