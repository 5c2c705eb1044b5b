import { describe, expect, it } from 'vitest';
import { EndpointRateLimiter } from '../../src/rate-limit/endpoint-rate-limiter.js';
import { DEFAULT_RATE_LIMITS, UNLIMITED_DECISION } from '../../src/rate-limit/endpoint-rules.js';
import { MemoryStore } from '../../src/rate-limit/memory-store.js';
import { ManualClock } from '../../src/testing/manual-clock.js';

const START_MS = 1_700_000_000_000;

function admittedInARow(
  limits: EndpointRateLimiter,
  endpoint: string,
  clientId: string,
  attempts: number,
): number {
  let admitted = 0;
  for (let i = 0; i < attempts; i++) if (limits.check(endpoint, clientId).allowed) admitted += 1;
  return admitted;
}

describe('DEFAULT_RATE_LIMITS', () => {
  it('holds the limits of the original service', () => {
    expect(DEFAULT_RATE_LIMITS).toEqual({
      '/embed/multimodal': { rate: 60, perSeconds: 60 },
      '/agents/plan': { rate: 10, perSeconds: 60 },
      '/agents/reflect': { rate: 20, perSeconds: 60 },
      '/health/*': 'unlimited',
      '/metrics': 'unlimited',
    });
    expect(Object.isFrozen(DEFAULT_RATE_LIMITS)).toBe(true);
  });
});

