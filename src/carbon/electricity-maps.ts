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

/** Options of {@link electricityMaps}. */
export interface ElectricityMapsOptions extends ProviderOptions {
  /** The zone, such as `'DE'`, `'FR'` or `'US-CAL-CISO'`. */
  readonly zone: string;
  /** The API token, sent in the `auth-token` header. */
  readonly token: string;
  /** The API's address. @defaultValue `'https://api.electricitymap.org'` */
  readonly baseUrl?: string;
}

const OWNER = 'electricityMaps';
const DEFAULT_TTL_MS = 10 * 60_000;

/**
 * The latest carbon intensity of a zone from Electricity Maps:
 * `GET /v3/carbon-intensity/latest?zone=...` with the `auth-token` header, reading `carbonIntensity`
 * (gCO2e/kWh, life-cycle by default). Answers are cached for `ttlMs` (10 min by default), each
 * request is bounded by `timeoutMs`, and on failure the last figure (or `fallbackGPerKWh`) is served:
 * the promise always resolves to a finite number >= 0.
 *
 * @param options - see {@link ElectricityMapsOptions}
 * @returns the provider
 * @throws TypeError or RangeError when an option is invalid or `zone` or `token` is missing
 *
 * @example
 * ```ts
 * import { electricityMaps } from 'greenslo/carbon';
 * const intensity = electricityMaps({ zone: 'DE', token: process.env.ELECTRICITY_MAPS_TOKEN! });
 * const monitor = new EnergyMonitor({ powerSource, carbonIntensityGPerKWh: intensity });
 * ```
 */
export function electricityMaps(options: ElectricityMapsOptions): LiveCarbonIntensityProvider {
  const given = knownOptions(OWNER, options, ['zone', 'token', 'baseUrl', ...PROVIDER_OPTION_KEYS]);
  const zone = nonEmptyString(OWNER, 'zone', given.zone);
  const token = nonEmptyString(OWNER, 'token', given.token);
  const baseUrl = baseUrlOption(OWNER, given.baseUrl, 'https://api.electricitymap.org');
  return cachedProvider(
    {
      owner: OWNER,
      name: `electricity-maps:${zone}`,
      defaultTtlMs: DEFAULT_TTL_MS,
      fetchIntensity: async (get) =>
        numberAt(
          OWNER,
          await get(`${baseUrl}/v3/carbon-intensity/latest?zone=${encodeURIComponent(zone)}`, {
            'auth-token': token,
          }),
          ['carbonIntensity'],
        ),
    },
    given,
  );
}
