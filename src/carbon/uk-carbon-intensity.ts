import { nonEmptyString } from '../core/validate.js';
import { knownOptions } from '../energy/options.js';
import {
  baseUrlOption,
  cachedProvider,
  numberAt,
  PROVIDER_OPTION_KEYS,
  type LiveCarbonIntensityProvider,
  type ProviderOptions,
} from './cached-provider.js';

/** Options of {@link ukCarbonIntensity}. */
export interface UkCarbonIntensityOptions extends ProviderOptions {
  /** The API's address. @defaultValue `'https://api.carbonintensity.org.uk'` */
  readonly baseUrl?: string;
  /** A UK postcode or its outward code (`'RG10'`) for the regional figure. @defaultValue the national figure */
  readonly postcode?: string;
}

const OWNER = 'ukCarbonIntensity';
/** The UK API publishes one figure per half hour. */
const DEFAULT_TTL_MS = 15 * 60_000;

/**
 * The carbon intensity of Great Britain's grid from the UK Carbon Intensity API (National Grid ESO;
 * no key needed): `GET /intensity`, using `actual` when published, else `forecast`; or, with
 * `postcode`, the regional forecast from `GET /regional/postcode/{outcode}`. Answers are cached for
 * `ttlMs` (15 min by default), each request is bounded by `timeoutMs`, and on failure the last
 * figure (or `fallbackGPerKWh`) is served: the promise always resolves to a finite number >= 0.
 *
 * @param options - see {@link UkCarbonIntensityOptions}
 * @returns the provider, for `EnergyMonitor`'s `carbonIntensityGPerKWh` or `LowPowerMode`'s `auto`
 * @throws TypeError or RangeError when an option is invalid
 *
 * @example
 * ```ts
 * import { ukCarbonIntensity } from 'greenslo/carbon';
 * const monitor = new EnergyMonitor({ powerSource, carbonIntensityGPerKWh: ukCarbonIntensity({ postcode: 'RG10' }) });
 * ```
 */
export function ukCarbonIntensity(
  options: UkCarbonIntensityOptions = {},
): LiveCarbonIntensityProvider {
  const given = knownOptions(OWNER, options, ['baseUrl', 'postcode', ...PROVIDER_OPTION_KEYS]);
  const baseUrl = baseUrlOption(OWNER, given.baseUrl, 'https://api.carbonintensity.org.uk');
  const outcode =
    given.postcode === undefined
      ? undefined
      : nonEmptyString(OWNER, 'postcode', given.postcode.trim()).split(/\s+/)[0]!.toUpperCase();
  return cachedProvider(
    {
      owner: OWNER,
      name: outcode === undefined ? 'uk-carbon-intensity' : `uk-carbon-intensity:${outcode}`,
      defaultTtlMs: DEFAULT_TTL_MS,
      fetchIntensity: async (get) => {
        if (outcode !== undefined)
          return numberAt(
            OWNER,
            await get(`${baseUrl}/regional/postcode/${encodeURIComponent(outcode)}`, {}),
            ['data', 0, 'data', 0, 'intensity', 'forecast'],
          );
        const json = await get(`${baseUrl}/intensity`, {});
        const actual = (json as { data?: { intensity?: { actual?: unknown } }[] } | null)?.data?.[0]
          ?.intensity?.actual;
        return numberAt(OWNER, json, [
          'data',
          0,
          'intensity',
          typeof actual === 'number' ? 'actual' : 'forecast',
        ]);
      },
    },
    given,
  );
}
