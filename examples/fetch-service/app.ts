/**
 * The example service as a Fetch handler (Hono), served on Node by `@hono/node-server`: the same
 * endpoints as the Express one, the whole app wrapped by greenslo's `guard`.
 */
import type { HttpBindings } from '@hono/node-server';
import { Hono } from 'hono';
import { matchedRoutes } from 'hono/route';
import {
  guard,
  healthHandlers,
  metricsHandler,
  statusPage,
  reportRoute,
  type FetchHandler,
} from '../../src/adapters/fetch.js';
import { createServiceParts, type ServiceParts } from '../shared/service-parts.js';
import { embed, plan, reflect, textOf } from '../shared/simulated-work.js';

/** Options of {@link createApp}. */
export interface AppOptions {
  /** The tracker, limits, energy monitor and low-power mode to use; built fresh when omitted. */
  readonly parts?: ServiceParts;
  /**
   * Whether to take the client address from `X-Forwarded-For` rather than the socket.
   * @defaultValue false
   */
  readonly trustProxy?: boolean;
}

/** The guarded handler, as `serve({ fetch })` and other Fetch runtimes take it. */
export type GuardedFetch = FetchHandler<[env: HttpBindings]>;

async function bodyOf(request: Request): Promise<unknown> {
  return request.json().catch(() => undefined);
}

/** Builds the Hono app and its guarded handler, with the greenslo objects they are wired with. */
export function createApp(options: AppOptions = {}): {
  app: Hono<{ Bindings: HttpBindings }>;
  fetch: GuardedFetch;
  parts: ServiceParts;
} {
  const parts = options.parts ?? createServiceParts();
  const { slo, limits, energy, lowPower } = parts;
  const app = new Hono<{ Bindings: HttpBindings }>();
  app.use(async (c, next) => {
    await next();
    // Track `/users/:id` as one endpoint: the last matched route is the handler's.
    const route = matchedRoutes(c).at(-1);
    if (route && route.method !== 'ALL') reportRoute(c.req.raw, route.path);
  });

  const { health, live, ready } = healthHandlers({ lowPower });
  const metrics = metricsHandler({ slo, limits, energy, lowPower });
  app.get('/health', (c) => health(c.req.raw));
  app.get('/health/ready', (c) => ready(c.req.raw));
  app.get('/health/live', (c) => live(c.req.raw));
  app.get('/metrics', (c) => metrics(c.req.raw));
  const status = statusPage({ slo, energy, limits, lowPower });
  app.get('/status', (c) => status(c.req.raw));
  app.post('/embed/multimodal', async (c) =>
    c.json(embed(textOf(await bodyOf(c.req.raw), 'input'), lowPower.settings)),
  );
  app.post('/agents/plan', async (c) => c.json(plan(textOf(await bodyOf(c.req.raw), 'goal'))));
  app.post('/agents/reflect', async (c) =>
    c.json(reflect(textOf(await bodyOf(c.req.raw), 'output'))),
  );

  const trustProxy = options.trustProxy ?? false;
  const clientKey = (request: Request, env: HttpBindings): string => {
    const forwarded = trustProxy ? request.headers.get('x-forwarded-for') : null;
    return forwarded ? forwarded.split(',')[0]!.trim() : (env.incoming.socket.remoteAddress ?? '');
  };
  const fetch = guard((request: Request, env: HttpBindings) => app.fetch(request, env), {
    slo,
    limits,
    energy,
    clientKey,
  });
  return { app, fetch, parts };
}
