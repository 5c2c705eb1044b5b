import { afterEach, describe, expect, it } from 'vitest';
import { EndpointRateLimiter, SLOTracker, UNMATCHED_ENDPOINT } from '../../src/index.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { httpRequest, type HttpReply } from './support/http-client.js';
import { SERVICES, type RunningService, type ServiceParts } from './support/servers.js';

const T0 = 1_700_000_000_000;

/** Waits, a bounded number of event-loop turns, until `check` stops throwing. */
async function eventually(check: () => void): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return check();
    } catch (error) {
      if (attempt >= 200) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

const rateLimitHeaderNames = ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'ratelimit', 'ratelimit-policy', 'retry-after'];
const rateLimitHeadersOf = (reply: HttpReply) => rateLimitHeaderNames.filter((name) => reply.headers[name] !== undefined);

describe.each(SERVICES)('%s adapter over real HTTP on 127.0.0.1', (_name, startService) => {
  let service: RunningService | undefined;
  let errors: unknown[] = [];

  afterEach(async () => {
    await service?.close();
    service = undefined;
  });

  async function start(overrides: Partial<ServiceParts> = {}) {
    const clock = new ManualClock(T0);
    errors = [];
    const parts: ServiceParts = {
      clock,
      slo: new SLOTracker({ clock }),
      limits: new EndpointRateLimiter({ clock }),
      trustProxy: false,
      onError: (error) => errors.push(error),
      ...overrides,
    };
    service = await startService(parts);
    return { ...parts, url: service.url };
  }

  it('admits 60 requests per minute to /embed/multimodal, answers the 61st with the exact 429, and still admits another client', async () => {
    const { url } = await start();
    for (let i = 1; i <= 60; i++) {
      const reply = await httpRequest(`${url}/embed/multimodal`, { method: 'POST' });
      expect(reply.status).toBe(200);
      // The draft fields by default: one token used of 60, full again once it has refilled (1 s).
      expect(reply.headers.ratelimit).toBe(`"default";r=${60 - i};t=${i}`);
      expect(reply.headers['ratelimit-policy']).toBe('"default";q=60;w=60');
      expect(reply.headers['x-ratelimit-remaining']).toBeUndefined();
    }
    const limited = await httpRequest(`${url}/embed/multimodal`, { method: 'POST' });
    expect(limited.status).toBe(429);
    expect(limited.body).toBe(
      '{"error":{"code":"rate_limit_exceeded","message":"Rate limit exceeded for /embed/multimodal. Max 60 requests per minute.","endpoint":"/embed/multimodal","limit":60},"retry_after":1}',
    );
    expect(limited.headers['content-type']).toMatch(/^application\/json/);
    // Empty bucket at T0, refilling one token a second: the next token in 1 s.
    expect(limited.headers['retry-after']).toBe('1');
    expect(limited.headers.ratelimit).toBe('"default";r=0;t=1');
    expect(limited.headers['ratelimit-policy']).toBe('"default";q=60;w=60');
    expect(limited.headers['x-ratelimit-limit']).toBeUndefined();
    // The same endpoint spelled with other letter case and a trailing slash shares the bucket.
    expect((await httpRequest(`${url}/Embed/Multimodal/`, { method: 'POST' })).status).toBe(429);
    const otherClient = await httpRequest(`${url}/embed/multimodal`, { method: 'POST', from: '127.0.0.2' });
    expect(otherClient.status).toBe(200);
    expect(otherClient.headers.ratelimit).toBe('"default";r=59;t=1');
  });

  it("writes the legacy X-RateLimit fields too with headers: 'both', on admitted and refused responses", async () => {
    const { url } = await start({ headers: 'both' });
    for (let i = 1; i <= 60; i++) {
      const reply = await httpRequest(`${url}/embed/multimodal`, { method: 'POST' });
      expect(reply.headers['x-ratelimit-limit']).toBe('60');
      expect(reply.headers['x-ratelimit-remaining']).toBe(String(60 - i));
      expect(reply.headers['x-ratelimit-reset']).toBe(String((T0 + i * 1000) / 1000));
      expect(reply.headers.ratelimit).toBe(`"default";r=${60 - i};t=${i}`);
    }
    const limited = await httpRequest(`${url}/embed/multimodal`, { method: 'POST' });
    expect(limited.status).toBe(429);
    // Empty bucket at T0, refilling one token a second: full again at T0 + 60 s, next token in 1 s.
    expect(limited.headers['x-ratelimit-limit']).toBe('60');
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    expect(limited.headers['x-ratelimit-reset']).toBe(String((T0 + 60_000) / 1000));
    expect(limited.headers['retry-after']).toBe('1');
    expect(limited.headers.ratelimit).toBe('"default";r=0;t=1');
    expect(limited.headers['ratelimit-policy']).toBe('"default";q=60;w=60');
  });

  it("writes no rate-limit fields on admitted responses with headers: 'none', only the 429's Retry-After", async () => {
    const { url } = await start({ headers: 'none', limits: new EndpointRateLimiter({ clock: new ManualClock(T0), default: { rate: 1, perSeconds: 3600 } }) });
    const admitted = await httpRequest(`${url}/users/1`);
    expect(admitted.status).toBe(200);
    expect(rateLimitHeadersOf(admitted)).toEqual([]);
    const limited = await httpRequest(`${url}/users/1`);
    expect(limited.status).toBe(429);
    expect(rateLimitHeadersOf(limited)).toEqual(['retry-after']);
    expect(limited.headers['retry-after']).toBe('3600');
  });

  it('never limits the health and metrics endpoints, and writes no rate-limit headers there', async () => {
    const { url } = await start({ limits: new EndpointRateLimiter({ clock: new ManualClock(T0), default: { rate: 1, perSeconds: 3600 } }) });
    for (let i = 0; i < 40; i++) {
      for (const path of ['/health', '/health/live', '/health/ready', '/metrics']) {
        const reply = await httpRequest(`${url}${path}`);
        expect(reply.status).toBe(200);
        expect(rateLimitHeadersOf(reply)).toEqual([]);
      }
    }
    expect((await httpRequest(`${url}/users/1`)).status).toBe(200);
    expect((await httpRequest(`${url}/users/1`)).status).toBe(429);
  });

  it('keys the SLOs by route pattern and folds unmatched paths into one endpoint', async () => {
    const { url, slo } = await start();
    for (const path of ['/users/1', '/users/2', '/users/3', '/random/a', '/random/b']) await httpRequest(`${url}${path}`);
    await eventually(() => {
      expect(slo!.stats('/users/:id')?.count).toBe(3);
      expect(slo!.stats(UNMATCHED_ENDPOINT)?.count).toBe(2);
    });
    expect(slo!.endpoints().sort()).toEqual([UNMATCHED_ENDPOINT, '/users/:id'].sort());
  });

  it('counts 5xx responses and thrown errors as errors, and other responses as successes', async () => {
    const { url, slo } = await start();
    expect((await httpRequest(`${url}/fail`)).status).toBe(503);
    expect((await httpRequest(`${url}/boom`)).status).toBe(500);
    expect((await httpRequest(`${url}/users/7`)).status).toBe(200);
    await eventually(() => {
      expect(slo!.stats('/fail')?.errorCount).toBe(1);
      expect(slo!.stats('/boom')?.errorCount).toBe(1);
      expect(slo!.stats('/users/:id')).toMatchObject({ count: 1, errorCount: 0 });
    });
  });

  it('ignores a spoofed X-Forwarded-For without trust in the proxy', async () => {
    const clock = new ManualClock(T0);
    const { url } = await start({ clock, limits: new EndpointRateLimiter({ clock, rules: { '/embed/multimodal': { rate: 1, perSeconds: 60 } } }) });
    const first = await httpRequest(`${url}/embed/multimodal`, { method: 'POST', headers: { 'X-Forwarded-For': '203.0.113.1' } });
    const second = await httpRequest(`${url}/embed/multimodal`, { method: 'POST', headers: { 'X-Forwarded-For': '203.0.113.2' } });
    expect([first.status, second.status]).toEqual([200, 429]);
  });

  it('honours X-Forwarded-For when told to trust the proxy', async () => {
    const clock = new ManualClock(T0);
    const { url } = await start({ clock, trustProxy: true, limits: new EndpointRateLimiter({ clock, rules: { '/embed/multimodal': { rate: 1, perSeconds: 60 } } }) });
    const statuses = [];
    for (const address of ['203.0.113.1', '203.0.113.2', '203.0.113.1']) {
      statuses.push((await httpRequest(`${url}/embed/multimodal`, { method: 'POST', headers: { 'X-Forwarded-For': address } })).status);
    }
    expect(statuses).toEqual([200, 200, 429]);
  });

  it('serves the response unchanged when tracking fails, and reports the failure', async () => {
    const clock = new ManualClock(T0);
    const failing = new SLOTracker({ clock });
    failing.record = () => {
      throw new Error('tracker is broken');
    };
    const { url } = await start({ clock, slo: failing });
    const reply = await httpRequest(`${url}/users/9`);
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ id: '9' });
    await eventually(() => expect(errors).toEqual([new Error('tracker is broken')]));
  });

  it('serves Prometheus text on /metrics and the JSON reports with ?format=json', async () => {
    const { url } = await start();
    await httpRequest(`${url}/users/1`);
    await httpRequest(`${url}/users/2`);
    await httpRequest(`${url}/embed/multimodal`, { method: 'POST' });
    await eventually(() => undefined);
    const text = await httpRequest(`${url}/metrics`);
    expect(text.status).toBe(200);
    expect(text.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(text.body).toContain('greenslo_requests_total{endpoint="/users/:id"} 2\n');
    expect(text.body).toContain('greenslo_rate_limit_decisions_total{rule="/embed/multimodal",outcome="allowed"} 1\n');
    const json = await httpRequest(`${url}/metrics?format=json`);
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    const report = JSON.parse(json.body);
    expect(report.slo.endpoints.map((endpoint: { endpoint: string }) => endpoint.endpoint)).toContain('/users/:id');
    expect(report.rateLimits).toContainEqual({ rule: '/embed/multimodal', allowed: 1, limited: 0 });
  });

  it('serves the status page as HTML under a strict Content-Security-Policy, and as JSON', async () => {
    const { url } = await start();
    await httpRequest(`${url}/users/1`);
    await eventually(() => undefined);
    const page = await httpRequest(`${url}/status`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(page.body).toContain('/users/:id');
    const json = await httpRequest(`${url}/status?format=json`);
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(json.body).endpoints.map((endpoint: { endpoint: string }) => endpoint.endpoint)).toContain('/users/:id');
  });

  it('measures latency with the injected clock from the first middleware to the end of the response', async () => {
    const clock = new ManualClock(T0);
    const slo = new SLOTracker({ clock });
    const { url } = await start({ clock, slo, limits: undefined });
    await httpRequest(`${url}/users/1`);
    await eventually(() => expect(slo.stats('/users/:id')?.count).toBe(1));
    expect(slo.p50('/users/:id')).toBe(0);
  });
});
