import { describe, expect, it } from 'vitest';
import { isGreensloError } from '../../src/core/errors.js';
import { carbonIntensityForCountry } from '../../src/node/index.js';

describe('carbonIntensityForCountry', () => {
  it('loads @tgwf/co2 on demand and returns its average for the country', async () => {
    const peer = '@tgwf/co2';
    const co2 = (await import(peer)) as { averageIntensity: { data: Record<string, number> } };
    await expect(carbonIntensityForCountry('FRA')).resolves.toBe(co2.averageIntensity.data.FRA);
    await expect(carbonIntensityForCountry('deu')).resolves.toBe(co2.averageIntensity.data.DEU);
    await expect(carbonIntensityForCountry('FR')).rejects.toThrow(RangeError);
  });

  it('says how to install the peer when it is missing', async () => {
    const load = () =>
      Promise.reject(
        Object.assign(new Error("Cannot find package '@tgwf/co2'"), {
          code: 'ERR_MODULE_NOT_FOUND',
        }),
      );
    const error: unknown = await carbonIntensityForCountry('FRA', { load }).catch(
      (caught: unknown) => caught,
    );
    expect(isGreensloError(error) && error.code).toBe('peer_missing');
    expect((error as Error).message).toContain('npm install @tgwf/co2');
  });

  it('passes other loading errors on unchanged', async () => {
    const failure = new Error('disk on fire');
    await expect(
      carbonIntensityForCountry('FRA', { load: () => Promise.reject(failure) }),
    ).rejects.toBe(failure);
  });
});
