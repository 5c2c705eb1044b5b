import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  electricityMaps,
  ukCarbonIntensity,
  wattTime,
  type LiveCarbonIntensityProvider,
} from '../../src/carbon/index.js';
import { isGreensloError, type GreensloError } from '../../src/core/errors.js';
import { startApiServer, type ApiServer } from './api-server.js';

let api: ApiServer;
let errors: GreensloError[];

beforeEach(async () => {
  api = await startApiServer();
  errors = [];
});
afterEach(async () => {
  await api.close();
});

const T0 = 1_765_000_000_000;
const onError = (error: GreensloError) => void errors.push(error);
const UK_NATIONAL = (actual: number | null, forecast: number) => ({
  data: [
    {
      from: '2026-12-07T13:00Z',
      to: '2026-12-07T13:30Z',
      intensity: { forecast, actual, index: 'moderate' },
    },
  ],
});
const EM_LATEST = (carbonIntensity: unknown) => ({
  zone: 'DE',
  carbonIntensity,
  datetime: '2026-12-07T13:00:00.000Z',
  updatedAt: '2026-12-07T12:51:02.000Z',
  emissionFactorType: 'lifecycle',
  isEstimated: true,
});
const WT_FORECAST = (value: number) => ({
  data: [{ point_time: '2026-12-07T13:05:00+00:00', value }],
  meta: { region: 'CAISO_NORTH', signal_type: 'co2_moer', units: 'lbs_co2_per_mwh' },
});

describe('ukCarbonIntensity', () => {
  it('reads the actual national intensity, else the forecast, and caches it for ttlMs', async () => {
    api.answer('/intensity', { body: UK_NATIONAL(263, 266) });
    const provider = ukCarbonIntensity({ baseUrl: api.baseUrl, ttlMs: 60_000, onError });
    expect(provider.name).toBe('uk-carbon-intensity');
    expect(await provider.intensityGPerKWh(T0)).toBe(263);
    api.answer('/intensity', { body: UK_NATIONAL(null, 266) });
    expect(await provider.intensityGPerKWh(T0 + 59_999)).toBe(263);
    expect(api.requests).toHaveLength(1);
    expect(await provider.intensityGPerKWh(T0 + 60_000)).toBe(266);
    expect(api.requests).toHaveLength(2);
    expect(provider.updatedAtMs).toBe(T0 + 60_000);
    expect(errors).toEqual([]);
  });

  it('reads the regional forecast for the outward code of a postcode', async () => {
    api.answer('/regional/postcode/RG10', {
      body: {
        data: [
          {
            regionid: 12,
            dnoregion: 'SSE South',
            shortname: 'South England',
            postcode: 'RG10',
            data: [
              {
                from: '2026-12-07T13:00Z',
                to: '2026-12-07T13:30Z',
                intensity: { forecast: 180, index: 'low' },
                generationmix: [{ fuel: 'wind', perc: 40 }],
              },
            ],
          },
        ],
      },
    });
    const provider = ukCarbonIntensity({
      baseUrl: `${api.baseUrl}/`,
      postcode: 'rg10 8ab',
      onError,
    });
    expect(provider.name).toBe('uk-carbon-intensity:RG10');
    expect(await provider.intensityGPerKWh(T0)).toBe(180);
    expect(api.requests[0]!.path).toBe('/regional/postcode/RG10');
  });
});

