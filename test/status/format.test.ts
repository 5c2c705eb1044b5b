import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatBurnRate,
  formatDuration,
  formatMs,
  formatPercent,
  formatWithPrefix,
  significant,
} from '../../src/status/format.js';

const NBSP = '\u00A0';

describe('status page number formats', () => {
  it('keeps three significant digits without exponent notation', () => {
    expect(
      [0, 4.2137, 42.137, 421.37, 4213.7, 0.0042137, 99.96, 9.996, 0.9996, -2.345].map((value) =>
        significant(value),
      ),
    ).toEqual(['0', '4.21', '42.1', '421', '4,214', '0.00421', '100', '10', '1', '-2.35']);
  });

  it('stays within a relative error of half a unit in the third digit (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1e6, noNaN: true }), (value) => {
        const shown = Number(significant(value).replace(/,/g, ''));
        expect(Math.abs(shown - value)).toBeLessThanOrEqual(value * 0.005 + 1e-12);
      }),
    );
  });

  it('writes units with a no-break space and a prefix that keeps small energies readable', () => {
    expect(formatMs(4.213)).toBe(`4.21${NBSP}ms`);
    expect(formatMs(12_345)).toBe(`12.3${NBSP}s`);
    expect(formatPercent(0.0123)).toBe(`1.23${NBSP}%`);
    expect(formatWithPrefix(0.0000123, 'Wh')).toBe(`12.3${NBSP}\u00B5Wh`);
    expect(formatWithPrefix(0.42, 'g')).toBe(`420${NBSP}mg`);
    expect(formatWithPrefix(1234, 'Wh')).toBe(`1.23${NBSP}kWh`);
    expect(formatWithPrefix(0, 'Wh')).toBe(`0${NBSP}Wh`);
    expect(formatBurnRate(14.4)).toBe('14x');
    expect(formatBurnRate(Infinity)).toBe('\u221Ex');
    expect(
      [45_000, 12 * 60_000, 3 * 3_600_000, 3 * 3_600_000 + 5 * 60_000].map(formatDuration),
    ).toEqual([`45${NBSP}s`, `12${NBSP}min`, `3${NBSP}h`, `3${NBSP}h 5${NBSP}min`]);
  });
});

describe('status page number formats: the whole-number path', () => {
  it('rounds 1 to 1000 to three significant digits, half a unit in the last digit at most (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 1, max: 999.4, noNaN: true }), (value) => {
        const shown = significant(value);
        const unit = 10 ** (Math.floor(Math.log10(value)) - 2);
        expect(shown.replace(/^0+|\./g, '').replace(/0+$/, '').length).toBeLessThanOrEqual(3);
        expect(Math.abs(Number(shown) - value)).toBeLessThanOrEqual(unit / 2 + 1e-9);
      }),
      { numRuns: 2000 },
    );
  });
});
