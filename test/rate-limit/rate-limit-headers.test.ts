import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EndpointRateLimiter } from '../../src/rate-limit/endpoint-rate-limiter.js';
import {
  getRateLimitHeaders,
  RateLimitPolicyFields,
  type RateLimitFigures,
} from '../../src/rate-limit/rate-limit-headers.js';
import { RateLimiter } from '../../src/rate-limit/rate-limiter.js';
import { ManualClock } from '../../src/testing/manual-clock.js';

const NOW_MS = 1_700_000_000_250;

describe('getRateLimitHeaders', () => {
  it('writes legacy and draft fields for an allowed request (standard "both" by default)', () => {
    const resetAtMs = NOW_MS + 22_500; // full again in 22.5 s
    expect(
      getRateLimitHeaders({
        limit: 60,
        remaining: 42,
        resetAtMs,
        windowSeconds: 60,
        nowMs: NOW_MS,
      }),
    ).toEqual({
      'X-RateLimit-Limit': '60',
      'X-RateLimit-Remaining': '42',
      'X-RateLimit-Reset': '1700000023', // epoch seconds, rounded up from 1,700,000,022.75
      RateLimit: '"default";r=42;t=23',
      'RateLimit-Policy': '"default";q=60;w=60',
    });
  });

  it('adds Retry-After only when limited, and makes the draft t name the same moment', () => {
    const headers = getRateLimitHeaders({
      limit: 60,
      remaining: 0,
      resetAtMs: NOW_MS + 60_000,
      retryAfterSeconds: 0.4,
      windowSeconds: 60,
      nowMs: NOW_MS,
    });
    expect(headers['Retry-After']).toBe('1');
    expect(headers.RateLimit).toBe('"default";r=0;t=1');
    expect(Number(headers['Retry-After'])).toBeGreaterThanOrEqual(
      Number(/t=(\d+)/.exec(headers.RateLimit!)![1]),
    );
    expect(
      getRateLimitHeaders({ limit: 60, remaining: 5, resetAtMs: NOW_MS, nowMs: NOW_MS }),
    ).not.toHaveProperty('Retry-After');
  });

  it.each([
    [0.001, '1'],
    [1, '1'],
    [1.001, '2'],
    [59.5, '60'],
  ])('rounds a Retry-After of %s seconds up to %s', (retryAfterSeconds, expected) => {
    expect(
      getRateLimitHeaders({
        limit: 1,
        remaining: 0,
        resetAtMs: NOW_MS,
        retryAfterSeconds,
        nowMs: NOW_MS,
      })['Retry-After'],
    ).toBe(expected);
  });

  it('takes a refused decision as it is, deriving Retry-After from retryAfterMs', () => {
    const clock = new ManualClock(NOW_MS);
    const limiter = new RateLimiter({ rate: 7, perSeconds: 60, clock });
    for (let i = 0; i < 7; i++) limiter.check('c');
    const refused = limiter.check('c'); // next token in ceil(60,000 / 7) = 8572 ms
    expect(refused.retryAfterMs).toBe(8572);
    expect(
      getRateLimitHeaders({ ...refused, windowSeconds: limiter.perSeconds, nowMs: clock.nowMs() }),
    ).toEqual({
      'X-RateLimit-Limit': '7',
      'X-RateLimit-Remaining': '0',
      'X-RateLimit-Reset': String(Math.ceil((NOW_MS + 60_000) / 1000)),
      'Retry-After': '9',
      RateLimit: '"default";r=0;t=9',
      'RateLimit-Policy': '"default";q=7;w=60',
    });
  });

  it('writes only the legacy or only the draft fields when asked, Retry-After with either', () => {
    const base = {
      limit: 10,
      remaining: 0,
      resetAtMs: NOW_MS + 6000,
      retryAfterSeconds: 6,
      nowMs: NOW_MS,
    };
    expect(Object.keys(getRateLimitHeaders({ ...base, standard: 'legacy' }))).toEqual([
      'X-RateLimit-Limit',
      'X-RateLimit-Remaining',
      'X-RateLimit-Reset',
      'Retry-After',
    ]);
    expect(getRateLimitHeaders({ ...base, standard: 'draft' })).toEqual({
      'Retry-After': '6',
      RateLimit: '"default";r=0;t=6',
      'RateLimit-Policy': '"default";q=10',
    });
  });

  it('names the policy as an escaped structured-field string', () => {
    const headers = getRateLimitHeaders({
      limit: 5,
      remaining: 5,
      resetAtMs: NOW_MS,
      policy: 'per "ip" \\ minute',
      standard: 'draft',
      nowMs: NOW_MS,
    });
    expect(headers.RateLimit).toBe('"per \\"ip\\" \\\\ minute";r=5;t=0');
    expect(headers['RateLimit-Policy']).toBe('"per \\"ip\\" \\\\ minute";q=5');
  });

  it('writes whole numbers: remaining floored, never above the limit, t never negative', () => {
    const headers = getRateLimitHeaders({
      limit: 2.5,
      remaining: 2.9,
      resetAtMs: NOW_MS - 5000,
      nowMs: NOW_MS,
    });
    expect(headers).toMatchObject({
      'X-RateLimit-Limit': '2',
      'X-RateLimit-Remaining': '2',
      RateLimit: '"default";r=2;t=0',
    });
  });

  it('writes nothing for an unlimited endpoint', () => {
    expect(getRateLimitHeaders({ limit: Infinity, remaining: Infinity, resetAtMs: 0 })).toEqual({});
  });

  it('rejects bad input', () => {
    const base = { limit: 1, remaining: 0, resetAtMs: NOW_MS, nowMs: NOW_MS };
    expect(() => getRateLimitHeaders({ ...base, standard: 'ietf' as never })).toThrow(
      new RangeError(
        "getRateLimitHeaders: `standard` must be one of 'legacy', 'draft', 'both', got \"ietf\".",
      ),
    );
    expect(() => getRateLimitHeaders({ ...base, policy: 'café' })).toThrow(RangeError);
    expect(() => getRateLimitHeaders({ ...base, policy: 'a\nb' })).toThrow(RangeError);
    expect(() => getRateLimitHeaders({ ...base, remaining: -1 })).toThrow(RangeError);
    expect(() => getRateLimitHeaders({ ...base, limit: Number.NaN })).toThrow(RangeError);
    expect(() => getRateLimitHeaders({ ...base, retryAfterSeconds: -1 })).toThrow(RangeError);
    expect(() => getRateLimitHeaders({ ...base, windowSeconds: 0 })).toThrow(RangeError);
    expect(() => getRateLimitHeaders({ ...base, resetAtMs: '1' as never })).toThrow(TypeError);
  });
});