describe('electricityMaps', () => {
  it('sends the token in auth-token and reads carbonIntensity', async () => {
    api.answer('/v3/carbon-intensity/latest', { body: EM_LATEST(302) });
    const provider = electricityMaps({
      zone: 'DE',
      token: 'secret',
      baseUrl: api.baseUrl,
      onError,
    });
    expect(provider.name).toBe('electricity-maps:DE');
    expect(await provider.intensityGPerKWh(T0)).toBe(302);
    expect(api.requests[0]!.path).toBe('/v3/carbon-intensity/latest?zone=DE');
    expect(api.requests[0]!.headers['auth-token']).toBe('secret');
  });

  it('serves the fallback on an HTTP error, reports it, and waits retryAfterErrorMs before asking again', async () => {
    api.answer('/v3/carbon-intensity/latest', { status: 401, body: { message: 'Unauthorized' } });
    const provider = electricityMaps({
      zone: 'DE',
      token: 'wrong',
      baseUrl: api.baseUrl,
      fallbackGPerKWh: 400,
      retryAfterErrorMs: 30_000,
      onError,
    });
    expect(await provider.intensityGPerKWh(T0)).toBe(400);
    expect(errors.map((error) => error.code)).toEqual(['carbon_intensity_http_error']);
    expect(errors[0]!.message).toMatch(/answered HTTP 401: \{"message":"Unauthorized"\}/);
    expect(await provider.intensityGPerKWh(T0 + 29_999)).toBe(400);
    expect(api.requests).toHaveLength(1);
    api.answer('/v3/carbon-intensity/latest', { body: EM_LATEST(120) });
    expect(await provider.intensityGPerKWh(T0 + 30_000)).toBe(120);
    expect(provider.lastError).toBeUndefined();
  });

  it('keeps the last good figure when a later body is malformed, never NaN', async () => {
    api.answer('/v3/carbon-intensity/latest', { body: EM_LATEST(250) });
    const provider = electricityMaps({
      zone: 'DE',
      token: 't',
      baseUrl: api.baseUrl,
      ttlMs: 0,
      retryAfterErrorMs: 0,
      onError,
    });
    expect(await provider.intensityGPerKWh(T0)).toBe(250);
    for (const [i, body] of [
      '<html>busy</html>',
      EM_LATEST('high'),
      EM_LATEST(-5),
      EM_LATEST(null),
      {},
      [],
    ].entries()) {
      api.answer('/v3/carbon-intensity/latest', { body });
      expect(await provider.intensityGPerKWh(T0 + i + 1)).toBe(250);
    }
    expect(errors.map((error) => error.code)).toEqual(Array(6).fill('invalid_intensity_data'));
    expect(errors[0]!.message).toMatch(/not JSON: <html>busy<\/html>/);
    expect(errors[1]!.message).toMatch(
      /expected a number >= 0 at carbonIntensity of the answer, got "high"/,
    );
  });
});

describe('wattTime', () => {
  const login = (token: string) => ({ body: { token } });

  it('logs in with basic auth, reads co2_moer in lbs/MWh as g/kWh, and keeps the token', async () => {
    api.answer('/login', login('tok-1'));
    api.answer('/v3/forecast', { body: WT_FORECAST(1000) });
    const provider = wattTime({
      username: 'ana',
      password: 'pä ss',
      region: 'CAISO_NORTH',
      baseUrl: api.baseUrl,
      ttlMs: 1000,
      onError,
    });
    expect(provider.name).toBe('watttime:CAISO_NORTH');
    expect(await provider.intensityGPerKWh(T0)).toBeCloseTo(453.592, 12);
    expect(api.requests[0]!.headers.authorization).toBe(
      `Basic ${Buffer.from('ana:pä ss', 'utf8').toString('base64')}`,
    );
    expect(api.requests[1]!.path).toBe(
      '/v3/forecast?region=CAISO_NORTH&signal_type=co2_moer&horizon_hours=0',
    );
    expect(api.requests[1]!.headers.authorization).toBe('Bearer tok-1');
    api.answer('/v3/forecast', { body: WT_FORECAST(500) });
    expect(await provider.intensityGPerKWh(T0 + 1000)).toBeCloseTo(226.796, 12);
    expect(api.requests.filter((request) => request.path === '/login')).toHaveLength(1);
  });

  it('logs in again when the token is refused', async () => {
    let logins = 0;
    api.answer('/login', () => login(`tok-${++logins}`));
    api.answer('/v3/forecast', (request) =>
      request.headers.authorization === 'Bearer tok-2'
        ? { body: WT_FORECAST(800) }
        : { status: 401, body: 'expired' },
    );
    const provider = wattTime({
      username: 'a',
      password: 'b',
      region: 'CAISO_NORTH',
      baseUrl: api.baseUrl,
      onError,
    });
    expect(await provider.intensityGPerKWh(T0)).toBeCloseTo(800 * 0.453592, 12);
    expect(logins).toBe(2);
    expect(errors).toEqual([]);
  });

  it('refuses values in other units', async () => {
    api.answer('/login', login('t'));
    api.answer('/v3/forecast', { body: { ...WT_FORECAST(3), meta: { units: 'percentile' } } });
    const provider = wattTime({
      username: 'a',
      password: 'b',
      region: 'X',
      baseUrl: api.baseUrl,
      fallbackGPerKWh: 300,
      onError,
    });
    expect(await provider.intensityGPerKWh(T0)).toBe(300);
    expect(errors[0]!.message).toMatch(/expected values in lbs_co2_per_mwh, got "percentile"/);
  });
});

