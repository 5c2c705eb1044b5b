import { describe, expect, it } from 'vitest';
import {
  describeValue,
  finiteNumber,
  integerAtLeast,
  nonEmptyString,
  nonNegativeNumber,
  numberInRange,
  oneOf,
  optionsObject,
  positiveNumber,
  RATE_LIMIT_OPTION_HINTS,
  rejectUnknownKeys,
  clockReading,
} from '../../src/core/validate.js';

describe('option validation', () => {
  it('returns the value when it is valid', () => {
    expect(positiveNumber('TokenBucket', 'capacity', 5)).toBe(5);
    expect(nonNegativeNumber('X', 'n', 0)).toBe(0);
    expect(numberInRange('X', 'ratio', 1, 0, 1)).toBe(1);
    expect(integerAtLeast('X', 'windowSize', 1, 1)).toBe(1);
    expect(nonEmptyString('X', 'endpoint', '/health')).toBe('/health');
    expect(oneOf('X', 'standard', 'draft', ['legacy', 'draft', 'both'])).toBe('draft');
    expect(finiteNumber('X', 'ms', -3)).toBe(-3);
  });

  it('throws a RangeError in the documented form for NaN', () => {
    expect(() => positiveNumber('TokenBucket', 'capacity', Number.NaN)).toThrow(
      new RangeError('TokenBucket: `capacity` must be a finite number > 0, got NaN.'),
    );
  });

  it('throws a RangeError for infinite and out-of-range numbers', () => {
    expect(() => positiveNumber('A', 'rate', Infinity)).toThrow(RangeError);
    expect(() => positiveNumber('A', 'rate', 0)).toThrow(
      'A: `rate` must be a finite number > 0, got 0.',
    );
    expect(() => nonNegativeNumber('A', 'ms', -1)).toThrow(
      'A: `ms` must be a finite number >= 0, got -1.',
    );
    expect(() => numberInRange('A', 'ratio', 1.5, 0, 1)).toThrow(
      'A: `ratio` must be a finite number from 0 to 1, got 1.5.',
    );
    expect(() => integerAtLeast('A', 'windowSize', 2.5, 1)).toThrow(
      'A: `windowSize` must be an integer >= 1, got 2.5.',
    );
    expect(() => finiteNumber('A', 'ms', -Infinity)).toThrow(RangeError);
  });

  it('throws a TypeError for values of the wrong type, showing them', () => {
    expect(() => positiveNumber('A', 'rate', '60')).toThrow(
      new TypeError('A: `rate` must be a finite number > 0, got "60".'),
    );
    expect(() => nonEmptyString('A', 'clientId', '')).toThrow(
      new TypeError('A: `clientId` must be a non-empty string, got "".'),
    );
    expect(() => nonEmptyString('A', 'clientId', 42)).toThrow(TypeError);
    expect(() => oneOf('A', 'standard', 3, ['legacy'])).toThrow(
      new TypeError("A: `standard` must be one of 'legacy', got 3."),
    );
  });

  it('rejects an unknown string choice with a RangeError listing the choices', () => {
    expect(() => oneOf('A', 'standard', 'ietf', ['legacy', 'draft', 'both'])).toThrow(
      new RangeError("A: `standard` must be one of 'legacy', 'draft', 'both', got \"ietf\"."),
    );
  });

  it('describes every kind of received value', () => {
    expect([undefined, null, true, 1n, () => 1, [1], {}].map(describeValue)).toEqual([
      'undefined',
      'null',
      'true',
      '1',
      'a function',
      'an array',
      'an object',
    ]);
  });
});

describe('rejectUnknownKeys', () => {
  it('names a foreign option with the hint for it', () => {
    expect(() =>
      rejectUnknownKeys(
        'RateLimiter',
        { windowMs: 60000, rate: 1 },
        ['rate', 'perSeconds'],
        RATE_LIMIT_OPTION_HINTS,
      ),
    ).toThrow(/RateLimiter: `windowMs` is not an option \(use `perSeconds`/);
  });

  it('suggests the closest known key for a misspelling', () => {
    expect(() =>
      rejectUnknownKeys('SLOTracker', { objectivs: {} }, [
        'clock',
        'windowSize',
        'objectives',
        'maxEndpoints',
      ]),
    ).toThrow(
      new TypeError(
        'SLOTracker: `objectivs` is not an option (did you mean `objectives`?); known options are `clock`, `windowSize`, `objectives`, `maxEndpoints`.',
      ),
    );
  });

  it('accepts known keys, and refuses unknown ones even when undefined', () => {
    expect(() => rejectUnknownKeys('X', { a: 1, b: undefined }, ['a', 'b'])).not.toThrow();
    expect(() => rejectUnknownKeys('X', { zzzzzz: undefined }, ['a'])).toThrow(
      new TypeError('X: `zzzzzz` is not an option; known options are `a`.'),
    );
  });
});

describe('rejectUnknownKeys with several unknown keys', () => {
  it('names every one of them, in order, each with its hint', () => {
    expect(() =>
      rejectUnknownKeys(
        'RateLimiter',
        { windowMs: 60000, limit: 10 },
        ['rate', 'perSeconds'],
        RATE_LIMIT_OPTION_HINTS,
      ),
    ).toThrow(
      new TypeError(
        'RateLimiter: `windowMs` is not an option (use `perSeconds`, the window in seconds); `limit` is not an option (use `rate`, requests per window); known options are `rate`, `perSeconds`.',
      ),
    );
  });
});

describe('optionsObject', () => {
  it('returns an options object holding only known keys', () => {
    const options = { a: 1 };
    expect(optionsObject('X', options, ['a'])).toBe(options);
  });

  it('refuses null, arrays and non-objects before looking at keys', () => {
    for (const value of [null, [], 5, 'a'])
      expect(() => optionsObject('X', value as never, [])).toThrow(
        new TypeError(`X: options must be an object, got ${describeValue(value)}.`),
      );
  });
});

describe('clockReading', () => {
  it('returns readings from 0 to 8.64e15', () => {
    expect(clockReading('X', 0)).toBe(0);
    expect(clockReading('X', 8.64e15)).toBe(8.64e15);
  });

  it.each([Number.NaN, Infinity, -Infinity, -1, 8.64e15 + 1])(
    'refuses %s with a RangeError',
    (value) => {
      expect(() => clockReading('SLOTracker.record', value)).toThrow(RangeError);
      expect(() => clockReading('SLOTracker.record', value)).toThrow(
        /SLOTracker.record: `clock.nowMs\(\)` must return/,
      );
    },
  );
});
