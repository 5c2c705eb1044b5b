import Fastify, {
  type FastifyInstance,
  type FastifyPluginCallback,
  type FastifyRequest,
} from 'fastify';
import Fastify4 from 'fastify4';
import { afterEach, describe, expect, it } from 'vitest';
import { EndpointRateLimiter, SLOTracker, UNMATCHED_ENDPOINT } from '../../src/index.js';
import * as fastifyAdapter from '../../src/adapters/fastify.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { httpRequest } from './support/http-client.js';
import {
  baseGuardOptions,
  describeGuardContract,
  eventually,
  frameworkHooks,
  T0,
  type ContractParts,
  type ContractService,
  type RunningService,
} from './support/guard-contract.js';

type CreateApp = (options: { trustProxy: boolean }) => FastifyInstance;

const headerOf = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

async function listen(app: FastifyInstance): Promise<RunningService> {
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
}

/** The contract's routes on Fastify, with the guard registered first. */
function fastifyService(create: CreateApp): ContractService {
  return async (parts: ContractParts) => {
    const app = create({ trustProxy: parts.trustProxy });
    await app.register(
      fastifyAdapter.guard({ ...baseGuardOptions(parts), ...frameworkHooks(parts, headerOf) }),
    );
    const { health, live, ready } = fastifyAdapter.healthHandlers();
    app.get('/health', health);
    app.get('/health/live', live);
    app.get('/health/ready', ready);
    app.get(
      '/metrics',
      fastifyAdapter.metricsHandler({ slo: parts.slo, limits: parts.limits, energy: parts.energy }),
    );
    app.get(
      '/status',
      fastifyAdapter.statusPage({ slo: parts.slo, limits: parts.limits, clock: parts.clock }),
    );
    app.post('/embed/multimodal', (_request, reply) => reply.send({ embedded: true }));
    app.get('/users/:id', (request, reply) =>
      reply.send({ id: (request.params as { id: string }).id }),
    );
    app.get('/fail', (_request, reply) => reply.code(503).send('unavailable'));
    app.get('/boom', () => {
      throw new Error('boom');
    });
    app.get('/slow', async () => {
      await parts.gate.pass();
      return 'done';
    });
    app.post('/login', (request, reply) =>
      reply.code(Number(headerOf(request, 'x-status') ?? 200)).send('login'),
    );
    // Registered in an encapsulated child context: the guard must reach it all the same.
    const api: FastifyPluginCallback = (child, _options, done) => {
      child.get('/items/:id', (request, reply) =>
        reply.send({ item: (request.params as { id: string }).id }),
      );
      done();
    };
    await app.register(api, { prefix: '/api' });
    return listen(app);
  };
}

const fastify5: CreateApp = (options) => Fastify({ ...options, logger: false });
// Fastify 4's types differ in details that do not matter to these routes.
const fastify4 = ((options: { trustProxy: boolean }) =>
  Fastify4({ ...options, logger: false })) as unknown as CreateApp;

describeGuardContract([
  ['Fastify 5', fastifyService(fastify5)],
  ['Fastify 4', fastifyService(fastify4)],
]);

/** An encapsulated plugin with one route, as applications split their routes. */
const routePlugin =
  (path: string): FastifyPluginCallback =>
  (child, _options, done) => {
    child.get(path, (_request, reply) => reply.send('ok'));
    done();
  };

describe.each([
  ['Fastify 5', fastify5],
  ['Fastify 4', fastify4],
])('%s plugin specifics', (_name, create) => {
  let app: FastifyInstance | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('applies to routes of sibling plugins registered before and after it, not only its own context', async () => {
    const clock = new ManualClock(T0);
    const slo = new SLOTracker({ clock });
    app = create({ trustProxy: false });
    await app.register(routePlugin('/early/:id'));
    const rules = {
      '/early/*': { rate: 1, perSeconds: 60 },
      '/v1/late/*': { rate: 1, perSeconds: 60 },
    };
    await app.register(
      fastifyAdapter.guard({ slo, clock, limits: new EndpointRateLimiter({ clock, rules }) }),
    );
    await app.register(routePlugin('/late/:id'), { prefix: '/v1' });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    expect((await httpRequest(`${url}/v1/late/1`)).status).toBe(200);
    expect((await httpRequest(`${url}/v1/late/2`)).status).toBe(429);
    // Hooks apply to routes declared after them: the sibling registered earlier is tracked too,
    // because Fastify loads plugins in order and declares their routes once all are registered.
    expect((await httpRequest(`${url}/early/1`)).status).toBe(200);
    expect((await httpRequest(`${url}/early/2`)).status).toBe(429);
    await eventually(() => expect(slo.stats('/v1/late/:id')?.count).toBe(1));
    expect(slo.stats('/early/:id')?.count).toBe(1);
  });

  it('refuses before the body is parsed and the handler runs, and hooks receive Fastify requests', async () => {
    const clock = new ManualClock(T0);
    const seen: unknown[] = [];
    let handled = 0;
    app = create({ trustProxy: false });
    const limits = new EndpointRateLimiter({ clock, default: { rate: 1, perSeconds: 60 } });
    await app.register(
      fastifyAdapter.guard({ clock, limits, cost: (request) => (seen.push(request), 1) }),
    );
    app.post('/upload', (_request, reply) => reply.send(++handled));
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    expect((await httpRequest(`${url}/upload`, { method: 'POST' })).status).toBe(200);
    const refused = await httpRequest(`${url}/upload`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    expect(refused.status).toBe(429);
    expect(handled).toBe(1);
    expect(seen).toHaveLength(2);
    for (const request of seen)
      expect(request).toMatchObject({ method: 'POST', url: '/upload', raw: expect.anything() });
  });

  it('records a custom not-found handler under the unmatched key, and an explicit 404 of a route under its route', async () => {
    const clock = new ManualClock(T0);
    const slo = new SLOTracker({ clock });
    app = create({ trustProxy: false });
    await app.register(fastifyAdapter.guard({ slo, clock }));
    app.setNotFoundHandler((_request, reply) => reply.code(404).send({ missing: true }));
    app.get('/users/:id', (_request, reply) => reply.code(404).send({ user: null }));
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    for (const path of ['/nope', '/wp-login.php', '/users/1'])
      expect((await httpRequest(`${url}${path}`)).status).toBe(404);
    await eventually(() => expect(slo.stats(UNMATCHED_ENDPOINT)?.count).toBe(2));
    expect(slo.stats('/users/:id')?.count).toBe(1);
  });

  it('is typed as a plugin without importing Fastify at run time', () => {
    const plugin: FastifyPluginCallback = fastifyAdapter.guard();
    expect((plugin as unknown as Record<symbol, unknown>)[Symbol.for('skip-override')]).toBe(true);
  });
});
