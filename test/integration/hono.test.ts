import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve, type HttpBindings } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { describe, expect, it } from 'vitest';
import { EndpointRateLimiter, SLOTracker, UNMATCHED_ENDPOINT } from '../../src/index.js';
import * as honoAdapter from '../../src/adapters/hono.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import {
  baseGuardOptions,
  describeGuardContract,
  frameworkHooks,
  Gate,
  T0,
  type ContractParts,
  type RunningService,
} from './support/guard-contract.js';
import { addContractRoutes } from './support/hono-routes.js';

async function listen(server: Server): Promise<RunningService> {
  await new Promise<void>((resolve) =>
    server.listening ? resolve() : server.once('listening', resolve),
  );
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The contract's routes on Hono, served by @hono/node-server. */
async function honoService(parts: ContractParts): Promise<RunningService> {
  const app = new Hono<{ Bindings: HttpBindings }>();
  const clientKey = (c: Context): string => {
    const forwarded = c.req.header('x-forwarded-for');
    return parts.trustProxy && forwarded
      ? forwarded.split(',')[0]!.trim()
      : honoAdapter.clientKeys.node(c);
  };
  app.use(
    honoAdapter.guard({
      ...baseGuardOptions(parts),
      ...frameworkHooks(parts, (c: Context, name) => c.req.header(name)),
      clientKey,
    }),
  );
  const { health, live, ready } = honoAdapter.healthHandlers();
  app.get('/health', health).get('/health/live', live).get('/health/ready', ready);
  app.get(
    '/metrics',
    honoAdapter.metricsHandler({ slo: parts.slo, limits: parts.limits, energy: parts.energy }),
  );
  app.get(
    '/status',
    honoAdapter.statusPage({ slo: parts.slo, limits: parts.limits, clock: parts.clock }),
  );
  addContractRoutes(app, parts);
  return listen(serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }) as Server);
}

describeGuardContract([['Hono on @hono/node-server', honoService]]);

describe('Hono middleware specifics', () => {
  it('requires a clientKey with limits, at guard() time', () => {
    expect(() => honoAdapter.guard({ limits: new EndpointRateLimiter() })).toThrow(
      /`clientKey` must be a function when `limits` is given/,
    );
    expect(() =>
      honoAdapter.guard({
        limits: new EndpointRateLimiter(),
        clientKey: honoAdapter.clientKeys.cloudflare,
      }),
    ).not.toThrow();
    expect(() => honoAdapter.guard({ slo: new SLOTracker() })).not.toThrow();
  });

  it('mounted on a path: tracks only that part of the app, and folds its 404s into the unmatched key', async () => {
    const clock = new ManualClock(T0);
    const slo = new SLOTracker({ clock });
    const app = new Hono();
    app.use('/api/*', honoAdapter.guard({ slo, clock }));
    app.get('/api/users/:id', (c) => c.text('user'));
    app.get('/other', (c) => c.text('other'));
    for (const path of ['/api/users/1', '/api/users/2', '/api/missing', '/other', '/nowhere'])
      await app.request(path);
    expect(slo.stats('/api/users/:id')?.count).toBe(2);
    expect(slo.stats(UNMATCHED_ENDPOINT)?.count).toBe(1);
    expect([...slo.endpoints()].sort()).toEqual(['/api/users/:id', UNMATCHED_ENDPOINT].sort());
  });

  it('keys a 404 a route answered itself under that route, and one from a later middleware under the unmatched key', async () => {
    const clock = new ManualClock(T0);
    const slo = new SLOTracker({ clock });
    const app = new Hono();
    app.use(honoAdapter.guard({ slo, clock }));
    app.use('/admin/*', async (_c, next) => next());
    app.get('/users/:id', (c) => c.json({ user: null }, 404));
    for (const path of ['/users/1', '/admin/nothing', '/nothing'])
      expect((await app.request(path)).status).toBe(404);
    expect(slo.stats('/users/:id')?.count).toBe(1);
    expect(slo.stats(UNMATCHED_ENDPOINT)?.count).toBe(2);
  });

  it("puts the fields on the Response outside Node, the application's own winning, immutable headers included", async () => {
    const clock = new ManualClock(T0);
    const limits = new EndpointRateLimiter({ clock, default: { rate: 5, perSeconds: 60 } });
    const app = new Hono();
    app.use(honoAdapter.guard({ clock, limits, clientKey: () => 'client', headers: 'draft' }));
    app.get('/own', (c) => c.text('ok', 200, { RateLimit: 'app' }));
    app.get('/redirect', () => Response.redirect('http://localhost/elsewhere', 302));
    const own = await app.request('/own');
    expect(own.headers.get('RateLimit')).toBe('app');
    expect(own.headers.get('RateLimit-Policy')).toBe('"default";q=5;w=60');
    const redirect = await app.request('/redirect');
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('Location')).toBe('http://localhost/elsewhere');
    // 5 per 60 s, two tokens used: r=3, full again in 24 s.
    expect(redirect.headers.get('RateLimit')).toBe('"default";r=3;t=24');
  });

  it("records a client that went away through the request's signal outside Node, as 499", async () => {
    const clock = new ManualClock(T0);
    const slo = new SLOTracker({ clock });
    const statuses: number[] = [];
    const gate = new Gate();
    const app = new Hono();
    app.use(
      honoAdapter.guard({
        slo,
        clock,
        isError: (status) => statuses.push(status) > 0 && status >= 500,
      }),
    );
    app.get('/slow/:id', async (c) => {
      await gate.pass();
      return c.text('late');
    });
    const controller = new AbortController();
    const answer = app.fetch(new Request('http://localhost/slow/1', { signal: controller.signal }));
    await gate.entered;
    clock.advanceMs(40);
    controller.abort();
    expect(statuses).toEqual([499]);
    expect(slo.p50('/slow/:id')).toBe(40);
    gate.release();
    await answer;
    expect(statuses).toEqual([499]);
  });

  it('gives the hooks and clientKey the context', async () => {
    const clock = new ManualClock(T0);
    const seen: unknown[] = [];
    const app = new Hono();
    const limits = new EndpointRateLimiter({ clock, default: { rate: 1, perSeconds: 60 } });
    const note = (c: Context) => (seen.push(c), c);
    app.use(
      honoAdapter.guard({
        clock,
        limits,
        clientKey: (c) => note(c).req.header('x-client') ?? 'none',
        skip: (c) => note(c).req.path === '/skip',
      }),
    );
    app.get('/*', (c) => c.text('ok'));
    expect((await app.request('/x', { headers: { 'x-client': 'a' } })).status).toBe(200);
    expect((await app.request('/x', { headers: { 'x-client': 'a' } })).status).toBe(429);
    expect((await app.request('/x', { headers: { 'x-client': 'b' } })).status).toBe(200);
    expect(seen.length).toBe(6);
    for (const c of seen) expect(c).toMatchObject({ req: { raw: expect.any(Request) } });
  });
});
