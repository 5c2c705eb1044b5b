import { describe, expect, it } from 'vitest';
import {
  constantPower,
  EndpointRateLimiter,
  EnergyMonitor,
  OVERFLOW_ENDPOINT,
  SLOTracker,
  type RateLimitDecision,
  type RateLimitStore,
} from '../../src/index.js';
import {
  RequestGuard,
  type GuardFailureKind,
  type GuardStart,
  type GuardTicket,
} from '../../src/http/index.js';
import { ManualClock } from '../../src/testing/manual-clock.js';

const T0 = 1_700_000_000_000;

function begun(guard: RequestGuard<unknown>, path: string, address = '192.0.2.1'): GuardStart {
  const start = guard.begin(undefined, path, address);
  if (start instanceof Promise) throw new Error(`expected ${path} to be decided at once`);
  return start;
}

function admitted(guard: RequestGuard<unknown>, path: string, address = '192.0.2.1'): GuardTicket {
  const start = begun(guard, path, address);
  if (!start.allowed) throw new Error(`expected ${path} to be admitted`);
  return start;
}

/** A synchronous store answering whatever decision it is given. */
function storeAnswering(decision: RateLimitDecision): RateLimitStore {
  return {
    synchronous: true,
    consume: () => decision,
    remaining: () => decision.remaining,
    reset: () => undefined,
    clear: () => undefined,
  };
}

