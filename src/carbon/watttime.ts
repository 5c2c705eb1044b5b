import { GreensloError } from '../core/errors.js';
import { describeValue, nonEmptyString } from '../core/validate.js';
import { knownOptions } from '../energy/options.js';
import {
  baseUrlOption,
  cachedProvider,
  httpStatus,
  numberAt,
  PROVIDER_OPTION_KEYS,
  type LiveCarbonIntensityProvider,
  type ProviderOptions,
} from './cached-provider.js';

/** Options of {@link wattTime}. */
export interface WattTimeOptions extends ProviderOptions {
  /** The WattTime account's user name. */
  readonly username: string;
  /** The WattTime account's password. */
  readonly password: string;
  /** The grid region, such as `'CAISO_NORTH'`. */
  readonly region: string;
  /** The API's address. @defaultValue `'https://api.watttime.org'` */
  readonly baseUrl?: string;
}

/** Grams per pound: WattTime's `lbs_co2_per_mwh` x this = gCO2/kWh. */
export const GRAMS_PER_POUND = 453.592;

const OWNER = 'wattTime';
const DEFAULT_TTL_MS = 5 * 60_000;
/** WattTime's tokens last about 30 minutes; renew before. */
const TOKEN_LIFETIME_MS = 25 * 60_000;

function basicAuth(username: string, password: string): string {
  const bytes = new TextEncoder().encode(`${username}:${password}`);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
}

/**
 * The marginal operating emissions rate (`co2_moer`) of a grid region from WattTime v3: logs in with
 * HTTP basic auth at `GET /login` (the token is kept for 25 minutes and renewed on a 401), then reads
 * the current value of `GET /v3/forecast?region=...&signal_type=co2_moer&horizon_hours=0`, given in
 * lbs CO2/MWh and converted to g/kWh (x 0.453592). Answers are cached for `ttlMs` (5 min by
 * default, WattTime's update period), each request is bounded by `timeoutMs`, and on failure the last
 * figure (or `fallbackGPerKWh`) is served: the promise always resolves to a finite number >= 0.
 *
 * A marginal rate says what one more kWh emits now, which is what load shifting acts on; it differs
 * from the average intensity of Electricity Maps and the UK API.
 *
 * @param options - see {@link WattTimeOptions}
 * @returns the provider
 * @throws TypeError or RangeError when an option is invalid or `username`, `password` or `region` is missing
 *
 * @example
 * ```ts
 * import { wattTime } from 'greenslo/carbon';
 * const intensity = wattTime({ username, password, region: 'CAISO_NORTH' });
 * ```
 */
export function wattTime(options: WattTimeOptions): LiveCarbonIntensityProvider {
  const given = knownOptions(OWNER, options, [
    'username',
    'password',
    'region',
    'baseUrl',
    ...PROVIDER_OPTION_KEYS,
  ]);
  const authorization = basicAuth(
    nonEmptyString(OWNER, 'username', given.username),
    nonEmptyString(OWNER, 'password', given.password),
  );
  const region = nonEmptyString(OWNER, 'region', given.region);
  const baseUrl = baseUrlOption(OWNER, given.baseUrl, 'https://api.watttime.org');
  let token: { value: string; expiresAtMs: number } | undefined;
  const signalUrl = `${baseUrl}/v3/forecast?region=${encodeURIComponent(region)}&signal_type=co2_moer&horizon_hours=0`;
  return cachedProvider(
    {
      owner: OWNER,
      name: `watttime:${region}`,
      defaultTtlMs: DEFAULT_TTL_MS,
      fetchIntensity: async (get, nowMs) => {
        const login = async () => {
          const json = await get(`${baseUrl}/login`, { authorization });
          const value = (json as { token?: unknown } | null)?.token;
          if (typeof value !== 'string' || value === '')
            throw new GreensloError(
              'invalid_intensity_data',
              `${OWNER}: /login answered without a token.`,
            );
          token = { value, expiresAtMs: nowMs + TOKEN_LIFETIME_MS };
          return value;
        };
        const bearer =
          token !== undefined && nowMs < token.expiresAtMs ? token.value : await login();
        let json: unknown;
        try {
          json = await get(signalUrl, { authorization: `Bearer ${bearer}` });
        } catch (error) {
          if (httpStatus(error) !== 401) throw error;
          json = await get(signalUrl, { authorization: `Bearer ${await login()}` });
        }
        return poundsToGrams(json);
      },
    },
    given,
  );
}

function poundsToGrams(json: unknown): number {
  const units = (json as { meta?: { units?: unknown } } | null)?.meta?.units;
  if (units !== undefined && units !== 'lbs_co2_per_mwh')
    throw new GreensloError(
      'invalid_intensity_data',
      `${OWNER}: expected values in lbs_co2_per_mwh, got ${describeValue(units)}.`,
    );
  return (numberAt(OWNER, json, ['data', 0, 'value']) * GRAMS_PER_POUND) / 1000;
}