describe('EndpointRateLimiter', () => {
  it('applies each endpoint its own limit per minute, per client', () => {
    const limits = new EndpointRateLimiter({ clock: new ManualClock(START_MS) });
    expect(admittedInARow(limits, '/embed/multimodal', 'a', 100)).toBe(60);
    expect(admittedInARow(limits, '/agents/plan', 'a', 100)).toBe(10);
    expect(admittedInARow(limits, '/agents/reflect', 'a', 100)).toBe(20);
    expect(admittedInARow(limits, '/agents/plan', 'b', 100)).toBe(10);
  });

  it('never limits health endpoints and metrics, and answers them with the unlimited decision', () => {
    const limits = new EndpointRateLimiter({ clock: new ManualClock(START_MS) });
    for (const endpoint of [
      '/health',
      '/health/live',
      '/health/ready',
      '/health/deep/check',
      '/metrics',
    ]) {
      expect(admittedInARow(limits, endpoint, 'a', 1000)).toBe(1000);
      // One constant decision per unlimited rule: nothing is allocated or stored.
      expect(limits.check(endpoint, 'a', 1e9)).toBe(limits.check(endpoint, 'b'));
      expect(limits.check(endpoint, 'a')).toMatchObject({
        ...UNLIMITED_DECISION,
        rule: limits.match(endpoint),
      });
    }
    expect(UNLIMITED_DECISION).toEqual({
      allowed: true,
      limit: Infinity,
      remaining: Infinity,
      resetAtMs: 0,
      retryAfterMs: 0,
    });
  });

  it('does not confuse a path that only starts like a wildcard pattern', () => {
    const limits = new EndpointRateLimiter({
      rules: { '/health/*': 'unlimited' },
      default: { rate: 1, perSeconds: 60 },
      clock: new ManualClock(START_MS),
    });
    expect(admittedInARow(limits, '/healthy', 'a', 5)).toBe(1);
    expect(limits.match('/healthy').pattern).toBe('default');
  });

  it('prefers an exact pattern, then the longest wildcard', () => {
    const limits = new EndpointRateLimiter({
      rules: {
        '/api/*': { rate: 100, perSeconds: 1 },
        '/api/admin/*': { rate: 2, perSeconds: 1 },
        '/api/admin/login': { rate: 1, perSeconds: 60, burst: 3 },
      },
    });
    expect(limits.match('/api/users')).toMatchObject({
      pattern: '/api/*',
      name: '/api/*',
      rule: { rate: 100, perSeconds: 1, burst: 100, name: '/api/*' },
    });
    expect(limits.match('/api/admin/users').pattern).toBe('/api/admin/*');
    expect(limits.match('/api/admin/login')).toMatchObject({
      pattern: '/api/admin/login',
      rule: { rate: 1, perSeconds: 60, burst: 3 },
    });
    expect(limits.match('/other')).toEqual({
      pattern: 'default',
      name: 'default',
      rule: 'unlimited',
      fields: undefined,
    });
  });

  it('limits unmatched endpoints by the default rule when one is given', () => {
    const limits = new EndpointRateLimiter({
      rules: {},
      default: { rate: 3, perSeconds: 60 },
      clock: new ManualClock(START_MS),
    });
    expect(admittedInARow(limits, '/anything', 'a', 10)).toBe(3);
    expect(admittedInARow(limits, '/else', 'a', 10)).toBe(0);
  });

  it('refills over time like a RateLimiter', () => {
    const clock = new ManualClock(START_MS);
    const limits = new EndpointRateLimiter({ clock });
    admittedInARow(limits, '/agents/plan', 'a', 10);
    const refused = limits.check('/agents/plan', 'a');
    expect(refused).toEqual({
      allowed: false,
      limit: 10,
      remaining: 0,
      resetAtMs: START_MS + 60_000,
      retryAfterMs: 6000,
      rule: limits.match('/agents/plan'),
      key: 'a',
      cost: 1,
    });
    clock.advanceMs(6000);
    expect(limits.check('/agents/plan', 'a')).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('counts allowed and limited decisions per rule, unlimited ones included, the default only when given', () => {
    const limits = new EndpointRateLimiter({ clock: new ManualClock(START_MS) });
    admittedInARow(limits, '/agents/plan', 'a', 12);
    admittedInARow(limits, '/health/live', 'a', 3);
    admittedInARow(limits, '/unknown', 'a', 2);
    const row = (rule: string, allowed: number, limited: number) => ({
      rule,
      pattern: rule,
      allowed,
      limited,
      refunded: 0,
    });
    expect(limits.decisionCounts()).toEqual([
      row('/embed/multimodal', 0, 0),
      row('/agents/plan', 10, 2),
      row('/agents/reflect', 0, 0),
      row('/health/*', 3, 0),
      row('/metrics', 0, 0),
    ]);
    const withDefault = new EndpointRateLimiter({
      rules: {},
      default: 'unlimited',
      clock: new ManualClock(START_MS),
    });
    admittedInARow(withDefault, '/unknown', 'a', 2);
    expect(withDefault.decisionCounts()).toEqual([row('default', 2, 0)]);
  });

  it("reports the figures of each limited rule's own store, evictions included", () => {
    const limits = new EndpointRateLimiter({
      rules: { '/a': { rate: 1, perSeconds: 60 }, '/h/*': 'unlimited' },
      maxKeys: 2,
      clock: new ManualClock(START_MS),
    });
    for (const client of ['x', 'y', 'z']) limits.check('/a', client);
    expect(limits.storeStats()).toEqual([
      {
        rule: '/a',
        size: 2,
        maxKeys: 2,
        evictedActiveBuckets: 1,
        droppedFullBuckets: 0,
        sweeps: 0,
      },
    ]);
    expect(new EndpointRateLimiter({ store: new MemoryStore() }).storeStats()).toEqual([]);
  });

  it('takes `cost` tokens and resets one client or all', () => {
    const limits = new EndpointRateLimiter({ clock: new ManualClock(START_MS) });
    expect(limits.check('/agents/plan', 'a', 4).remaining).toBe(6);
    expect(limits.check('/agents/reflect', 'a', 5).remaining).toBe(15);
    limits.reset('a');
    expect(limits.check('/agents/plan', 'a').remaining).toBe(9);
    limits.reset();
    expect(limits.check('/agents/plan', 'a').remaining).toBe(9);
  });

  it('shares one given store between rules with the pattern as key prefix', () => {
    const store = new MemoryStore();
    const limits = new EndpointRateLimiter({ store, clock: new ManualClock(START_MS) });
    limits.check('/agents/plan', '203.0.113.7');
    limits.check('/agents/reflect', '203.0.113.7');
    expect(store.size).toBe(2);
    const policy = { capacity: 10, refillTokens: 10, refillIntervalMs: 60_000 };
    expect(store.remaining('/agents/plan 203.0.113.7', policy, START_MS)).toBe(9);
  });

  it('rejects bad patterns, rules, endpoints, client ids and costs', () => {
    expect(() => new EndpointRateLimiter({ rules: { 'agents/plan': 'unlimited' } })).toThrow(
      RangeError,
    );
    expect(() => new EndpointRateLimiter({ rules: { '/a/*/b': 'unlimited' } })).toThrow(RangeError);
    expect(() => new EndpointRateLimiter({ rules: { '/a b': 'unlimited' } })).toThrow(RangeError);
    expect(() => new EndpointRateLimiter({ rules: { '/a': { rate: 0, perSeconds: 60 } } })).toThrow(
      new RangeError('EndpointRateLimiter: `rules["/a"].rate` must be a finite number > 0, got 0.'),
    );
    expect(
      () => new EndpointRateLimiter({ rules: { '/a': { rate: 1, perSeconds: 60, burst: -2 } } }),
    ).toThrow(/`rules\["\/a"\]\.burst`/);
    expect(() => new EndpointRateLimiter({ rules: { '/a': 'none' as never } })).toThrow(RangeError);
    expect(() => new EndpointRateLimiter({ default: { rate: 1, perSeconds: Number.NaN } })).toThrow(
      /`default\.perSeconds`/,
    );
    expect(() => new EndpointRateLimiter({ rules: 'all' as never })).toThrow(TypeError);
    const limits = new EndpointRateLimiter();
    expect(() => limits.check('', 'a')).toThrow(TypeError);
    expect(() => limits.check('/agents/plan', '')).toThrow(
      new TypeError('EndpointRateLimiter: `clientId` must be a non-empty string, got "".'),
    );
    expect(() => limits.check('/health', '')).toThrow(TypeError);
    expect(() => limits.check('/agents/plan', 'a', 11)).toThrow(RangeError);
    expect(() => limits.check('/agents/plan', 'a', 1e-300)).toThrow(RangeError);
    expect(() => limits.check('/health', 'a', Infinity)).toThrow(RangeError);
    expect(
      limits.decisionCounts().every((count) => count.allowed === 0 && count.limited === 0),
    ).toBe(true);
  });
});

describe('EndpointRateLimiter path matching', () => {
  it('limits a path written with other letter case or trailing slashes as its pattern, sharing the bucket', () => {
    const limits = new EndpointRateLimiter({
      clock: new ManualClock(0),
      rules: { '/agents/plan': { rate: 2, perSeconds: 60 }, '/health/*': 'unlimited' },
    });
    expect(limits.match('/Agents/Plan/').pattern).toBe('/agents/plan');
    expect(limits.match('/agents/plan//').pattern).toBe('/agents/plan');
    expect(limits.match('/HEALTH/live').pattern).toBe('/health/*');
    const outcomes = ['/agents/plan', '/AGENTS/PLAN', '/agents/plan/'].map(
      (path) => limits.check(path, 'client').allowed,
    );
    expect(outcomes).toEqual([true, true, false]);
  });

  it('still tells apart paths that only share a prefix', () => {
    const limits = new EndpointRateLimiter({
      rules: { '/health/*': 'unlimited' },
      default: { rate: 1, perSeconds: 60 },
    });
    expect(limits.match('/healthy').pattern).toBe('default');
    expect(limits.match('/Health').pattern).toBe('/health/*');
  });

  it('rejects two patterns that would match the same paths', () => {
    expect(
      () =>
        new EndpointRateLimiter({
          rules: { '/a': 'unlimited', '/A/': { rate: 1, perSeconds: 1 } },
        }),
    ).toThrow(
      'EndpointRateLimiter: the rules for "/a" and "/A/" match the same paths (case and trailing slashes are ignored).',
    );
  });
});

describe('EndpointRateLimiter decisions carry their rule', () => {
  it('names each policy after its rule (its pattern unless named) in the decision, its header fields and its counts', () => {
    const limits = new EndpointRateLimiter({
      clock: new ManualClock(START_MS),
      rules: {
        '/login': { rate: 3, perSeconds: 60, name: 'login' },
        '/embed': { rate: 60, perSeconds: 60 },
      },
    });
    const login = limits.check('/login', 'a');
    expect(login.rule).toBe(limits.match('/login'));
    expect(login.rule).toMatchObject({
      pattern: '/login',
      name: 'login',
      rule: { rate: 3, perSeconds: 60, burst: 3, name: 'login' },
    });
    expect(login.rule.fields?.policyField).toBe('"login";q=3;w=60');
    expect(limits.check('/embed', 'a').rule.fields?.policyField).toBe('"/embed";q=60;w=60');
    expect(limits.decisionCounts().map(({ rule, pattern }) => [rule, pattern])).toEqual([
      ['login', '/login'],
      ['/embed', '/embed'],
    ]);
  });

  it('refuses two rules with one name, and names that are not printable ASCII', () => {
    expect(
      () =>
        new EndpointRateLimiter({
          rules: {
            '/a': { rate: 1, perSeconds: 1, name: 'x' },
            '/b': { rate: 1, perSeconds: 1, name: 'x' },
          },
        }),
    ).toThrow(/share the name "x"/);
    expect(
      () =>
        new EndpointRateLimiter({ rules: { '/a': { rate: 1, perSeconds: 1, name: 'caf\u00e9' } } }),
    ).toThrow(RangeError);
    expect(
      () => new EndpointRateLimiter({ rules: { '/a': { rate: 1, perSeconds: 1, name: '' } } }),
    ).toThrow(TypeError);
  });

  it('decides at the time it is given, without reading its clock, and checks that time', () => {
    const clock = { nowMs: () => Number.NaN };
    const limits = new EndpointRateLimiter({ clock, rules: { '/a': { rate: 1, perSeconds: 60 } } });
    expect(limits.check('/a', 'c', { nowMs: START_MS + 0.9 })).toMatchObject({
      allowed: true,
      resetAtMs: START_MS + 60_000,
    });
    expect(limits.check('/a', 'c', { nowMs: START_MS + 30_000, cost: 1 })).toMatchObject({
      allowed: false,
      retryAfterMs: 30_000,
    });
    for (const nowMs of [Number.NaN, -1, Infinity, 8.64e15 + 1])
      expect(() => limits.check('/a', 'c', { nowMs })).toThrow(RangeError);
    expect(() => limits.check('/a', 'c')).toThrow(RangeError);
  });

  it('gives the tokens of an admitted check back, so the next check sees them, and counts the refund', () => {
    const limits = new EndpointRateLimiter({
      clock: new ManualClock(START_MS),
      rules: { '/login': { rate: 3, perSeconds: 60 } },
    });
    const first = limits.check('/login', 'a', 2);
    expect(first.remaining).toBe(1);
    limits.refund(first);
    expect(limits.check('/login', 'a').remaining).toBe(2);
    // A refund never fills the bucket past its capacity, and a refused check gives nothing back.
    limits.refund(first);
    limits.refund(first);
    expect(limits.check('/login', 'a', 3)).toMatchObject({ allowed: true, remaining: 0 });
    const refused = limits.check('/login', 'a');
    limits.refund(refused);
    expect(limits.check('/login', 'a').allowed).toBe(false);
    expect(limits.decisionCounts()[0]).toMatchObject({ allowed: 3, limited: 2, refunded: 3 });
  });

  it('refuses unknown option and rule keys, with the name other libraries use', () => {
    expect(() => new EndpointRateLimiter({ windowMs: 60_000 } as never)).toThrow(
      /`windowMs` is not an option \(use `perSeconds`/,
    );
    expect(
      () =>
        new EndpointRateLimiter({ rules: { '/a': { rate: 1, perSeconds: 1, max: 5 } } } as never),
    ).toThrow(/`max` is not an option/);
    expect(() => new EndpointRateLimiter({ rulez: {} } as never)).toThrow(/did you mean `rules`/);
  });
});
