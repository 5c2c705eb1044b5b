/**
 * The part every live carbon intensity provider shares: a cache with a lifetime, a timeout on each
 * request, a fallback figure and error reporting, so that `intensityGPerKWh()` always settles to a
 * finite number >= 0 and never hammers a failing API.
 *
 * Internal module: its names are not part of the public API unless an entry exports them.
 */
import { GreensloError } from '../core/errors.js';
import {
  describeValue,
  nonEmptyString,
  nonNegativeNumber,
  optionalFunction,
  positiveNumber,
} from '../core/validate.js';
import type { CarbonIntensityProvider } from '../energy/intensity-feed.js';
import { DEFAULT_CARBON_INTENSITY_G_PER_KWH } from '../energy/carbon.js';

/** The `fetch` function a provider calls (the global one by default). */
export type FetchFunction = (
  url: string,
  init: { headers: Record<string, string>; signal: AbortSignal },
) => Promise<FetchResponse>;

/** The part of a `Response` a provider reads. */
export interface FetchResponse {
  /** Whether the status is 2xx. */
  readonly ok: boolean;
  /** The HTTP status code. */
  readonly status: number;
  /** Reads the body as text. */
  text(): Promise<string>;
}

/** Options every provider of `greenslo/carbon` takes. */
export interface ProviderOptions {
  /** How long an answer is used before the API is asked again, in ms. @defaultValue per provider */
  readonly ttlMs?: number;
  /** How long one request may take before it is abandoned, in ms. @defaultValue `5000` */
  readonly timeoutMs?: number;
  /**
   * The figure used while no answer has ever arrived (after a failure, the last answer is kept
   * instead), in gCO2e/kWh.
   * @defaultValue `475`
   */
  readonly fallbackGPerKWh?: number;
  /**
   * How long to wait after a failure before asking again, in ms.
   * @defaultValue the smaller of `ttlMs` and 60 000
   */
  readonly retryAfterErrorMs?: number;
  /** Told of each failure (HTTP error, timeout, malformed body). @defaultValue one `console.warn` per provider */
  readonly onError?: (error: GreensloError) => void;
  /** The `fetch` to use. @defaultValue `globalThis.fetch` */
  readonly fetch?: FetchFunction;
}

/** The option keys of {@link ProviderOptions}. */
export const PROVIDER_OPTION_KEYS = [
  'ttlMs',
  'timeoutMs',
  'fallbackGPerKWh',
  'retryAfterErrorMs',
  'onError',
  'fetch',
] as const;

/** A provider of `greenslo/carbon`: a {@link CarbonIntensityProvider} that also tells how it fares. */
export interface LiveCarbonIntensityProvider extends CarbonIntensityProvider {
  readonly fallbackGPerKWh: number;
  /** The latest figure served, in gCO2e/kWh (the fallback until the first answer). */
  readonly latestGPerKWh: number;
  /** When the latest answer from the API arrived (caller's clock, epoch ms); undefined before the first. */
  readonly updatedAtMs: number | undefined;
  /** The latest failure, cleared by the next answer. */
  readonly lastError: GreensloError | undefined;
}

/** What a provider does to get one figure: one or more requests through `get`. */
export type FetchIntensity = (
  get: (url: string, headers: Record<string, string>) => Promise<unknown>,
  nowMs: number,
) => Promise<number>;

export interface ProviderSpec {
  readonly owner: string;
  readonly name: string;
  readonly defaultTtlMs: number;
  readonly fetchIntensity: FetchIntensity;
}

/** Builds a provider around `spec.fetchIntensity` with the shared cache, timeout and fallback. */
export function cachedProvider(
  spec: ProviderSpec,
  options: ProviderOptions,
): LiveCarbonIntensityProvider {
  const { owner } = spec;
  const ttlMs = nonNegativeNumber(owner, 'ttlMs', options.ttlMs ?? spec.defaultTtlMs);
  const timeoutMs = positiveNumber(owner, 'timeoutMs', options.timeoutMs ?? 5000);
  const fallback = nonNegativeNumber(
    owner,
    'fallbackGPerKWh',
    options.fallbackGPerKWh ?? DEFAULT_CARBON_INTENSITY_G_PER_KWH,
  );
  const retryMs = nonNegativeNumber(
    owner,
    'retryAfterErrorMs',
    options.retryAfterErrorMs ?? Math.min(ttlMs, 60_000),
  );
  const global = globalThis as { fetch?: FetchFunction };
  // Called through the global object: some runtimes refuse a detached `fetch` ("Illegal invocation").
  const globalFetch: FetchFunction | undefined =
    typeof global.fetch === 'function' ? (url, init) => global.fetch!(url, init) : undefined;
  const fetchFn = optionalFunction(owner, 'fetch', options.fetch) ?? globalFetch;
  if (fetchFn === undefined)
    throw new TypeError(`${owner}: this runtime has no global fetch; pass \`fetch\`.`);
  let warned = false;
  const onError =
    optionalFunction(owner, 'onError', options.onError) ??
    ((error: GreensloError) =>
      warned ? undefined : ((warned = true), console.warn(error.message)));
  const get = (url: string, headers: Record<string, string>) =>
    getJson(owner, fetchFn, url, headers, timeoutMs);
  return new CachedProvider(
    nonEmptyString(owner, 'name', spec.name),
    fallback,
    ttlMs,
    retryMs,
    (nowMs) => spec.fetchIntensity(get, nowMs),
    onError,
  );
}

