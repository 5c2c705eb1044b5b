import { describe, expect, it } from 'vitest';
import { create429Response } from '../../src/rate-limit/too-many-requests.js';

describe('create429Response', () => {
  it('builds exactly the documented body', () => {
    const response = create429Response({
      retryAfterSeconds: 23,
      limit: 60,
      endpoint: '/embed/multimodal',
    });
    expect(response.status).toBe(429);
    expect(JSON.stringify(response.body)).toBe(
      '{"error":{"code":"rate_limit_exceeded","message":"Rate limit exceeded for /embed/multimodal. Max 60 requests per minute.","endpoint":"/embed/multimodal","limit":60},"retry_after":23}',
    );
    expect(response.headers).toEqual({
      'Content-Type': 'application/json; charset=utf-8',
      'Retry-After': '23',
    });
  });

  it('prefixes the message with the brand', () => {
    const { body } = create429Response({
      retryAfterSeconds: 6,
      limit: 10,
      endpoint: '/agents/plan',
      brand: 'brAInwav',
    });
    expect(body.error.message).toBe(
      'brAInwav: Rate limit exceeded for /agents/plan. Max 10 requests per minute.',
    );
  });

  it('rounds the retry delay up to whole seconds in the body and the header', () => {
    const response = create429Response({ retryAfterSeconds: 22.1, limit: 60, endpoint: '/e' });
    expect(response.body.retry_after).toBe(23);
    expect(response.headers['Retry-After']).toBe('23');
  });

  it.each([
    [1, 5, 'Max 5 requests per second.'],
    [3600, 1000, 'Max 1000 requests per hour.'],
    [86_400, 1, 'Max 1 request per day.'],
    [30, 20, 'Max 20 requests per 30 seconds.'],
  ])('names a window of %s seconds in words', (windowSeconds, limit, ending) => {
    const { body } = create429Response({
      retryAfterSeconds: 1,
      limit,
      endpoint: '/e',
      windowSeconds,
    });
    expect(body.error.message).toBe(`Rate limit exceeded for /e. ${ending}`);
  });

  it('rejects bad input', () => {
    expect(() => create429Response({ retryAfterSeconds: -1, limit: 60, endpoint: '/e' })).toThrow(
      RangeError,
    );
    expect(() => create429Response({ retryAfterSeconds: 1, limit: 0, endpoint: '/e' })).toThrow(
      new RangeError('create429Response: `limit` must be a finite number > 0, got 0.'),
    );
    expect(() => create429Response({ retryAfterSeconds: 1, limit: 60, endpoint: '' })).toThrow(
      TypeError,
    );
    expect(() =>
      create429Response({
        retryAfterSeconds: 1,
        limit: 60,
        endpoint: '/e',
        windowSeconds: Infinity,
      }),
    ).toThrow(RangeError);
    expect(() =>
      create429Response({ retryAfterSeconds: 1, limit: 60, endpoint: '/e', brand: '' }),
    ).toThrow(TypeError);
  });
});
