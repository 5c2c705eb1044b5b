import { describe, expect, it } from 'vitest';
import { EndpointRateLimiter, SLOTracker, UNMATCHED_ENDPOINT } from '../../src/index.js';
import { guard, reportRoute } from '../../src/adapters/fetch.js';
import { ManualClock } from '../../src/testing/manual-clock.js';

describe('greenslo/fetch guard', () => {
  it('requires a clientKey when limits are set, at guard() time', () => {
    expect(() => guard(() => new Response('ok'), { limits: new EndpointRateLimiter() })).toThrow(
      TypeError,
    );
    expect(() =>
      guard(() => new Response('ok'), { limits: new EndpointRateLimiter(), clientKey: () => 'a' }),
    ).not.toThrow();
    expect(() => guard(() => new Response('ok'), { slo: new SLOTracker() })).not.toThrow();
  });

  it('re-throws a handler error unchanged and counts it as an error', async () => {
    const clock = new ManualClock();
    const slo = new SLOTracker({ clock });
    const failure = new Error('handler failed');
    const handler = guard(
      () => {
        throw failure;
      },
      { slo, clock },
    );
    await expect(handler(new Request('http://localhost/jobs'))).rejects.toBe(failure);
    expect(slo.stats('/jobs')).toMatchObject({ count: 1, errorCount: 1 });
  });

  it('answers synchronously when the handler does, and with a Promise when it returns one', async () => {
    const slo = new SLOTracker({ clock: new ManualClock() });
    const synchronous = guard(() => new Response('now'), { slo });
    const answer = synchronous(new Request('http://localhost/sync'));
    expect(answer).toBeInstanceOf(Response);
    expect(await (answer as Response).text()).toBe('now');
    const later = guard(() => Promise.resolve(new Response('later')), { slo })(
      new Request('http://localhost/async'),
    );
    expect(later).toBeInstanceOf(Promise);
    expect(await (await later).text()).toBe('later');
    const failure = new Error('async failure');
    await expect(
      guard(() => Promise.reject(failure), { slo })(new Request('http://localhost/async')),
    ).rejects.toBe(failure);
    expect(slo.stats('/sync')).toMatchObject({ count: 1, errorCount: 0 });
    expect(slo.stats('/async')).toMatchObject({ count: 2, errorCount: 1 });
  });

  it('measures latency until the handler returns its Response, keyed by the reported route', async () => {
    const clock = new ManualClock();
    const slo = new SLOTracker({ clock });
    const handler = guard(
      async (request: Request) => {
        await Promise.resolve();
        clock.advanceMs(42);
        reportRoute(request, '/users/:id');
        return new Response('{}', { status: 200 });
      },
      { slo, clock },
    );
    await handler(new Request('http://localhost/users/1'));
    expect(slo.stats('/users/:id')?.count).toBe(1);
    expect(slo.p50('/users/:id')).toBe(42);
  });

  it('folds 404s without a reported route into the unmatched endpoint', async () => {
    const slo = new SLOTracker({ clock: new ManualClock() });
    const handler = guard(() => new Response('not found', { status: 404 }), { slo });
    await handler(new Request('http://localhost/wp-admin.php'));
    expect(slo.endpoints()).toEqual([UNMATCHED_ENDPOINT]);
  });

  it('adds rate-limit headers to responses whose headers are immutable', async () => {
    const clock = new ManualClock(0);
    const limits = new EndpointRateLimiter({ clock, rules: { '/x': { rate: 5, perSeconds: 60 } } });
    // Response.redirect() returns a Response whose headers are immutable.
    const handler = guard(() => Response.redirect('http://localhost/y', 302), {
      limits,
      clientKey: () => 'client',
      clock,
    });
    expect(() => Response.redirect('http://localhost/y', 302).headers.set('a', 'b')).toThrow(
      TypeError,
    );
    const response = await handler(new Request('http://localhost/x'));
    expect(response.status).toBe(302);
    expect(response.headers.get('Location')).toBe('http://localhost/y');
    // 5 per 60 s, one token used: r=4, full again in 12 s.
    expect(response.headers.get('RateLimit')).toBe('"/x";r=4;t=12');
    expect(response.headers.get('RateLimit-Policy')).toBe('"/x";q=5;w=60');
    expect(response.headers.get('X-RateLimit-Remaining')).toBe('4');
  });

  it('keys requests by the URL path, as URL parses it, whatever the query, fragment, port or host', async () => {
    const urls = [
      'http://localhost/plain',
      'http://localhost:8080/with/port?x=1',
      'https://example.test/a/b/?q=/not/path#frag',
      'http://[::1]:3000/v6/host?',
      'http://localhost/fragment#x/y?z',
      'http://localhost/dots/../resolved/./here',
      'http://localhost/enc%20oded/%2F',
      'http://localhost?query=only',
      'http://localhost',
    ];
    const slo = new SLOTracker({ clock: new ManualClock() });
    const handler = guard(() => new Response('ok'), { slo });
    for (const url of urls) await handler(new Request(url));
    const expected = [...new Set(urls.map((url) => new URL(url).pathname))].sort();
    expect([...slo.endpoints()].sort()).toEqual(expected);
  });

  it("lets the application's own header fields win over the guard's", async () => {
    const clock = new ManualClock(0);
    const limits = new EndpointRateLimiter({ clock, default: { rate: 5, perSeconds: 60 } });
    const handler = guard(() => new Response('ok', { headers: { RateLimit: 'app' } }), {
      limits,
      clientKey: () => 'client',
      clock,
    });
    const response = await handler(new Request('http://localhost/x'));
    expect(response.headers.get('RateLimit')).toBe('app');
    expect(response.headers.get('RateLimit-Policy')).toBe('"default";q=5;w=60');
  });

  it("sets the fields on Node's response when the runtime passes one (@hono/node-server's env.outgoing)", async () => {
    const clock = new ManualClock(0);
    const limits = new EndpointRateLimiter({ clock, default: { rate: 5, perSeconds: 60 } });
    const set: [string, string][] = [];
    const outgoing = {
      headersSent: false,
      setHeader: (name: string, value: string) => set.push([name, value]),
    };
    const handler = guard(
      (_request: Request, _env: { outgoing: typeof outgoing }) => new Response('ok'),
      { limits, clientKey: () => 'client', clock },
    );
    const response = await handler(new Request('http://localhost/x'), { outgoing });
    expect(set).toEqual([
      ['X-RateLimit-Limit', '5'],
      ['X-RateLimit-Remaining', '4'],
      ['X-RateLimit-Reset', '12'],
      ['RateLimit', '"default";r=4;t=12'],
      ['RateLimit-Policy', '"default";q=5;w=60'],
    ]);
    expect(response.headers.get('RateLimit')).toBeNull();
  });

  it('states the sustained rate in the 429 message when the burst is larger', async () => {
    const clock = new ManualClock(0);
    const limits = new EndpointRateLimiter({
      clock,
      rules: { '/x': { rate: 10, perSeconds: 60, burst: 20 } },
    });
    const handler = guard(() => new Response('ok'), { limits, clientKey: () => 'client', clock });
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++)
      statuses.push((await handler(new Request('http://localhost/x'))).status);
    const refused = await handler(new Request('http://localhost/x'));
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(refused.status).toBe(429);
    const body = await refused.json();
    expect(body.error).toMatchObject({
      message: 'Rate limit exceeded for /x. Max 10 requests per minute.',
      limit: 10,
    });
    // 10 per 60 s: one token every 6 s.
    expect(body.retry_after).toBe(6);
    expect(refused.headers.get('RateLimit-Policy')).toBe('"/x";q=20;w=60');
  });

  it("keeps the limiter's rule patterns in series of their own after 400 distinct raw paths", async () => {
    const clock = new ManualClock(0);
    const slo = new SLOTracker({ clock });
    const limits = new EndpointRateLimiter({
      clock,
      rules: { '/embed/multimodal': { rate: 1000, perSeconds: 60 } },
    });
    // No reported routes and no endpoint function: the guard keys raw paths, and every one answers 200.
    const handler = guard(() => new Response('ok'), {
      slo,
      limits,
      clientKey: () => 'client',
      clock,
    });
    for (let i = 0; i < 400; i++) await handler(new Request(`http://localhost/junk/${i}`));
    await handler(new Request('http://localhost/health'));
    await handler(new Request('http://localhost/embed/multimodal'));
    expect(slo.stats('/health')?.count).toBe(1);
    expect(slo.stats('/embed/multimodal')?.count).toBe(1);
  });

  it('refuses unknown option keys before asking for a clientKey', () => {
    expect(() =>
      guard(() => new Response('ok'), {
        limits: new EndpointRateLimiter(),
        keyGenerator: () => 'k',
      } as never),
    ).toThrow(/`keyGenerator` is not an option \(use `clientKey`\)/);
  });
});