describe('RequestGuard rate-limit header fields', () => {
  it("writes both header sets by default, of the rule each path resolves to, named after the rule; the draft ones alone with 'draft'", () => {
    const clock = new ManualClock(T0);
    const limits = new EndpointRateLimiter({
      clock,
      rules: {
        '/a': { rate: 60, perSeconds: 60 },
        '/b': { rate: 10, perSeconds: 3600, burst: 4, name: 'b' },
      },
    });
    const guard = new RequestGuard('test guard', { limits, clock });
    expect(admitted(guard, '/a').headers).toEqual({
      'X-RateLimit-Limit': '60',
      'X-RateLimit-Remaining': '59',
      'X-RateLimit-Reset': String(T0 / 1000 + 1),
      RateLimit: '"/a";r=59;t=1',
      'RateLimit-Policy': '"/a";q=60;w=60',
    });
    const draft = new RequestGuard('test guard', { limits, clock, headers: 'draft' });
    // Alternating paths: each response carries its own rule's policy.
    expect(admitted(draft, '/b').headers).toEqual({
      RateLimit: '"b";r=3;t=360',
      'RateLimit-Policy': '"b";q=4;w=3600',
    });
    expect(admitted(draft, '/a').headers).toEqual({
      RateLimit: '"/a";r=58;t=2',
      'RateLimit-Policy': '"/a";q=60;w=60',
    });
    expect(
      admitted(new RequestGuard('g', { limits, clock, headers: 'none' }), '/a').headers,
    ).toEqual({});
  });

  it('answers a refused request with the seed 429: JSON body, Retry-After, both header sets', () => {
    const clock = new ManualClock(T0);
    const limits = new EndpointRateLimiter({
      clock,
      rules: { '/embed/multimodal': { rate: 1, perSeconds: 60 } },
    });
    const guard = new RequestGuard('g', { limits, clock, brand: 'brAInwav' });
    admitted(guard, '/embed/multimodal');
    const refused = begun(guard, '/embed/multimodal');
    expect(refused).toEqual({
      allowed: false,
      status: 429,
      headers: {
        'Content-Type': 'application/json; charset=utf-8',
        'X-RateLimit-Limit': '1',
        'X-RateLimit-Remaining': '0',
        'X-RateLimit-Reset': String(T0 / 1000 + 60),
        'Retry-After': '60',
        RateLimit: '"/embed/multimodal";r=0;t=60',
        'RateLimit-Policy': '"/embed/multimodal";q=1;w=60',
      },
      body: '{"error":{"code":"rate_limit_exceeded","message":"brAInwav: Rate limit exceeded for /embed/multimodal. Max 1 request per minute.","endpoint":"/embed/multimodal","limit":1},"retry_after":60}',
    });
  });

  it('reports a store answer that cannot be written as header fields or a 429, and admits the request without them', () => {
    const failures: [unknown, GuardFailureKind][] = [];
    const clock = new ManualClock(T0);
    for (const decision of [
      { allowed: true, limit: 5, remaining: Number.NaN, resetAtMs: T0, retryAfterMs: 0 },
      {
        allowed: true,
        limit: 5,
        remaining: 3,
        resetAtMs: Number.POSITIVE_INFINITY,
        retryAfterMs: 0,
      },
      { allowed: true, limit: -2, remaining: 3, resetAtMs: T0, retryAfterMs: 0 },
      {
        allowed: false,
        limit: 5,
        remaining: 0,
        resetAtMs: T0,
        retryAfterMs: Number.POSITIVE_INFINITY,
      },
    ]) {
      const limits = new EndpointRateLimiter({
        clock,
        default: { rate: 5, perSeconds: 60 },
        store: storeAnswering(decision),
      });
      const guard = new RequestGuard('test guard', {
        limits,
        clock,
        onError: (error, kind) => failures.push([error, kind]),
      });
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
    const allowed = (address: string) => begun(guard, '/x', address).allowed;
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

describe('RequestGuard: one pass per request', () => {
  it('reads only its own clock, once at each end, and gives those times to the limiter, the tracker and the energy monitor', () => {
    const clock = new ManualClock(T0);
    let reads = 0;
    const counted = { nowMs: () => (reads++, clock.nowMs()) };
    const refuse = { nowMs: (): number => Number.NaN };
    const slo = new SLOTracker({ clock: refuse });
    const limits = new EndpointRateLimiter({
      clock: refuse,
      rules: { '/a': { rate: 60, perSeconds: 60 } },
    });
    const energy = new EnergyMonitor({ clock: refuse, powerSource: constantPower(100) });
    const failures: GuardFailureKind[] = [];
    const guard = new RequestGuard('g', {
      slo,
      limits,
      energy,
      clock: counted,
      onError: (_error, kind) => failures.push(kind),
    });
    const ticket = admitted(guard, '/a');
    clock.advanceMs(40);
    ticket.finish(200);
    ticket.finish(500);
    expect(reads).toBe(2);
    expect(failures).toEqual([]);
    expect(slo.stats('/a')).toMatchObject({ count: 1, errorCount: 0 });
    expect(slo.p50('/a')).toBe(40);
  });

  it('records a request once, however often it is finished, with its status passed to isError', () => {
    const clock = new ManualClock(T0);
    const slo = new SLOTracker({ clock });
    const statuses: number[] = [];
    const guard = new RequestGuard('g', {
      slo,
      clock,
      isError: (status) => statuses.push(status) > 0 && status === 499,
    });
    const ticket = admitted(guard, '/slow');
    clock.advanceMs(40);
    ticket.finish(499, '/slow');
    clock.advanceMs(260);
    ticket.finish(200, '/slow');
    expect(statuses).toEqual([499]);
    expect(slo.stats('/slow')).toMatchObject({ count: 1, errorCount: 1 });
    expect(slo.p50('/slow')).toBe(40);
  });

  it("keeps the limiter's exact patterns out of the overflow, however many raw paths come first", () => {
    const clock = new ManualClock(T0);
    const slo = new SLOTracker({ clock });
    const limits = new EndpointRateLimiter({
      clock,
      rules: { '/embed/multimodal': { rate: 1000, perSeconds: 60 }, '/files/*': 'unlimited' },
    });
    const guard = new RequestGuard('g', { slo, limits, clock });
    for (let i = 0; i < 400; i++) admitted(guard, `/junk/${i}`).finish(200);
    admitted(guard, '/health').finish(200);
    admitted(guard, '/embed/multimodal').finish(200);
    expect(slo.stats('/health')?.count).toBe(1);
    expect(slo.stats('/embed/multimodal')?.count).toBe(1);
    expect(slo.stats(OVERFLOW_ENDPOINT)?.count).toBe(400 - slo.maxEndpoints);
  });

  it('refuses unknown option keys, naming the option other rate limiters call it', () => {
    expect(() => new RequestGuard('g', { keyGenerator: () => 'k' } as never)).toThrow(
      /`keyGenerator` is not an option \(use `clientKey`\)/,
    );
    expect(
      () => new RequestGuard('g', { standardHeaders: true, legacyHeaders: true } as never),
    ).toThrow(/`standardHeaders` is not an option.*`legacyHeaders` is not an option/);
    expect(() => new RequestGuard('g', { max: 5, windowMs: 60_000 } as never)).toThrow(
      /`max` is not an option.*`windowMs` is not an option/,
    );
    expect(() => new RequestGuard('g', { slos: new SLOTracker() } as never)).toThrow(
      /did you mean `slo`/,
    );
    expect(() => new RequestGuard('g', { skip: true } as never)).toThrow(TypeError);
  });

  it('refuses a brand that is not a non-empty string when it is made, not at the first refusal', () => {
    const limits = new EndpointRateLimiter({ rules: { '/a': { rate: 1, perSeconds: 60 } } });
    expect(() => new RequestGuard('g', { limits, brand: '' })).toThrow(
      new TypeError('g: `brand` must be a non-empty string, got "".'),
    );
    expect(() => new RequestGuard('g', { limits, brand: 7 as never })).toThrow(
      new TypeError('g: `brand` must be a non-empty string, got 7.'),
    );
  });
});

describe('RequestGuard hooks', () => {
  it('skip: takes no tokens and writes no fields, and the request is still tracked', () => {
    const clock = new ManualClock(T0);
    const slo = new SLOTracker({ clock });
    const limits = new EndpointRateLimiter({ clock, rules: { '/a': { rate: 1, perSeconds: 60 } } });
    const guard = new RequestGuard<string>('g', {
      slo,
      limits,
      clock,
      skip: (request) => request === 'internal',
    });
    for (let i = 0; i < 3; i++) {
      const ticket = guard.begin('internal', '/a', '192.0.2.1') as GuardTicket;
      expect(ticket.headers).toEqual({});
      ticket.finish(200);
    }
    expect((guard.begin('public', '/a', '192.0.2.1') as GuardStart).allowed).toBe(true);
    expect((guard.begin('public', '/a', '192.0.2.1') as GuardStart).allowed).toBe(false);
    expect(slo.stats('/a')?.count).toBe(3);
  });

  it('cost and refund: charges the named tokens, gives them back when the hook says so before the next request', () => {
    const clock = new ManualClock(T0);
    const limits = new EndpointRateLimiter({
      clock,
      rules: { '/login': { rate: 3, perSeconds: 60 } },
    });
    const guard = new RequestGuard<number>('g', {
      limits,
      clock,
      headers: 'legacy',
      clientKey: () => 'a',
      cost: (tokens) => tokens,
      refund: (status) => status < 400,
    });
    const first = guard.begin(2, '/login', 'a') as GuardTicket;
    expect(first.headers['X-RateLimit-Remaining']).toBe('1');
    first.finish(200);
    const second = guard.begin(1, '/login', 'a') as GuardTicket;
    expect(second.headers['X-RateLimit-Remaining']).toBe('2');
    second.finish(401);
    expect((guard.begin(1, '/login', 'a') as GuardTicket).headers['X-RateLimit-Remaining']).toBe(
      '1',
    );
  });

  it('limitedResponse: its status, headers and plain-text body, with Retry-After kept; a throwing hook falls back to the seed 429', () => {
    const clock = new ManualClock(T0);
    const limits = new EndpointRateLimiter({
      clock,
      rules: { '/a': { rate: 1, perSeconds: 60, name: 'a' } },
    });
    const failures: GuardFailureKind[] = [];
    const guard = new RequestGuard('g', {
      limits,
      clock,
      headers: 'none',
      limitedResponse: (info) => ({
        status: 503,
        headers: { 'retry-after': '1', 'Content-Type': 'text/x-slow' },
        body: `slow down, ${info.clientKey} (${info.rule.name})`,
      }),
    });
    admitted(guard, '/a', '192.0.2.9');
    expect(begun(guard, '/a', '192.0.2.9')).toEqual({
      allowed: false,
      status: 503,
      headers: { 'Content-Type': 'text/x-slow', 'Retry-After': '60' },
      body: 'slow down, 192.0.2.9 (a)',
    });
    const failing = new RequestGuard('g', {
      limits,
      clock,
      headers: 'none',
      onError: (_error, kind) => failures.push(kind),
      limitedResponse: () => ({ status: 42, body: '' }),
    });
    expect(begun(failing, '/a', '192.0.2.9')).toMatchObject({
      status: 429,
      headers: { 'Retry-After': '60' },
    });
    expect(failures).toEqual(['hook']);
  });
});
