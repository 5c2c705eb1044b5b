/**
 * The behaviour every adapter's guard promises (DESIGN.md "Adapters"), as one suite run against a
 * real server of each framework over HTTP on 127.0.0.1. A service builds its app from
 * {@link ContractParts} and serves the routes listed in {@link ContractService}.
 */
import { request as httpRequestRaw } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import {
  EndpointRateLimiter,
  EnergyMonitor,
  SLOTracker,
  UNMATCHED_ENDPOINT,
} from '../../../src/index.js';
import type {
  GuardFailureKind,
  GuardHeaders,
  LimitedResponseInit,
} from '../../../src/http/guard-options.js';
import { ManualClock } from '../../../src/testing/manual-clock.js';
import { ManualPowerSource } from '../../../src/testing/manual-power-source.js';
import { httpRequest, type HttpReply } from './http-client.js';

export const T0 = 1_700_000_000_000;

/** Reads a request header by lower-case name, whatever the framework. */
export type HeaderReader = (name: string) => string | undefined;

/** The guard's hooks in framework-neutral terms; each service wraps them for its own request type. */
export interface NeutralHooks {
  readonly skip?: (header: HeaderReader) => boolean;
  readonly cost?: (header: HeaderReader) => number;
  readonly refund?: (status: number, header: HeaderReader) => boolean;
  readonly limitedResponse?: (info: {
    endpoint: string;
    clientKey: string;
    ruleName: string;
    retryAfterMs: number;
  }) => LimitedResponseInit;
}