class CachedProvider implements LiveCarbonIntensityProvider {
  latestGPerKWh: number;
  updatedAtMs: number | undefined;
  lastError: GreensloError | undefined;
  #expiresAtMs = Number.NEGATIVE_INFINITY;
  #pending: Promise<number> | undefined;

  constructor(
    readonly name: string,
    readonly fallbackGPerKWh: number,
    private readonly ttlMs: number,
    private readonly retryMs: number,
    private readonly fetchOnce: (nowMs: number) => Promise<number>,
    private readonly onError: (error: GreensloError) => void,
  ) {
    this.latestGPerKWh = fallbackGPerKWh;
  }

  intensityGPerKWh(nowMs: number): Promise<number> {
    if (typeof nowMs !== 'number' || !(nowMs >= 0 && nowMs <= 8.64e15)) {
      return Promise.reject(
        new RangeError(
          `${this.name}: \`nowMs\` must be a finite number from 0 to 8.64e15, got ${describeValue(nowMs)}.`,
        ),
      );
    }
    if (nowMs < this.#expiresAtMs) return Promise.resolve(this.latestGPerKWh);
    this.#pending ??= this.#refresh(nowMs).finally(() => (this.#pending = undefined));
    return this.#pending;
  }

  async #refresh(nowMs: number): Promise<number> {
    try {
      const value = await this.fetchOnce(nowMs);
      if (!Number.isFinite(value) || value < 0)
        throw new GreensloError(
          'invalid_intensity_data',
          `${this.name}: the API answered ${describeValue(value)}, not a finite number >= 0.`,
        );
      this.latestGPerKWh = value;
      this.updatedAtMs = nowMs;
      this.lastError = undefined;
      this.#expiresAtMs = nowMs + this.ttlMs;
    } catch (error) {
      const failure =
        error instanceof GreensloError
          ? error
          : new GreensloError(
              'carbon_intensity_failed',
              `${this.name}: ${error instanceof Error ? error.message : String(error)}`,
              { cause: error },
            );
      this.lastError = failure;
      this.#expiresAtMs = nowMs + this.retryMs;
      try {
        this.onError(failure);
      } catch {
        // The caller's error handler failing must not turn a figure into a rejection.
      }
    }
    return this.latestGPerKWh;
  }
}

/** GETs `url` and parses its JSON body, within `timeoutMs`; any failure is a `GreensloError`. */
async function getJson(
  owner: string,
  fetchFn: FetchFunction,
  url: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<unknown> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const where = url.replace(/\?.*$/, '');
  try {
    const response = await fetchFn(url, {
      headers: { accept: 'application/json', ...headers },
      signal: controller.signal,
    });
    const body = await response.text();
    if (!response.ok)
      throw new GreensloError(
        'carbon_intensity_http_error',
        `${owner}: ${where} answered HTTP ${response.status}: ${body.slice(0, 200)}`,
        { cause: { status: response.status } },
      );
    try {
      return JSON.parse(body) as unknown;
    } catch (error) {
      throw new GreensloError(
        'invalid_intensity_data',
        `${owner}: ${where} answered a body that is not JSON: ${body.slice(0, 100)}`,
        { cause: error },
      );
    }
  } catch (error) {
    if (error instanceof GreensloError) throw error;
    if (controller.signal.aborted)
      throw new GreensloError(
        'carbon_intensity_timeout',
        `${owner}: ${where} did not answer within ${timeoutMs} ms.`,
        { cause: error },
      );
    throw new GreensloError(
      'carbon_intensity_failed',
      `${owner}: ${where} could not be reached: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  } finally {
    clearTimeout(timer);
  }
}

/** Reads a number at a path of a JSON value; a `GreensloError` naming the path when it is not one. */
export function numberAt(owner: string, json: unknown, path: readonly (string | number)[]): number {
  let value: unknown = json;
  for (const key of path)
    value =
      typeof value === 'object' && value !== null
        ? (value as Record<string | number, unknown>)[key]
        : undefined;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  throw new GreensloError(
    'invalid_intensity_data',
    `${owner}: expected a number >= 0 at ${path.join('.')} of the answer, got ${describeValue(value)}.`,
  );
}

/** The HTTP status of a `carbon_intensity_http_error`, else undefined. */
export function httpStatus(error: unknown): number | undefined {
  const cause =
    error instanceof GreensloError ? (error.cause as { status?: unknown } | undefined) : undefined;
  return typeof cause?.status === 'number' ? cause.status : undefined;
}

/** `baseUrl` without a trailing slash, checked to be an http(s) URL. */
export function baseUrlOption(owner: string, value: string | undefined, fallback: string): string {
  const url = nonEmptyString(owner, 'baseUrl', value ?? fallback);
  if (!/^https?:\/\//.test(url))
    throw new TypeError(
      `${owner}: \`baseUrl\` must start with http:// or https://, got ${describeValue(url)}.`,
    );
  return url.replace(/\/+$/, '');
}