/** The fields of a response with `figures`: refused when it carries a wait, else admitted. */
function fieldsOf(
  fields: RateLimitPolicyFields,
  standard: 'legacy' | 'draft' | 'both',
  figures: RateLimitFigures,
  nowMs: number,
): Record<string, string> {
  return figures.retryAfterMs > 0
    ? fields.refused(figures, nowMs, standard)
    : fields.admitted(figures, nowMs, standard);
}

describe('RateLimitPolicyFields', () => {
  const NOW = 1_000_000;

  it('writes the figures of each response beside the fields fixed by its policy', () => {
    const fields = new RateLimitPolicyFields({ limit: 60, windowSeconds: 60 });
    expect(
      fieldsOf(fields, 'both', { remaining: 42, resetAtMs: NOW + 18_000, retryAfterMs: 0 }, NOW),
    ).toEqual({
      'X-RateLimit-Limit': '60',
      'X-RateLimit-Remaining': '42',
      'X-RateLimit-Reset': String((NOW + 18_000) / 1000),
      RateLimit: '"default";r=42;t=18',
      'RateLimit-Policy': '"default";q=60;w=60',
    });
    expect(
      fieldsOf(
        new RateLimitPolicyFields({ limit: 10, policy: 'per-ip' }),
        'draft',
        { remaining: 0, resetAtMs: NOW + 60_000, retryAfterMs: 5200 },
        NOW,
      ),
    ).toEqual({
      'Retry-After': '6',
      RateLimit: '"per-ip";r=0;t=6',
      'RateLimit-Policy': '"per-ip";q=10',
    });
  });

  it('agrees with a field-by-field reference for any figures and standard', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.double({ min: 0, max: 2_000_000, noNaN: true }),
        fc.integer({ min: -5_000_000, max: 5_000_000 }),
        fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 100_000_000 })),
        fc.integer({ min: 1, max: 86_400 }),
        fc.constantFrom('legacy' as const, 'draft' as const, 'both' as const),
        (limit, remaining, resetInMs, retryAfterMs, windowSeconds, standard) => {
          const headers = fieldsOf(
            new RateLimitPolicyFields({ limit, windowSeconds }),
            standard,
            { remaining, resetAtMs: NOW + resetInMs, retryAfterMs },
            NOW,
          );
          const whole = Math.min(limit, Math.floor(remaining));
          const retry = Math.ceil(retryAfterMs / 1000);
          const expected: Record<string, string> = {};
          if (standard !== 'draft') {
            expected['X-RateLimit-Limit'] = `${limit}`;
            expected['X-RateLimit-Remaining'] = `${whole}`;
            expected['X-RateLimit-Reset'] = `${Math.ceil((NOW + resetInMs) / 1000)}`;
          }
          if (retry > 0) expected['Retry-After'] = `${retry}`;
          if (standard !== 'legacy') {
            const t = retry > 0 ? retry : Math.max(0, Math.ceil(resetInMs / 1000));
            expected.RateLimit = `"default";r=${whole};t=${t}`;
            expected['RateLimit-Policy'] = `"default";q=${limit};w=${windowSeconds}`;
          }
          expect(Object.entries(headers)).toEqual(Object.entries(expected));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('never writes Retry-After beyond 12 digits', () => {
    const headers = fieldsOf(
      new RateLimitPolicyFields({ limit: 1 }),
      'both',
      { remaining: 0, resetAtMs: NOW, retryAfterMs: 1e300 },
      NOW,
    );
    expect(headers['Retry-After']).toBe('999999999999');
    expect(headers.RateLimit).toBe('"default";r=0;t=999999999999');
  });

  it('writes structured-field integers of at most 15 digits in r and t, admitted or refused', () => {
    const fields = new RateLimitPolicyFields({ limit: 1e18 });
    const figures = { remaining: 1e18, resetAtMs: NOW + 1e20, retryAfterMs: 0 };
    expect(fields.admitted(figures, NOW, 'draft').RateLimit).toBe(
      '"default";r=999999999999999;t=999999999999999',
    );
    expect(fields.admitted(figures, NOW, 'legacy')['X-RateLimit-Remaining']).toBe(String(1e18));
  });

  it("answers a refusal with Retry-After alone under 'none', and one without a wait as admitted", () => {
    const fields = new RateLimitPolicyFields({ limit: 5, windowSeconds: 60 });
    const waiting = { remaining: 0, resetAtMs: NOW + 60_000, retryAfterMs: 12_001 };
    expect(fields.refused(waiting, NOW, 'none')).toEqual({ 'Retry-After': '13' });
    const noWait = { remaining: 0, resetAtMs: NOW + 60_000, retryAfterMs: 0 };
    expect(fields.refused(noWait, NOW, 'both')).toEqual(fields.admitted(noWait, NOW, 'both'));
    expect(fields.refused(noWait, NOW, 'none')).toEqual({});
  });

  it('checks its policy at construction, naming the option and the value', () => {
    expect(() => new RateLimitPolicyFields({ limit: -1 })).toThrow(
      /`limit` must be a finite number >= 0, got -1/,
    );
    expect(() => new RateLimitPolicyFields({ limit: Infinity })).toThrow(RangeError);
    expect(() => new RateLimitPolicyFields({ limit: 5, windowSeconds: 0 })).toThrow(
      /`windowSeconds`.*got 0/,
    );
    expect(() => new RateLimitPolicyFields({ limit: 5, policy: 'caf\u00e9' })).toThrow(
      /`policy` must be a string of printable ASCII/,
    );
  });
});

