import { Hono, type Env } from 'hono';
import type { ContractParts } from './guard-contract.js';

/**
 * The contract's application routes on a Hono app, shared by the Hono adapter and the Fetch guard
 * wrapping a Hono app: the same endpoints, statuses and thrown error on both.
 */
export function addContractRoutes<E extends Env>(app: Hono<E>, parts: ContractParts): void {
  app.post('/embed/multimodal', (c) => c.json({ embedded: true }));
  app.get('/users/:id', (c) => c.json({ id: c.req.param('id') }));
  app.get('/fail', (c) => c.text('unavailable', 503));
  app.get('/boom', () => {
    throw new Error('boom');
  });
  app.get('/slow', async (c) => {
    await parts.gate.pass();
    return c.text('done');
  });
  app.post('/login', (c) => c.text('login', Number(c.req.header('x-status') ?? 200) as 200));
  const api = new Hono<E>();
  api.get('/items/:id', (c) => c.json({ item: c.req.param('id') }));
  app.route('/api', api);
  app.onError((_error, c) => c.text('handled', 500));
}