describe('every provider: slow, unreachable and concurrent', () => {
  const providers = (
    baseUrl: string,
    options: { timeoutMs?: number } = {},
  ): LiveCarbonIntensityProvider[] => [
    ukCarbonIntensity({ baseUrl, fallbackGPerKWh: 111, onError, ...options }),
    electricityMaps({ zone: 'DE', token: 't', baseUrl, fallbackGPerKWh: 111, onError, ...options }),
    wattTime({
      username: 'a',
      password: 'b',
      region: 'X',
      baseUrl,
      fallbackGPerKWh: 111,
      onError,
      ...options,
    }),
  ];

  it('abandons an answer slower than timeoutMs and serves the fallback', async () => {
    for (const path of ['/intensity', '/v3/carbon-intensity/latest', '/login'])
      api.answer(path, { body: {}, delayMs: 2000 });
    for (const provider of providers(api.baseUrl, { timeoutMs: 50 }))
      expect(await provider.intensityGPerKWh(T0)).toBe(111);
    expect(errors.map((error) => error.code)).toEqual(Array(3).fill('carbon_intensity_timeout'));
    expect(errors[0]!.message).toMatch(/did not answer within 50 ms/);
  });

  it('serves the fallback when nothing listens', async () => {
    const { baseUrl } = api;
    await api.close();
    api = await startApiServer();
    for (const provider of providers(baseUrl))
      expect(await provider.intensityGPerKWh(T0)).toBe(111);
    expect(
      errors.every((error) => isGreensloError(error) && error.code === 'carbon_intensity_failed'),
    ).toBe(true);
  });

  it('makes one request for calls that arrive while one is pending', async () => {
    api.answer('/intensity', { body: UK_NATIONAL(200, 210), delayMs: 30 });
    const provider = ukCarbonIntensity({ baseUrl: api.baseUrl, onError });
    expect(
      await Promise.all([provider.intensityGPerKWh(T0), provider.intensityGPerKWh(T0 + 1)]),
    ).toEqual([200, 200]);
    expect(api.requests).toHaveLength(1);
  });

  it('refuses unknown and missing options by name', () => {
    expect(() => electricityMaps({ zone: 'DE', token: 't', apiKey: 'x' } as never)).toThrow(
      /electricityMaps: `apiKey` is not an option/,
    );
    expect(() => electricityMaps({ zone: 'DE' } as never)).toThrow(
      /electricityMaps: `token` must be a non-empty string, got undefined/,
    );
    expect(() => ukCarbonIntensity({ baseUrl: 'ftp://x' })).toThrow(
      /`baseUrl` must start with http:\/\/ or https:\/\//,
    );
    expect(() => wattTime({ username: 'a', password: 'b', region: 'X', timeoutMs: 0 })).toThrow(
      RangeError,
    );
  });
});
