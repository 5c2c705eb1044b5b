import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  pageBurnThreshold,
  verdictOfBurnRate,
  verdictOfRatio,
  verdictOfValue,
  worseVerdict,
  type Verdict,
} from '../../src/status/verdict.js';

const SEVERITY: Verdict[] = ['unjudged', 'ok', 'at-risk', 'breached'];

describe('verdicts', () => {
  it('is OK up to the warning share of an objective, at risk up to the objective, breached above it', () => {
    expect(verdictOfValue(80, 100, 0.8)).toBe('ok');
    expect(verdictOfValue(80.01, 100, 0.8)).toBe('at-risk');
    expect(verdictOfValue(100, 100, 0.8)).toBe('at-risk');
    expect(verdictOfValue(100.01, 100, 0.8)).toBe('breached');
  });

  it('judges nothing without an objective, and nothing measured as OK', () => {
    expect(verdictOfValue(12, undefined, 0.8)).toBe('unjudged');
    expect(verdictOfValue(null, 10, 0.8)).toBe('ok');
  });

  it('allows nothing above an objective of zero', () => {
    expect(verdictOfValue(0, 0, 0.8)).toBe('ok');
    expect(verdictOfValue(1e-9, 0, 0.8)).toBe('breached');
  });

  it('never gets better as the measured value grows (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.double({ min: 1e-3, max: 1e6, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (a, b, target, warning) => {
          const [low, high] = a <= b ? [a, b] : [b, a];
          expect(SEVERITY.indexOf(verdictOfValue(high, target, warning))).toBeGreaterThanOrEqual(
            SEVERITY.indexOf(verdictOfValue(low, target, warning)),
          );
        },
      ),
    );
  });

  it('reads a used share of 1 as the edge of the objective', () => {
    expect(verdictOfRatio(1, 0.8)).toBe('at-risk');
    expect(verdictOfRatio(1.0000001, 0.8)).toBe('breached');
    expect(verdictOfRatio(Number.NaN, 0.8)).toBe('breached');
    expect(verdictOfRatio(Infinity, 0.8)).toBe('breached');
  });

  it('takes the page thresholds of the SRE workbook for the shown burn windows: 14.4 for 5m and 1h, 6 for 6h', () => {
    expect(pageBurnThreshold('5m')).toBe(14.4);
    expect(pageBurnThreshold('1h')).toBe(14.4);
    expect(pageBurnThreshold('6h')).toBe(6);
  });

  it('calls a burn rate OK while the budget lasts its period, at risk faster, breached above the page threshold', () => {
    expect(verdictOfBurnRate(1, 6)).toBe('ok');
    expect(verdictOfBurnRate(1.5, 6)).toBe('at-risk');
    expect(verdictOfBurnRate(6, 6)).toBe('at-risk');
    expect(verdictOfBurnRate(6.1, 6)).toBe('breached');
    expect(verdictOfBurnRate(Infinity, 14.4)).toBe('breached');
  });

  it('keeps the worse of two verdicts', () => {
    for (const a of SEVERITY)
      for (const b of SEVERITY)
        expect(worseVerdict(a, b)).toBe(
          SEVERITY[Math.max(SEVERITY.indexOf(a), SEVERITY.indexOf(b))],
        );
  });
});
