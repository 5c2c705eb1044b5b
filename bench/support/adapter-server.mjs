/**
 * One HTTP service for the adapter overhead benchmark, run in its own process so that its CPU time
 * is measured alone: `node bench/support/adapter-server.mjs <framework> <variant>`. Plain JavaScript
 * on the built package (run `npm run build` first), as users run it.
 * It reports its port over IPC and answers `{ type: 'stats' }` with its CPU time and request count.
 */
import { serve } from '@hono/node-server';
import { Router } from '@koa/router';
import express from 'express';
import { rateLimit } from 'express-rate-limit';
import { Hono } from 'hono';
import Koa from 'koa';
import { Histogram, Registry } from 'prom-client';
import { RateLimiterMemory } from 'rate-limiter-flexible';
// The built package (self-reference to dist/, as users receive it): the peers are compiled code too.
import { EndpointRateLimiter, EnergyMonitor, SLOTracker } from 'greenslo';
import * as expressAdapter from 'greenslo/express';
import * as fetchAdapter from 'greenslo/fetch';
import * as koaAdapter from 'greenslo/koa';
import { cpuPowerSource } from 'greenslo/node';

const [framework, variant] = process.argv.slice(2);
let served = 0;
/** The draft fields the guard writes in this benchmark, as constants, for the `+fields` probes. */
const CONSTANT_FIELDS = {
  RateLimit: '"default";r=999999999;t=1',
  'RateLimit-Policy': '"default";q=1000000000;w=1',
};

function greensloParts() {
  return {
    ...(variant === 'greenslo-both'
      ? { headers: 'both' }
      : variant.startsWith('greenslo-none')
        ? { headers: 'none' }
        : {}),
    slo: new SLOTracker(),
    // Allow-all policy: the bucket arithmetic runs on every request, but never refuses.
    limits: new EndpointRateLimiter({ rules: {}, default: { rate: 1e9, perSeconds: 1 } }),
    energy: new EnergyMonitor({ powerSource: cpuPowerSource() }),
  };
}

/**
 * Both header sets, as express-rate-limit writes them with standardHeaders and legacyHeaders on,
 * from a rate-limiter-flexible result: the Koa and Fetch peers do the same job as the guard.
 */
function peerHeaders(result, set) {
  const resetSeconds = Math.ceil(result.msBeforeNext / 1000);
  set('X-RateLimit-Limit', '1000000000');
  set('X-RateLimit-Remaining', String(result.remainingPoints));
  set('X-RateLimit-Reset', String(Math.ceil((Date.now() + result.msBeforeNext) / 1000)));
  set('RateLimit', `"default";r=${result.remainingPoints};t=${resetSeconds}`);
  set('RateLimit-Policy', '"default";q=1000000000;w=60');
}

function peerHistogram() {
  return new Histogram({
    name: 'http_request_duration_seconds',
    help: 'request latency',
    labelNames: ['route', 'status'],
    registers: [new Registry()],
  });
}

function expressApp() {
  const app = express();
  if (variant === 'noop') app.use((req, res, next) => next());
  if (variant.startsWith('greenslo')) app.use(expressAdapter.guard(greensloParts()));
  if (variant === 'peer') {
    const histogram = peerHistogram();
    app.use(
      rateLimit({ windowMs: 60_000, limit: 1e9, standardHeaders: 'draft-8', legacyHeaders: true }),
    );
    app.use((req, res, next) => {
      const end = histogram.startTimer();
      res.once('finish', () => end({ route: req.route?.path ?? req.path, status: res.statusCode }));
      next();
    });
  }
  app.get('/hello/:id', (req, res) => {
    served++;
    res.json({ hello: req.params.id });
  });
  return app.listen(0, '127.0.0.1');
}

function koaApp() {
  const app = new Koa();
  if (variant === 'noop') app.use((ctx, next) => next());
  if (variant.startsWith('greenslo')) app.use(koaAdapter.guard(greensloParts()));
  if (variant.endsWith('+fields')) {
    // Probe: the guard's two draft fields, constant, set by a middleware of their own.
    app.use((ctx, next) => {
      for (const name in CONSTANT_FIELDS) ctx.res.setHeader(name, CONSTANT_FIELDS[name]);
      return next();
    });
  }
  if (variant === 'peer') {
    const histogram = peerHistogram();
    const limiter = new RateLimiterMemory({ points: 1e9, duration: 60 });
    app.use(async (ctx, next) => {
      peerHeaders(await limiter.consume(ctx.ip), (name, value) => ctx.set(name, value));
      const end = histogram.startTimer();
      await next();
      end({ route: ctx._matchedRoute ?? ctx.path, status: ctx.status });
    });
  }
  const router = new Router();
  router.get('/hello/:id', (ctx) => {
    served++;
    ctx.body = { hello: ctx.params.id };
  });
  app.use(router.routes());
  return app.listen(0, '127.0.0.1');
}

function fetchApp() {
  const app = new Hono();
  let fetch = (request, env) => app.fetch(request, env);
  if (variant === 'peer') {
    const histogram = peerHistogram();
    const limiter = new RateLimiterMemory({ points: 1e9, duration: 60 });
    app.use(async (c, next) => {
      peerHeaders(await limiter.consume(c.env.incoming.socket.remoteAddress ?? ''), (name, value) =>
        c.header(name, value),
      );
      const end = histogram.startTimer();
      await next();
      end({ route: c.req.routePath, status: c.res.status });
    });
  }
  if (variant === 'noop') {
    const inner = fetch;
    fetch = (request, env) => inner(request, env);
  }
  app.get('/hello/:id', (c) => {
    served++;
    return c.json({ hello: c.req.param('id') });
  });
  if (variant.startsWith('greenslo')) {
    fetch = fetchAdapter.guard(fetch, {
      ...greensloParts(),
      clientKey: (_request, env) => env.incoming.socket.remoteAddress ?? '',
    });
  }
  return serve({ fetch, hostname: '127.0.0.1', port: 0 });
}

/** Fastify and Hono live in framework-apps.mjs, loaded only for them. */
async function frameworkApp() {
  const apps = await import('./framework-apps.mjs');
  const setup = { variant, greensloParts, peerHistogram, onServed: () => served++ };
  return framework === 'fastify' ? apps.fastifyApp(setup) : apps.honoApp(setup);
}

const server =
  framework === 'express'
    ? expressApp()
    : framework === 'koa'
      ? koaApp()
      : framework === 'fastify' || framework === 'hono'
        ? await frameworkApp()
        : fetchApp();
server.once('listening', () => process.send?.({ type: 'ready', port: server.address().port }));
let cpuAtStart = process.cpuUsage();
let servedAtStart = 0;
process.on('message', (message) => {
  if (message.type === 'start') {
    cpuAtStart = process.cpuUsage();
    servedAtStart = served;
    process.send?.({ type: 'started' });
  } else if (message.type === 'stats') {
    const cpu = process.cpuUsage(cpuAtStart);
    process.send?.({
      type: 'stats',
      cpuMicros: cpu.user + cpu.system,
      served: served - servedAtStart,
    });
  } else if (message.type === 'stop') {
    server.close(() => process.exit(0));
    server.closeAllConnections?.();
  }
});
