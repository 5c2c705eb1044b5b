/**
 * The example service on Express: health and metrics endpoints, an embedding endpoint whose work
 * depends on the low-power mode, and two agent endpoints, all behind greenslo's `guard`.
 */
import express, { type Express } from 'express';
import { guard, healthHandlers, metricsHandler, statusPage } from '../../src/adapters/express.js';
import { createServiceParts, type ServiceParts } from '../shared/service-parts.js';
import { embed, plan, reflect, textOf } from '../shared/simulated-work.js';

/** Options of {@link createApp}. */
export interface AppOptions {
  /** The tracker, limits, energy monitor and low-power mode to use; built fresh when omitted. */
  readonly parts?: ServiceParts;
  /**
   * Whether to take the client address from `X-Forwarded-For` (Express' `trust proxy`). Only behind
   * a proxy that sets it: otherwise any client can pick its own rate-limit key.
   * @defaultValue false
   */
  readonly trustProxy?: boolean;
}

/** Builds the Express app, and returns it with the greenslo objects it is wired with. */
export function createApp(options: AppOptions = {}): { app: Express; parts: ServiceParts } {
  const parts = options.parts ?? createServiceParts();
  const { slo, limits, energy, lowPower } = parts;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy ?? false);
  app.use(guard({ slo, limits, energy }));
  app.use(express.json({ limit: '64kb' }));

  const { health, live, ready } = healthHandlers({ lowPower });
  app.get('/health', health);
  app.get('/health/ready', ready);
  app.get('/health/live', live);
  app.get('/metrics', metricsHandler({ slo, limits, energy, lowPower }));
  app.get('/status', statusPage({ slo, energy, limits, lowPower }));

  app.post(
    '/embed/multimodal',
    (req, res) => void res.json(embed(textOf(req.body, 'input'), lowPower.settings)),
  );
  app.post('/agents/plan', (req, res) => void res.json(plan(textOf(req.body, 'goal'))));
  app.post('/agents/reflect', (req, res) => void res.json(reflect(textOf(req.body, 'output'))));
  return { app, parts };
}
