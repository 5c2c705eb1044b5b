import { describe, expect, it } from 'vitest';
import { GreensloError, isGreensloError } from '../../src/core/errors.js';

describe('GreensloError', () => {
  it('carries a code, a message and a cause', () => {
    const cause = new Error('ECONNREFUSED');
    const error = new GreensloError('store_unavailable', 'Redis did not answer', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('store_unavailable');
    expect(error.message).toBe('Redis did not answer');
    expect(error.name).toBe('GreensloError');
    expect(error.cause).toBe(cause);
  });

  it('is recognised by the type guard, also when made by another copy of the class', () => {
    const fromAnotherCopy = Object.defineProperty(new Error('x'), Symbol.for('greenslo.error'), {
      value: true,
    });
    expect(isGreensloError(new GreensloError('a', 'b'))).toBe(true);
    expect(isGreensloError(fromAnotherCopy)).toBe(true);
    expect(isGreensloError(new Error('plain'))).toBe(false);
    expect(isGreensloError(null)).toBe(false);
    expect(isGreensloError('store_unavailable')).toBe(false);
  });
});
