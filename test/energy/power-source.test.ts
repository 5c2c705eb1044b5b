import { describe, expect, it } from 'vitest';
import { isGreensloError } from '../../src/core/errors.js';
import { constantPower, powerFromWatts } from '../../src/energy/index.js';

describe('constantPower', () => {
  it('counts watts x seconds from its first reading', () => {
    const source = constantPower(40);
    expect(source.name).toBe('constant');
    expect(source.readJoules(1_000_000)).toBe(0);
    expect(source.readJoules(1_002_500)).toBe(100);
  });

  it('never decreases when the clock steps back', () => {
    const source = constantPower(10, { name: 'assumed' });
    source.readJoules(0);
    expect(source.readJoules(5000)).toBe(50);
    expect(source.readJoules(1000)).toBe(50);
    expect(source.name).toBe('assumed');
  });

  it('rejects negative or non-finite watts', () => {
    expect(() => constantPower(-1)).toThrow(
      new RangeError('constantPower: `watts` must be a finite number >= 0, got -1.'),
    );
    expect(() => constantPower(Number.NaN)).toThrow(RangeError);
    expect(() => constantPower(Infinity)).toThrow(RangeError);
    expect(() => constantPower('5' as unknown as number)).toThrow(TypeError);
  });
});

describe('powerFromWatts', () => {
  it('integrates instantaneous readings with the trapezoid rule', () => {
    const readings = [10, 30, 30];
    const source = powerFromWatts(() => readings.shift()!);
    expect(source.readJoules(0)).toBe(0);
    expect(source.readJoules(2000)).toBe(((10 + 30) / 2) * 2);
    expect(source.readJoules(3000)).toBe(40 + 30 * 1);
    expect(source.name).toBe('watts');
  });

  it('does not read again for a time that is not later', () => {
    let calls = 0;
    const source = powerFromWatts(() => (calls++, 5));
    source.readJoules(1000);
    expect(source.readJoules(1000)).toBe(0);
    expect(source.readJoules(500)).toBe(0);
    expect(calls).toBe(1);
  });

  it('throws a GreensloError for a negative or non-finite reading, without changing the count', () => {
    const readings = [10, -3, Number.NaN, 10];
    const source = powerFromWatts(() => readings.shift()!);
    source.readJoules(0);
    for (const badAtMs of [1000, 2000]) {
      let thrown: unknown;
      try {
        source.readJoules(badAtMs);
      } catch (error) {
        thrown = error;
      }
      expect(isGreensloError(thrown) && thrown.code).toBe('invalid_power_reading');
    }
    expect(source.readJoules(3000)).toBe(10 * 3);
  });

  it('rejects a reader that is not a function', () => {
    expect(() => powerFromWatts(5 as unknown as () => number)).toThrow(TypeError);
    expect(() => powerFromWatts(undefined as unknown as () => number)).toThrow(TypeError);
  });
});
