import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PartialOrder, selectInPlace } from '../../src/slo/quantile.js';
import { sortedPercentile } from './reference.js';

const latency = fc.double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true });
const percent = fc.double({ min: 0, max: 100, noNaN: true });

describe('selection', () => {
  it('puts the k-th smallest value at k with smaller or equal values before and greater or equal after', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 2000, size: 'max' }),
        fc.nat(),
        (items, pick) => {
          const values = Float64Array.from(items);
          const k = pick % values.length;
          selectInPlace(values, 0, values.length - 1, k);
          const sorted = [...items].sort((a, b) => a - b);
          const pivot = values[k]!;
          expect(pivot).toBe(sorted[k]);
          expect(values.subarray(0, k).every((value) => value <= pivot)).toBe(true);
          expect(values.subarray(k + 1).every((value) => value >= pivot)).toBe(true);
          expect([...values].sort((a, b) => a - b)).toEqual(sorted);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('percentiles by selection', () => {
  it('match numpy.percentile on fixed samples', () => {
    // Values printed by numpy 2.4 `np.percentile(sample, p)` for p = 0, 25, 50, 90, 95, 99, 100, 33.3.
    const cases: [number[], number[]][] = [
      [
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        [1, 3.25, 5.5, 9.1, 9.549999999999999, 9.91, 10, 3.997],
      ],
      [
        [0.1, 0.2, 0.3],
        [0.1, 0.15000000000000002, 0.2, 0.28, 0.29, 0.298, 0.3, 0.1666],
      ],
      [
        [5.5, 1.25, 9.75, 3, 3, 7.125, 2.5],
        [1.25, 2.75, 3, 8.175, 8.962499999999999, 9.5925, 9.75, 2.9989999999999997],
      ],
    ];
    for (const [sample, expected] of cases) {
      const order = new PartialOrder();
      const values = Float64Array.from(sample);
      const actual = [0, 25, 50, 90, 95, 99, 100, 33.3].map((p) =>
        order.percentile(values, values.length, p),
      );
      expect(actual).toEqual(expected);
    }
  });

  it('equal the sorted-array reference for any sample and any sequence of percentiles', () => {
    fc.assert(
      fc.property(
        fc.array(latency, { minLength: 1, maxLength: 1500, size: 'max' }),
        fc.array(percent, { minLength: 1, maxLength: 8 }),
        (sample, percents) => {
          const values = Float64Array.from(sample);
          const order = new PartialOrder();
          for (const p of percents)
            expect(order.percentile(values, values.length, p)).toBe(sortedPercentile(sample, p));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('handle many equal values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(1, 2, 3), { minLength: 1, maxLength: 3000, size: 'max' }),
        percent,
        (sample, p) => {
          const values = Float64Array.from(sample);
          expect(new PartialOrder().percentile(values, values.length, p)).toBe(
            sortedPercentile(sample, p),
          );
        },
      ),
      { numRuns: 1000 },
    );
  });
});
