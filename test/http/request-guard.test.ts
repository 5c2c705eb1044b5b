import { describe, expect, it } from 'vitest';
import { EndpointRateLimiter, RequestGuard, type AdmittedRequest, type GuardFailureKind, type RateLimitDecision, type RateLimitStore } from '../../src/index.js';
import { ManualClock } from '../../src/testing/manual-clock.js';

const T0 = 1_700_000_000_000;

function admitted(guard: RequestGuard<unknown>, path: string, address = '192.0.2.1'): AdmittedRequest {
  const admission = guard.admit(undefined, path, address);
  if (admission instanceof Promise || !admission.allowed) throw new Error(`expected ${path} to be admitted at once`);
  return admission;
}

/** A synchronous store answering whatever decision it is given. */
function storeAnswering(decision: RateLimitDecision): RateLimitStore {
  return { synchronous: true, consume: () => decision, remaining: () => decision.remaining, reset: () => undefined, clear: () => undefined };
}

describe('RequestGuard rate-limit header fields', () => {
  it("writes the draft fields by default, of the rule each path resolves to, and every field with 'both'", () => {
    const clock = new ManualClock(T0);
    const limits = new EndpointRateLimiter({ clock, rules: { '/a': { rate: 60, perSeconds: 60 }, '/b': { rate: 10, perSeconds: 3600, burst: 4 } } });
    const guard = new RequestGuard('test guard', { limits, clock });
    // Alternating paths: each response carries its own rule's policy.
    expect(admitted(guard, '/a').headers).toEqual({ RateLimit: '"default";r=59;t=1', 'RateLimit-Policy': '"default";q=60;w=60' });
    expect(admitted(guard, '/b').headers).toEqual({ RateLimit: '"default";r=3;t=360', 'RateLimit-Policy': '"default";q=4;w=3600' });
    expect(admitted(guard, '/a').headers).toEqual({ RateLimit: '"default";r=58;t=2', 'RateLimit-Policy': '"default";q=60;w=60' });
    const both = new RequestGuard('test guard', { limits, clock, headers: 'both' });
    expect(admitted(both, '/b').headers).toEqual({
      'X-RateLimit-Limit': '4',
      'X-RateLimit-Remaining': '2',
      'X-RateLimit-Reset': String((T0 + 720_000) / 1000),
      RateLimit: '"default";r=2;t=720',
      'RateLimit-Policy': '"default";q=4;w=3600',
    });
  });

  it('reports a store answer that cannot be written as header fields or a 429, and admits the request without them', () => {
    const failures: [unknown, GuardFailureKind][] = [];
    const clock = new ManualClock(T0);
    for (const decision of [
      { allowed: true, limit: 5, remaining: Number.NaN, resetAtMs: T0, retryAfterMs: 0 },
      { allowed: true, limit: 5, remaining: 3, resetAtMs: Number.POSITIVE_INFINITY, retryAfterMs: 0 },
      { allowed: true, limit: -2, remaining: 3, resetAtMs: T0, retryAfterMs: 0 },
      { allowed: false, limit: 5, remaining: 0, resetAtMs: T0, retryAfterMs: Number.POSITIVE_INFINITY },
    ]) {
      const limits = new EndpointRateLimiter({ clock, default: { rate: 5, perSeconds: 60 }, store: storeAnswering(decision) });
      const guard = new RequestGuard('test guard', { limits, clock, onError: (error, kind) => failures.push([error, kind]) });
      expect(admitted(guard, '/x').headers).toEqual({});
    }
    expect(failures.map(([error, kind]) => [kind, (error as Error).name])).toEqual([
      ['limits', 'RangeError'],
      ['limits', 'RangeError'],
      ['limits', 'RangeError'],
      ['limits', 'RangeError'],
    ]);
  });

  it('keys clients by their normalized address, request after request and address after address', () => {
    const clock = new ManualClock(T0);
    const limits = new EndpointRateLimiter({ clock, default: { rate: 1, perSeconds: 60 } });
    const guard = new RequestGuard('test guard', { limits, clock });
    const allowed = (address: string) => (guard.admit(undefined, '/x', address) as { allowed: boolean }).allowed;
    expect(allowed('192.0.2.1')).toBe(true);
    expect(allowed('192.0.2.2')).toBe(true);
    expect(allowed('::ffff:192.0.2.1')).toBe(false);
    expect(allowed('::ffff:192.0.2.1')).toBe(false);
    expect(allowed('2001:db8::1')).toBe(true);
    // Same /56 prefix: the same client.
    expect(allowed('2001:db8:0:ff::2')).toBe(false);
    expect(allowed('192.0.2.2')).toBe(false);
  });

  it('knows whether it reads the client address', () => {
    const limits = new EndpointRateLimiter();
    expect(new RequestGuard('g', { limits }).needsAddress).toBe(true);
    expect(new RequestGuard('g', { limits, clientKey: () => 'k' }).needsAddress).toBe(false);
    expect(new RequestGuard('g', {}).needsAddress).toBe(false);
  });
});