describe('getRateLimitHeaders with an EndpointRateLimiter decision', () => {
  it("takes the decision as it is, its rule's name and window included, and refuses unknown keys", () => {
    const limits = new EndpointRateLimiter({
      rules: { '/login': { rate: 3, perSeconds: 60, name: 'login' } },
    });
    const decision = limits.check('/login', 'a', { nowMs: 1_000_000 });
    expect(getRateLimitHeaders({ ...decision, standard: 'draft', nowMs: 1_000_000 })).toEqual({
      RateLimit: '"login";r=2;t=20',
      'RateLimit-Policy': '"login";q=3;w=60',
    });
    expect(() => getRateLimitHeaders({ ...decision, windowMs: 60_000 } as never)).toThrow(
      /`windowMs` is not an option/,
    );
  });
});

describe('RateLimitPolicyFields.admitted', () => {
  it('gives the fields, in their order, that the writers give for an admitted response', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.double({ min: 0, max: 2_000_000, noNaN: true }),
        fc.integer({ min: -5_000_000, max: 5_000_000 }),
        fc.constantFrom('legacy' as const, 'draft' as const, 'both' as const),
        (limit, remaining, resetInMs, standard) => {
          const fields = new RateLimitPolicyFields({ limit, windowSeconds: 60, policy: 'p' });
          const figures = { remaining, resetAtMs: 1_000_000 + resetInMs, retryAfterMs: 0 };
          expect(Object.entries(fields.admitted(figures, 1_000_000, standard))).toEqual(
            Object.entries(fieldsOf(fields, standard, figures, 1_000_000)),
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});
