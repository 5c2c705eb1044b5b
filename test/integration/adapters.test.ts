import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Router } from '@koa/router';
import { serve, type HttpBindings } from '@hono/node-server';
import express from 'express';
import express4 from 'express4';
import { Hono } from 'hono';
import { matchedRoutes } from 'hono/route';
import Koa, { type Context } from 'koa';
import * as expressAdapter from '../../src/adapters/express.js';
import * as fetchAdapter from '../../src/adapters/fetch.js';
import * as koaAdapter from '../../src/adapters/koa.js';
import {
  baseGuardOptions,
  describeGuardContract,
  frameworkHooks,
  type ContractService,
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

function expressService(create: () => express.Express): ContractService {
  return async (parts) => {
    const app = create();
    if (parts.trustProxy) app.set('trust proxy', true);
    app.use(
      expressAdapter.guard({
        ...baseGuardOptions(parts),
        ...frameworkHooks(parts, (req: express.Request, name) => req.get(name)),
      }),
    );
    const { health, live, ready } = expressAdapter.healthHandlers();
    app.get('/health', health);
    app.get('/health/live', live);
    app.get('/health/ready', ready);
    app.get(
      '/metrics',
      expressAdapter.metricsHandler({ slo: parts.slo, limits: parts.limits, energy: parts.energy }),
    );
    app.get(
      '/status',
      expressAdapter.statusPage({ slo: parts.slo, limits: parts.limits, clock: parts.clock }),
    );
    app.post('/embed/multimodal', (_req, res) => void res.json({ embedded: true }));
    app.get('/users/:id', (req, res) => void res.json({ id: req.params.id }));
    app.get('/fail', (_req, res) => void res.status(503).send('unavailable'));
    app.get('/boom', () => {
      throw new Error('boom');
    });
    app.get('/slow', (_req, res) => void parts.gate.pass().then(() => res.send('done')));
    app.post(
      '/login',
      (req, res) => void res.status(Number(req.get('x-status') ?? 200)).send('login'),
    );
    const api = express.Router();
    api.get('/items/:id', (req, res) => void res.json({ item: req.params.id }));
    app.use('/api', api);
    app.use(
      (
        _error: unknown,
        _req: express.Request,
        res: express.Response,
        _next: express.NextFunction,
      ) => void res.status(500).send('handled'),
    );
    return listen(app.listen(0, '127.0.0.1'));
  };
}

const koaService: ContractService = async (parts) => {
  const app = new Koa();
  app.silent = true;
  app.proxy = parts.trustProxy;
  app.use(
    koaAdapter.guard({
      ...baseGuardOptions(parts),
      ...frameworkHooks(parts, (ctx: Context, name) => ctx.get(name) || undefined),
    }),
  );
  const router = new Router();
  const { health, live, ready } = koaAdapter.healthHandlers();
  router.get('/health', health).get('/health/live', live).get('/health/ready', ready);
  router.get(
    '/metrics',
    koaAdapter.metricsHandler({ slo: parts.slo, limits: parts.limits, energy: parts.energy }),
  );
  router.get(
    '/status',
    koaAdapter.statusPage({ slo: parts.slo, limits: parts.limits, clock: parts.clock }),
  );
  router.post('/embed/multimodal', (ctx) => void (ctx.body = { embedded: true }));
  router.get('/users/:id', (ctx) => void (ctx.body = { id: ctx.params.id }));
  router.get('/fail', (ctx) => {
    ctx.status = 503;
    ctx.body = 'unavailable';
  });
  router.get('/boom', () => {
    throw new Error('boom');
  });
  router.get('/slow', async (ctx) => {
    await parts.gate.pass();
    ctx.body = 'done';
  });
  router.post('/login', (ctx) => {
    ctx.status = Number(ctx.get('x-status') || 200);
    ctx.body = 'login';
  });
  const api = new Router({ prefix: '/api' });
  api.get('/items/:id', (ctx) => void (ctx.body = { item: ctx.params.id }));
  app.use(router.routes()).use(api.routes());
  return listen(app.listen(0, '127.0.0.1'));
};

/** A Hono app served through the Fetch guard; `keepEnv: false` hides Node's response, so the guard watches `request.signal`. */
function fetchService(keepEnv: boolean): ContractService {
  return async (parts) => {
    const app = new Hono<{ Bindings: HttpBindings }>();
    app.use(async (c, next) => {
      await next();
      // The last matched route is the handler's, unless only middleware (method ALL) matched.
      const route = matchedRoutes(c).at(-1);
      if (route && route.method !== 'ALL') fetchAdapter.reportRoute(c.req.raw, route.path);
    });
    const { health, live, ready } = fetchAdapter.healthHandlers();
    app
      .get('/health', (c) => health(c.req.raw))
      .get('/health/live', (c) => live(c.req.raw))
      .get('/health/ready', (c) => ready(c.req.raw));
    const metrics = fetchAdapter.metricsHandler({
      slo: parts.slo,
      limits: parts.limits,
      energy: parts.energy,
    });
    app.get('/metrics', (c) => metrics(c.req.raw));
    const status = fetchAdapter.statusPage({
      slo: parts.slo,
      limits: parts.limits,
      clock: parts.clock,
    });
    app.get('/status', (c) => status(c.req.raw));
    addContractRoutes(app, parts);
    const clientKey = (request: Request, env: Partial<HttpBindings>): string => {
      const forwarded = request.headers.get('x-forwarded-for');
      return parts.trustProxy && forwarded
        ? forwarded.split(',')[0]!.trim()
        : (env.incoming?.socket.remoteAddress ?? '');
    };
    const hooks = frameworkHooks(
      parts,
      (request: Request, name) => request.headers.get(name) ?? undefined,
    );
    const handler = fetchAdapter.guard(
      (request: Request, env: Partial<HttpBindings>) => app.fetch(request, env),
      { ...baseGuardOptions(parts), ...hooks, clientKey },
    );
    const fetch = keepEnv
      ? handler
      : (request: Request, env: HttpBindings) => handler(request, { incoming: env.incoming });
    return listen(
      serve({
        fetch: fetch as (request: Request, env: unknown) => Promise<Response>,
        hostname: '127.0.0.1',
        port: 0,
      }) as Server,
    );
  };
}

const SERVICES: ReadonlyArray<readonly [string, ContractService]> = [
  ['Express 5', expressService(() => express())],
  ['Express 4', expressService(() => express4())],
  ['Koa 3 + @koa/router', koaService],
  ["Fetch handler (Hono on @hono/node-server, Node's response)", fetchService(true)],
  ['Fetch handler (Hono on @hono/node-server, request.signal)', fetchService(false)],
];

describeGuardContract(SERVICES);
