/**
 * The Fastify and Hono services of the adapter benchmark, for bench/support/adapter-server.mjs:
 * each bare, with greenslo's guard (default headers: the seed's three X-RateLimit fields and the
 * two IETF ones), and with the peer stack doing the same job (a rate limiter and a prom-client
 * histogram). Neither peer limiter can write both header sets: @fastify/rate-limit writes its
 * X-RateLimit fields, hono-rate-limiter the IETF draft-7 ones, so each peer writes fewer fields
 * than the guard does.
 */
import { serve } from '@hono/node-server';
import rateLimitPlugin from '@fastify/rate-limit';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { rateLimiter } from 'hono-rate-limiter';
import * as fastifyAdapter from 'greenslo/fastify';
import * as honoAdapter from 'greenslo/hono';

/**
 * @param {{ variant: string, greensloParts: () => object, peerHistogram: () => import('prom-client').Histogram, onServed: () => void }} setup
 * @returns {Promise<import('node:http').Server>}
 */
export async function fastifyApp({ variant, greensloParts, peerHistogram, onServed }) {
  const app = Fastify({ logger: false });
  if (variant.startsWith('greenslo')) await app.register(fastifyAdapter.guard(greensloParts()));
  if (variant === 'peer') {
    await app.register(rateLimitPlugin, { max: 1e9, timeWindow: 60_000 });
    const histogram = peerHistogram();
    app.addHook('onRequest', (request, reply, done) => {
      request.endTimer = histogram.startTimer();
      done();
    });
    app.addHook('onResponse', (request, reply, done) => {
      request.endTimer({
        route: request.routeOptions.url ?? '(unmatched)',
        status: reply.statusCode,
      });
      done();
    });
  }
  app.get('/hello/:id', (request, reply) => {
    onServed();
    reply.send({ hello: request.params.id });
  });
  // The caller waits for 'listening', which comes after this function has returned.
  void app.listen({ port: 0, host: '127.0.0.1' });
  return app.server;
}

/**
 * @param {{ variant: string, greensloParts: () => object, peerHistogram: () => import('prom-client').Histogram, onServed: () => void }} setup
 * @returns {import('node:http').Server}
 */
export function honoApp({ variant, greensloParts, peerHistogram, onServed }) {
  const app = new Hono();
  if (variant.startsWith('greenslo'))
    app.use(honoAdapter.guard({ ...greensloParts(), clientKey: honoAdapter.clientKeys.node }));
  if (variant === 'peer') {
    const histogram = peerHistogram();
    const keyGenerator = (c) => c.env.incoming.socket.remoteAddress ?? '';
    app.use(
      rateLimiter({ windowMs: 60_000, limit: 1e9, standardHeaders: 'draft-7', keyGenerator }),
    );
    app.use(async (c, next) => {
      const end = histogram.startTimer();
      await next();
      end({ route: c.req.routePath, status: c.res.status });
    });
  }
  app.get('/hello/:id', (c) => {
    onServed();
    return c.json({ hello: c.req.param('id') });
  });
  return serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
}