/** A handler that waits until the test lets it go, to test clients that leave. */
export class Gate {
  #enter!: () => void;
  #release!: () => void;
  readonly entered = new Promise<void>((resolve) => (this.#enter = resolve));
  readonly released = new Promise<void>((resolve) => (this.#release = resolve));
  /** Called by the handler on entry; resolves when the test releases it. */
  async pass(): Promise<void> {
    this.#enter();
    await this.released;
  }
  release(): void {
    this.#release();
  }
}

/** What a service is built from. */
export interface ContractParts {
  readonly clock: ManualClock;
  readonly slo: SLOTracker;
  readonly limits?: EndpointRateLimiter | undefined;
  readonly energy?: EnergyMonitor | undefined;
  readonly headers?: GuardHeaders | undefined;
  /** Whether the framework trusts X-Forwarded-For from the proxy in front of it. */
  readonly trustProxy: boolean;
  readonly onError: (error: unknown, kind: GuardFailureKind) => void;
  readonly isError?: ((status: number) => boolean) | undefined;
  readonly hooks: NeutralHooks;
  /** Every request object a hook received, to check it is the framework's own. */
  readonly hookRequests: unknown[];
  /** Holds GET /slow until released. */
  readonly gate: Gate;
}

export interface RunningService {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Starts a service with the guard app-wide and these routes: GET /health, /health/live,
 * /health/ready, /metrics, /status (greenslo's handlers); POST /embed/multimodal (200);
 * GET /users/:id (200 `{ id }`); GET /fail (503); GET /boom (throws; the framework answers 500);
 * GET /slow (waits on the gate, then 200); POST /login (the status in `x-status`, default 200);
 * GET /api/items/:id, mounted under the prefix `/api` the framework's way.
 */
export type ContractService = (parts: ContractParts) => Promise<RunningService>;

/** Waits, a bounded number of event-loop turns, until `check` stops throwing. */
export async function eventually(check: () => void): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return check();
    } catch (error) {
      if (attempt >= 200) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

/** Sends a request and destroys the connection once `gate` says the handler runs; resolves when closed. */
export async function disconnectDuring(url: string, gate: Gate): Promise<void> {
  const req = httpRequestRaw(url, { agent: false, localAddress: '127.0.0.1' });
  const closed = new Promise<void>((resolve) => req.on('close', resolve));
  req.on('error', () => undefined);
  req.end();
  await gate.entered;
  req.destroy();
  await closed;
}

const rateLimitHeaderNames = [
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'ratelimit',
  'ratelimit-policy',
  'retry-after',
];
export const rateLimitHeadersOf = (reply: HttpReply) =>
  rateLimitHeaderNames.filter((name) => reply.headers[name] !== undefined);

const SEED_429 =
  '{"error":{"code":"rate_limit_exceeded","message":"Rate limit exceeded for /embed/multimodal. Max 60 requests per minute.","endpoint":"/embed/multimodal","limit":60},"retry_after":1}';

/** Runs the adapter contract against each named service. */
export function describeGuardContract(
  services: ReadonlyArray<readonly [string, ContractService]>,
): void {
  describe.each(services)('%s guard over real HTTP on 127.0.0.1', (_name, startService) => {
    let service: RunningService | undefined;
    let parts: ContractParts;
    let errors: [unknown, GuardFailureKind][] = [];
    let statuses: number[] = [];

    afterEach(async () => {
      parts?.gate.release();
      await service?.close();
      service = undefined;
    });

    async function start(overrides: Partial<ContractParts> = {}) {
      const clock = overrides.clock ?? new ManualClock(T0);
      errors = [];
      statuses = [];
      parts = {
        clock,
        slo: new SLOTracker({ clock }),
        limits: new EndpointRateLimiter({ clock }),
        trustProxy: false,
        onError: (error, kind) => errors.push([error, kind]),
        // Every status the guard records passes through isError: the test reads them here.
        isError: (status) => statuses.push(status) > 0 && status >= 500,
        hooks: {},
        hookRequests: [],
        gate: new Gate(),
        ...overrides,
      };
      service = await startService(parts);
      return { ...parts, url: service.url };
    }

    it('admits 60 requests a minute to /embed/multimodal with both header sets, then answers the seed 429 with Retry-After', async () => {
      const { url } = await start();
      for (let i = 1; i <= 60; i++) {
        const reply = await httpRequest(`${url}/embed/multimodal`, { method: 'POST' });
        expect(reply.status).toBe(200);
        expect(reply.headers['x-ratelimit-limit']).toBe('60');
        expect(reply.headers['x-ratelimit-remaining']).toBe(String(60 - i));
        // Epoch seconds at which the bucket is full again: one token refills each second.
        expect(reply.headers['x-ratelimit-reset']).toBe(String((T0 + i * 1000) / 1000));
        expect(reply.headers.ratelimit).toBe(`"/embed/multimodal";r=${60 - i};t=${i}`);
        expect(reply.headers['ratelimit-policy']).toBe('"/embed/multimodal";q=60;w=60');
        expect(reply.headers['retry-after']).toBeUndefined();
      }
      const limited = await httpRequest(`${url}/embed/multimodal`, { method: 'POST' });
      expect(limited.status).toBe(429);
      expect(limited.body).toBe(SEED_429);
      expect(limited.headers['content-type']).toMatch(/^application\/json/);
      expect(limited.headers['retry-after']).toBe('1');
      expect(limited.headers['x-ratelimit-limit']).toBe('60');
      expect(limited.headers['x-ratelimit-remaining']).toBe('0');
      expect(limited.headers['x-ratelimit-reset']).toBe(String((T0 + 60_000) / 1000));
      expect(limited.headers.ratelimit).toBe('"/embed/multimodal";r=0;t=1');
      expect(limited.headers['ratelimit-policy']).toBe('"/embed/multimodal";q=60;w=60');
      // The same endpoint with other letter case and a trailing slash shares the bucket; another client does not.
      expect((await httpRequest(`${url}/Embed/Multimodal/`, { method: 'POST' })).status).toBe(429);
      const otherClient = await httpRequest(`${url}/embed/multimodal`, {
        method: 'POST',
        from: '127.0.0.2',
      });
      expect(otherClient.status).toBe(200);
      expect(otherClient.headers['x-ratelimit-remaining']).toBe('59');
      // A refused request runs no handler and records no latency.
      await eventually(() => expect(parts.slo.stats('/embed/multimodal')?.count).toBe(61));
    });

    it("writes only the IETF fields with headers: 'draft', none with 'none' (a 429 keeps Retry-After)", async () => {
      const { url } = await start({
        headers: 'draft',
        limits: new EndpointRateLimiter({
          clock: new ManualClock(T0),
          default: { rate: 1, perSeconds: 3600 },
        }),
      });
      const admitted = await httpRequest(`${url}/users/1`);
      expect(rateLimitHeadersOf(admitted)).toEqual(['ratelimit', 'ratelimit-policy']);
      await service!.close();
      service = undefined;
      const none = await start({
        headers: 'none',
        limits: new EndpointRateLimiter({
          clock: new ManualClock(T0),
          default: { rate: 1, perSeconds: 3600 },
        }),
      });
      expect(rateLimitHeadersOf(await httpRequest(`${none.url}/users/1`))).toEqual([]);
      const limited = await httpRequest(`${none.url}/users/1`);
      expect(limited.status).toBe(429);
      expect(rateLimitHeadersOf(limited)).toEqual(['retry-after']);
      expect(limited.headers['retry-after']).toBe('3600');
    });

    it('never limits the health and metrics endpoints, and writes no rate-limit fields there', async () => {
      const { url } = await start({
        limits: new EndpointRateLimiter({
          clock: new ManualClock(T0),
          default: { rate: 1, perSeconds: 3600 },
        }),
      });
      for (let i = 0; i < 20; i++) {
        for (const path of ['/health', '/health/live', '/health/ready', '/metrics']) {
          const reply = await httpRequest(`${url}${path}`);
          expect(reply.status).toBe(200);
          expect(rateLimitHeadersOf(reply)).toEqual([]);
        }
      }
      expect((await httpRequest(`${url}/users/1`)).status).toBe(200);
      expect((await httpRequest(`${url}/users/1`)).status).toBe(429);
    });

    it('keys the SLOs by route pattern, prefixes included, and folds every unmatched path into one endpoint', async () => {
      const { url, slo } = await start();
      for (const path of [
        '/users/1',
        '/users/2',
        '/users/3',
        '/api/items/9',
        '/random/a',
        '/random/b',
        '/api/nothing',
        '/users',
      ])
        await httpRequest(`${url}${path}`);
      await eventually(() => {
        expect(slo.stats('/users/:id')?.count).toBe(3);
        expect(slo.stats('/api/items/:id')?.count).toBe(1);
        expect(slo.stats(UNMATCHED_ENDPOINT)?.count).toBe(4);
      });
      expect([...slo.endpoints()].sort()).toEqual(
        ['/api/items/:id', '/users/:id', UNMATCHED_ENDPOINT].sort(),
      );
    });

    it('counts 5xx responses and thrown errors as errors, and 4xx and 2xx as successes', async () => {
      const { url, slo } = await start();
      expect((await httpRequest(`${url}/fail`)).status).toBe(503);
      expect((await httpRequest(`${url}/boom`)).status).toBe(500);
      expect(
        (await httpRequest(`${url}/login`, { method: 'POST', headers: { 'x-status': '401' } }))
          .status,
      ).toBe(401);
      expect((await httpRequest(`${url}/users/7`)).status).toBe(200);
      await eventually(() => {
        expect(slo.stats('/fail')).toMatchObject({ count: 1, errorCount: 1 });
        expect(slo.stats('/boom')).toMatchObject({ count: 1, errorCount: 1 });
        expect(slo.stats('/login')).toMatchObject({ count: 1, errorCount: 0 });
        expect(slo.stats('/users/:id')).toMatchObject({ count: 1, errorCount: 0 });
      });
      expect([...statuses].sort()).toEqual([200, 401, 500, 503]);
    });

    it('records a client that disconnects as 499, with the latency until the disconnect, once', async () => {
      const { url, slo, clock, gate } = await start();
      const left = disconnectDuring(`${url}/slow`, gate);
      await gate.entered;
      clock.advanceMs(25);
      await left;
      await eventually(() => expect(statuses).toEqual([499]));
      expect(slo.stats('/slow')).toMatchObject({ count: 1, errorCount: 0 });
      expect(slo.p50('/slow')).toBe(25);
      // The handler finishing later records nothing more.
      clock.advanceMs(1000);
      gate.release();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(statuses).toEqual([499]);
      expect(slo.stats('/slow')?.count).toBe(1);
    });

    it('measures latency with the injected clock from the guard to the response', async () => {
      const { url, slo } = await start({ limits: undefined });
      await httpRequest(`${url}/users/1`);
      await eventually(() => expect(slo.stats('/users/:id')?.count).toBe(1));
      expect(slo.p50('/users/:id')).toBe(0);
    });

    it('serves the response unchanged when tracking or energy accounting fails, and reports each failure', async () => {
      const clock = new ManualClock(T0);
      const slo = new SLOTracker({ clock });
      slo.record = () => {
        throw new Error('tracker is broken');
      };
      const energy = new EnergyMonitor({ powerSource: new ManualPowerSource({ clock }), clock });
      energy.beginRequest = () => {
        throw new Error('energy is broken');
      };
      const { url } = await start({ clock, slo, energy });
      const reply = await httpRequest(`${url}/users/9`);
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.body)).toEqual({ id: '9' });
      await eventually(() =>
        expect(errors.map(([error, kind]) => [(error as Error).message, kind]).sort()).toEqual([
          ['energy is broken', 'energy'],
          ['tracker is broken', 'slo'],
        ]),
      );
    });

    it('ignores a spoofed X-Forwarded-For without trust in the proxy, and honours it with trust', async () => {
      const rules = { '/embed/multimodal': { rate: 1, perSeconds: 60 } };
      const { url } = await start({
        limits: new EndpointRateLimiter({ clock: new ManualClock(T0), rules }),
      });
      const spoofed = [];
      for (const address of ['203.0.113.1', '203.0.113.2'])
        spoofed.push(
          (
            await httpRequest(`${url}/embed/multimodal`, {
              method: 'POST',
              headers: { 'X-Forwarded-For': address },
            })
          ).status,
        );
      expect(spoofed).toEqual([200, 429]);
      await service!.close();
      service = undefined;
      const trusted = await start({
        trustProxy: true,
        limits: new EndpointRateLimiter({ clock: new ManualClock(T0), rules }),
      });
      const statuses = [];
      for (const address of ['203.0.113.1', '203.0.113.2', '203.0.113.1'])
        statuses.push(
          (
            await httpRequest(`${trusted.url}/embed/multimodal`, {
              method: 'POST',
              headers: { 'X-Forwarded-For': address },
            })
          ).status,
        );
      expect(statuses).toEqual([200, 200, 429]);
    });

    it('names the policy after the rule in both IETF fields and in the metrics, on admitted and refused responses', async () => {
      const clock = new ManualClock(T0);
      const limits = new EndpointRateLimiter({
        clock,
        rules: { '/login': { name: 'login', rate: 3, perSeconds: 60 } },
      });
      const { url } = await start({ clock, limits });
      const replies = [];
      for (let i = 0; i < 4; i++)
        replies.push(await httpRequest(`${url}/login`, { method: 'POST' }));
      expect(replies.map((reply) => reply.status)).toEqual([200, 200, 200, 429]);
      for (const reply of replies)
        expect(reply.headers['ratelimit-policy']).toBe('"login";q=3;w=60');
      // 3 a minute: one token every 20 s; after the first request the bucket is full again in 20 s.
      expect(replies[0]!.headers.ratelimit).toBe('"login";r=2;t=20');
      expect(replies[3]!.headers.ratelimit).toBe('"login";r=0;t=20');
      const metrics = await httpRequest(`${url}/metrics`);
      expect(metrics.body).toContain(
        'greenslo_rate_limit_decisions_total{rule="login",outcome="allowed"} 3\n',
      );
      expect(metrics.body).toContain(
        'greenslo_rate_limit_decisions_total{rule="login",outcome="limited"} 1\n',
      );
    });

    it('skip: a request the hook lets through takes no tokens and is still tracked', async () => {
      const clock = new ManualClock(T0);
      const limits = new EndpointRateLimiter({ clock, default: { rate: 1, perSeconds: 60 } });
      const { url, slo, hookRequests } = await start({
        clock,
        limits,
        hooks: { skip: (header) => header('x-internal') === 'yes' },
      });
      for (let i = 0; i < 5; i++)
        expect(
          (await httpRequest(`${url}/users/1`, { headers: { 'x-internal': 'yes' } })).status,
        ).toBe(200);
      expect((await httpRequest(`${url}/users/1`)).status).toBe(200);
      expect((await httpRequest(`${url}/users/1`)).status).toBe(429);
      // Five skipped and one admitted are tracked; the refused one runs nothing.
      await eventually(() => expect(slo.stats('/users/:id')?.count).toBe(6));
      expect(hookRequests.length).toBeGreaterThanOrEqual(7);
    });

    it('cost: charges the tokens the hook names (LLM tokens), and shows them in the remaining count', async () => {
      const clock = new ManualClock(T0);
      const limits = new EndpointRateLimiter({
        clock,
        rules: { '/embed/multimodal': { name: 'tokens', rate: 1000, perSeconds: 60 } },
      });
      const { url } = await start({
        clock,
        limits,
        hooks: { cost: (header) => Number(header('x-tokens') ?? 1) },
      });
      const first = await httpRequest(`${url}/embed/multimodal`, {
        method: 'POST',
        headers: { 'x-tokens': '700' },
      });
      expect(first.headers['x-ratelimit-remaining']).toBe('300');
      const second = await httpRequest(`${url}/embed/multimodal`, {
        method: 'POST',
        headers: { 'x-tokens': '300' },
      });
      expect([second.status, second.headers['x-ratelimit-remaining']]).toEqual([200, '0']);
      const refused = await httpRequest(`${url}/embed/multimodal`, {
        method: 'POST',
        headers: { 'x-tokens': '50' },
      });
      expect(refused.status).toBe(429);
      // 1000 a minute refill 50 tokens in 3 s.
      expect(refused.headers['retry-after']).toBe('3');
    });

    it('refund: counts only failed logins, and the next request already sees the tokens given back', async () => {
      const clock = new ManualClock(T0);
      const limits = new EndpointRateLimiter({
        clock,
        rules: { '/login': { name: 'login', rate: 3, perSeconds: 60 } },
      });
      const { url } = await start({ clock, limits, hooks: { refund: (status) => status < 400 } });
      const login = (status: number) =>
        httpRequest(`${url}/login`, { method: 'POST', headers: { 'x-status': String(status) } });
      for (let i = 0; i < 5; i++) {
        const reply = await login(200);
        expect(reply.status).toBe(200);
        // Charged while it runs (2 left), given back before the next request is read.
        expect(reply.headers['x-ratelimit-remaining']).toBe('2');
      }
      expect((await login(401)).headers['x-ratelimit-remaining']).toBe('2');
      expect((await login(401)).headers['x-ratelimit-remaining']).toBe('1');
      expect((await login(401)).headers['x-ratelimit-remaining']).toBe('0');
      expect((await login(200)).status).toBe(429);
      expect(limits.decisionCounts()).toContainEqual({
        rule: 'login',
        pattern: '/login',
        allowed: 8,
        limited: 1,
        refunded: 5,
      });
    });

    it('limitedResponse: answers a plain-text refusal of its own, its headers over ours but Retry-After kept', async () => {
      const clock = new ManualClock(T0);
      const limits = new EndpointRateLimiter({
        clock,
        rules: { '/login': { name: 'login', rate: 1, perSeconds: 60 } },
      });
      const seen: {
        endpoint: string;
        clientKey: string;
        ruleName: string;
        retryAfterMs: number;
      }[] = [];
      const limitedResponse = (info: (typeof seen)[number]) => {
        seen.push(info);
        return {
          status: 429,
          headers: { 'Retry-After': '1', 'X-RateLimit-Limit': 'custom', 'X-Reason': 'login' },
          body: 'Too many attempts, wait a minute.',
        };
      };
      const { url } = await start({ clock, limits, hooks: { limitedResponse } });
      expect((await httpRequest(`${url}/login`, { method: 'POST' })).status).toBe(200);
      const refused = await httpRequest(`${url}/login`, { method: 'POST' });
      expect(refused.status).toBe(429);
      expect(refused.body).toBe('Too many attempts, wait a minute.');
      expect(refused.headers['content-type']).toMatch(/^text\/plain/);
      expect(refused.headers['x-reason']).toBe('login');
      expect(refused.headers['x-ratelimit-limit']).toBe('custom');
      expect(refused.headers['retry-after']).toBe('60');
      expect(refused.headers['ratelimit-policy']).toBe('"login";q=1;w=60');
      expect(seen).toEqual([
        { endpoint: '/login', clientKey: '127.0.0.1', ruleName: 'login', retryAfterMs: 60_000 },
      ]);
    });

    it('serves Prometheus text on /metrics and the JSON reports with ?format=json', async () => {
      const { url } = await start();
      await httpRequest(`${url}/users/1`);
      await httpRequest(`${url}/users/2`);
      await httpRequest(`${url}/embed/multimodal`, { method: 'POST' });
      await eventually(() => expect(parts.slo.stats('/users/:id')?.count).toBe(2));
      const text = await httpRequest(`${url}/metrics`);
      expect(text.status).toBe(200);
      expect(text.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(text.body).toContain('greenslo_requests_total{endpoint="/users/:id"} 2\n');
      expect(text.body).toContain(
        'greenslo_rate_limit_decisions_total{rule="/embed/multimodal",outcome="allowed"} 1\n',
      );
      const json = await httpRequest(`${url}/metrics?format=json`);
      expect(json.headers['content-type']).toMatch(/^application\/json/);
      const report = JSON.parse(json.body);
      expect(
        report.slo.endpoints.map((endpoint: { endpoint: string }) => endpoint.endpoint),
      ).toContain('/users/:id');
      expect(report.rateLimits).toContainEqual({
        rule: '/embed/multimodal',
        pattern: '/embed/multimodal',
        allowed: 1,
        limited: 0,
        refunded: 0,
      });
    });

    it('serves the status page as HTML under a strict Content-Security-Policy, and as JSON', async () => {
      const { url } = await start();
      await httpRequest(`${url}/users/1`);
      await eventually(() => expect(parts.slo.stats('/users/:id')?.count).toBe(1));
      const page = await httpRequest(`${url}/status`);
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.headers['content-security-policy']).toMatch(/default-src 'none'/);
      expect(page.body).toContain('/users/:id');
      const json = await httpRequest(`${url}/status?format=json`);
      expect(json.headers['content-type']).toMatch(/^application\/json/);
      expect(
        JSON.parse(json.body).endpoints.map((endpoint: { endpoint: string }) => endpoint.endpoint),
      ).toContain('/users/:id');
    });

    it('answers /health/ready with the readiness report', async () => {
      const { url } = await start();
      const ready = await httpRequest(`${url}/health/ready`);
      expect(ready.status).toBe(200);
      expect(JSON.parse(ready.body)).toEqual({ status: 'ready', checks: {} });
      expect(JSON.parse((await httpRequest(`${url}/health/live`)).body)).toEqual({ status: 'ok' });
    });
  });
}

/** Wraps the neutral hooks for a framework whose request `Req` yields headers through `headerOf`. */
export function frameworkHooks<Req>(
  parts: ContractParts,
  headerOf: (request: Req, name: string) => string | undefined,
) {
  const { skip, cost, refund, limitedResponse } = parts.hooks;
  const reader = (request: Req): HeaderReader => {
    parts.hookRequests.push(request);
    return (name) => headerOf(request, name);
  };
  return {
    ...(skip === undefined ? {} : { skip: (request: Req) => skip(reader(request)) }),
    ...(cost === undefined ? {} : { cost: (request: Req) => cost(reader(request)) }),
    ...(refund === undefined
      ? {}
      : { refund: (status: number, request: Req) => refund(status, reader(request)) }),
    ...(limitedResponse === undefined
      ? {}
      : {
          limitedResponse: (info: {
            request: Req;
            endpoint: string;
            clientKey: string;
            rule: { name: string };
            decision: { retryAfterMs: number };
          }) => {
            parts.hookRequests.push(info.request);
            return limitedResponse({
              endpoint: info.endpoint,
              clientKey: info.clientKey,
              ruleName: info.rule.name,
              retryAfterMs: info.decision.retryAfterMs,
            });
          },
        }),
  };
}

/** The guard options every service passes, hooks aside. */
export function baseGuardOptions(parts: ContractParts) {
  return {
    slo: parts.slo,
    limits: parts.limits,
    energy: parts.energy,
    clock: parts.clock,
    headers: parts.headers,
    onError: parts.onError,
    isError: parts.isError,
  };
}
