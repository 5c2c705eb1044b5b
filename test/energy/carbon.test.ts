import { describe, expect, it } from 'vitest';
import { isGreensloError } from '../../src/core/errors.js';
import {
  DEFAULT_CARBON_INTENSITY_G_PER_KWH,
  emissionsGrams,
  lookupCarbonIntensity,
} from '../../src/energy/index.js';

const table = (data: Record<string, unknown>) => ({ averageIntensity: { data } });

describe('emissionsGrams', () => {
  it('is energy x PUE x intensity', () => {
    expect(emissionsGrams(1, DEFAULT_CARBON_INTENSITY_G_PER_KWH, 1)).toBeCloseTo(0.475, 15);
    expect(emissionsGrams(2, 300, 1.2)).toBeCloseTo(0.72, 15);
  });
});

describe('lookupCarbonIntensity', () => {
  it('reads the country from the data it is given, in any case', () => {
    const data = table({ FRA: 44.18, DEU: 342.06 });
    expect(lookupCarbonIntensity('fra', data)).toBe(44.18);
    expect(lookupCarbonIntensity(' DEU ', data)).toBe(342.06);
  });

  it('works with the @tgwf/co2 module itself', async () => {
    const peer = '@tgwf/co2'; // the package ships no types
    const co2 = (await import(peer)) as { averageIntensity: { data: Record<string, number> } };
    expect(lookupCarbonIntensity('GBR', co2)).toBe(co2.averageIntensity.data.GBR);
    expect(lookupCarbonIntensity('WORLD', co2)).toBe(co2.averageIntensity.data.WORLD);
    expect(co2.averageIntensity.data.WORLD).toBeGreaterThan(400);
  });

  it('rejects unknown codes, two-letter codes and bad arguments', () => {
    const data = table({ FRA: 44.18 });
    expect(() => lookupCarbonIntensity('FR', data)).toThrow(RangeError);
    expect(() => lookupCarbonIntensity('XYZ', data)).toThrow(/alpha-3 code .* got "XYZ"/);
    expect(() => lookupCarbonIntensity('toString', data)).toThrow(RangeError);
    expect(() => lookupCarbonIntensity(42 as unknown as string, data)).toThrow(TypeError);
    expect(() => lookupCarbonIntensity('FRA', {} as never)).toThrow(TypeError);
  });

  it('refuses data that is not a number >= 0', () => {
    let thrown: unknown;
    try {
      lookupCarbonIntensity('BAD', table({ BAD: 'n/a' }));
    } catch (error) {
      thrown = error;
    }
    expect(isGreensloError(thrown) && thrown.code).toBe('invalid_intensity_data');
  });
});
