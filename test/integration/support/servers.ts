import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Router } from '@koa/router';
import { serve, type HttpBindings } from '@hono/node-server';
import express from 'express';
import express4 from 'express4';
import { Hono } from 'hono';
import { matchedRoutes } from 'hono/route';
import Koa from 'koa';
import type { EndpointRateLimiter, EnergyMonitor, SLOTracker } from '../../../src/index.js';
import * as expressAdapter from '../../../src/adapters/express.js';
import * as fetchAdapter from '../../../src/adapters/fetch.js';
import * as koaAdapter from '../../../src/adapters/koa.js';
import type { Clock } from '../../../src/core/clock.js';
import type { GuardHeaders } from '../../../src/http/guard-options.js';

/** What every test service is built from. */
export interface ServiceParts {
  readonly slo?: SLOTracker | undefined;
  readonly limits?: EndpointRateLimiter | undefined;
  readonly energy?: EnergyMonitor | undefined;
  readonly clock: Clock;
  /** Rate-limit header fields the guard writes (its default when absent). */
  readonly headers?: GuardHeaders | undefined;
  /** Whether the framework trusts X-Forwarded-For from the proxy in front of it. */
  readonly trustProxy: boolean;
  /** Receives failures of tracking; the response must proceed regardless. */
  readonly onError: (error: unknown) => void;
}

export interface RunningService {
  readonly url: string;
  close(): Promise<void>;
}

export type StartService = (parts: ServiceParts) => Promise<RunningService>;

async function listen(server: Server): Promise<RunningService> {
  await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', resolve)));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function guardOptions(parts: ServiceParts) {
  return { slo: parts.slo, limits: parts.limits, energy: parts.energy, clock: parts.clock, headers: parts.headers, onError: parts.onError };
}

function expressService(create: () => express.Express): StartService {
  return async (parts) => {
    const app = create();
    if (parts.trustProxy) app.set('trust proxy', true);
    app.use(expressAdapter.guard(guardOptions(parts)));
    const { health, live, ready } = expressAdapter.healthHandlers();
    app.get('/health', health);
    app.get('/health/live', live);
    app.get('/health/ready', ready);
    app.get('/metrics', expressAdapter.metricsHandler({ slo: parts.slo, limits: parts.limits, energy: parts.energy }));
    app.get('/status', expressAdapter.statusPage({ slo: parts.slo, limits: parts.limits, clock: parts.clock }));
    app.post('/embed/multimodal', (_req, res) => void res.json({ embedded: true }));
    app.get('/users/:id', (req, res) => void res.json({ id: req.params.id }));
    app.get('/fail', (_req, res) => void res.status(503).send('unavailable'));
    app.get('/boom', () => {
      throw new Error('boom');
    });
    app.use((_error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => void res.status(500).send('handled'));
    return listen(app.listen(0, '127.0.0.1'));
  };
}

const koaService: StartService = async (parts) => {
  const app = new Koa();
  app.silent = true;
  app.proxy = parts.trustProxy;
  app.use(koaAdapter.guard(guardOptions(parts)));
  const router = new Router();
  const { health, live, ready } = koaAdapter.healthHandlers();
  router.get('/health', health).get('/health/live', live).get('/health/ready', ready);
  router.get('/metrics', koaAdapter.metricsHandler({ slo: parts.slo, limits: parts.limits, energy: parts.energy }));
  router.get('/status', koaAdapter.statusPage({ slo: parts.slo, limits: parts.limits, clock: parts.clock }));
  router.post('/embed/multimodal', (ctx) => {
    ctx.body = { embedded: true };
  });
  router.get('/users/:id', (ctx) => {
    ctx.body = { id: ctx.params.id };
  });
  router.get('/fail', (ctx) => {
    ctx.status = 503;
    ctx.body = 'unavailable';
  });
  router.get('/boom', () => {
    throw new Error('boom');
  });
  app.use(router.routes());
  return listen(app.listen(0, '127.0.0.1'));
};

const fetchService: StartService = async (parts) => {
  const app = new Hono<{ Bindings: HttpBindings }>();
  app.use(async (c, next) => {
    await next();
    // The last matched route is the handler's, unless only middleware (method ALL) matched.
    const route = matchedRoutes(c).at(-1);
    if (route && route.method !== 'ALL') fetchAdapter.reportRoute(c.req.raw, route.path);
  });
  const { health, live, ready } = fetchAdapter.healthHandlers();
  app.get('/health', (c) => health(c.req.raw));
  app.get('/health/live', (c) => live(c.req.raw));
  app.get('/health/ready', (c) => ready(c.req.raw));
  const metrics = fetchAdapter.metricsHandler({ slo: parts.slo, limits: parts.limits, energy: parts.energy });
  app.get('/metrics', (c) => metrics(c.req.raw));
  const status = fetchAdapter.statusPage({ slo: parts.slo, limits: parts.limits, clock: parts.clock });
  app.get('/status', (c) => status(c.req.raw));
  app.post('/embed/multimodal', (c) => c.json({ embedded: true }));
  app.get('/users/:id', (c) => c.json({ id: c.req.param('id') }));
  app.get('/fail', (c) => c.text('unavailable', 503));
  app.get('/boom', () => {
    throw new Error('boom');
  });
  app.onError((_error, c) => c.text('handled', 500));
  const clientKey = (request: Request, env: HttpBindings): string => {
    const forwarded = request.headers.get('x-forwarded-for');
    if (parts.trustProxy && forwarded) return forwarded.split(',')[0]!.trim();
    return env.incoming.socket.remoteAddress ?? '';
  };
  const handler = fetchAdapter.guard((request: Request, env: HttpBindings) => app.fetch(request, env), { ...guardOptions(parts), clientKey });
  return listen(serve({ fetch: handler as (request: Request, env: unknown) => Promise<Response>, hostname: '127.0.0.1', port: 0 }) as Server);
};

/** The frameworks the behavioural suite runs against. */
export const SERVICES: ReadonlyArray<readonly [string, StartService]> = [
  ['Express 5', expressService(() => express())],
  ['Express 4', expressService(() => express4())],
  ['Koa 3 + @koa/router', koaService],
  ['Fetch handler (Hono on @hono/node-server)', fetchService],
];
