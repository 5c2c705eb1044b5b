/**
 * The example service on Koa with `@koa/router`: the same endpoints as the Express one, behind
 * greenslo's `guard`.
 */
import { Router } from '@koa/router';
import Koa from 'koa';
import { guard, healthHandlers, metricsHandler, statusPage } from '../../src/adapters/koa.js';
import { createServiceParts, type ServiceParts } from '../shared/service-parts.js';
import { embed, plan, reflect, textOf } from '../shared/simulated-work.js';
import { readJson } from './read-json.js';

/** Options of {@link createApp}. */
export interface AppOptions {
  /** The tracker, limits, energy monitor and low-power mode to use; built fresh when omitted. */
  readonly parts?: ServiceParts;
  /**
   * Whether to take the client address from `X-Forwarded-For` (Koa's `app.proxy`).
   * @defaultValue false
   */
  readonly trustProxy?: boolean;
}

/** Builds the Koa app, and returns it with the greenslo objects it is wired with. */
export function createApp(options: AppOptions = {}): { app: Koa; parts: ServiceParts } {
  const parts = options.parts ?? createServiceParts();
  const { slo, limits, energy, lowPower } = parts;
  const app = new Koa();
  app.proxy = options.trustProxy ?? false;
  app.use(guard({ slo, limits, energy }));

  const router = new Router();
  const { health, live, ready } = healthHandlers({ lowPower });
  router.get('/health', health).get('/health/ready', ready).get('/health/live', live);
  router.get('/metrics', metricsHandler({ slo, limits, energy, lowPower }));
  router.get('/status', statusPage({ slo, energy, limits, lowPower }));
  router.post('/embed/multimodal', async (ctx) => {
    ctx.body = embed(textOf(await readJson(ctx.req), 'input'), lowPower.settings);
  });
  router.post('/agents/plan', async (ctx) => {
    ctx.body = plan(textOf(await readJson(ctx.req), 'goal'));
  });
  router.post('/agents/reflect', async (ctx) => {
    ctx.body = reflect(textOf(await readJson(ctx.req), 'output'));
  });
  app.use(router.routes()).use(router.allowedMethods());
  return { app, parts };
}
