import { spawn } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { constantPower } from '../../src/index.js';
import { createApp as createExpressApp } from '../../examples/express-service/app.js';
import { createApp as createFetchApp } from '../../examples/fetch-service/app.js';
import { createApp as createKoaApp } from '../../examples/koa-service/app.js';
import { createServiceParts, type ServiceParts } from '../../examples/shared/service-parts.js';
import { EMBEDDING_DIMENSIONS, embeddingRounds } from '../../examples/shared/simulated-work.js';

type Start = (parts: ServiceParts) => Server;

const STARTS: ReadonlyArray<readonly [string, Start]> = [
  ['Express', (parts) => createExpressApp({ parts }).app.listen(0, '127.0.0.1')],
  ['Koa', (parts) => createKoaApp({ parts }).app.listen(0, '127.0.0.1')],
  [
    'Fetch (Hono)',
    (parts) =>
      serve({
        fetch: createFetchApp({ parts }).fetch as (
          request: Request,
          env: unknown,
        ) => Response | Promise<Response>,
        hostname: '127.0.0.1',
        port: 0,
      }) as Server,
  ],
];

async function urlOf(server: Server): Promise<string> {
  if (!server.listening) await new Promise((resolve) => server.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function embed(url: string, input = 'a photo of a cat'): Promise<Response> {
  return fetch(`${url}/embed/multimodal`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ input }),
    signal: AbortSignal.timeout(10_000),
  });
}

describe.each(STARTS)('%s example service over real HTTP on 127.0.0.1', (_name, start) => {
  let server: Server | undefined;

  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = undefined;
  });

  async function started(): Promise<{ url: string; parts: ServiceParts }> {
    const parts = createServiceParts({ powerSource: constantPower(50) });
    server = start(parts);
    return { url: await urlOf(server), parts };
  }

  it('answers the health endpoints and /metrics, and tracks them under the default objectives', async () => {
    const { url, parts } = await started();
    for (const path of ['/health', '/health/ready', '/health/live']) {
      const reply = await fetch(`${url}${path}`);
      expect(reply.status, path).toBe(200);
      expect(((await reply.json()) as { status: string }).status).toMatch(/^(ok|ready)$/);
    }
    const metrics = await fetch(`${url}/metrics`);
    expect(await metrics.text()).toContain(
      'greenslo_request_duration_seconds_bucket{endpoint="/health/live"',
    );
    await expect
      .poll(() => parts.slo.endpoints().sort())
      .toEqual(['/health', '/health/live', '/health/ready', '/metrics']);
    expect(parts.slo.checkCompliance('/health').checks.map((check) => check.kind)).toEqual([
      'p95',
      'errorRate',
    ]);
  });

  it('embeds with the normal profile, and does 16 times less work once low-power mode is on', async () => {
    const { url, parts } = await started();
    const normal = await embed(url);
    expect(normal.status).toBe(200);
    expect(normal.headers.get('ratelimit-policy')).toBe('"/embed/multimodal";q=60;w=60');
    const normalBody = (await normal.json()) as {
      embedding: number[];
      batchSize: number;
      precision: string;
      rounds: number;
    };
    expect(normalBody.embedding).toHaveLength(EMBEDDING_DIMENSIONS);
    expect(normalBody).toMatchObject({ batchSize: 32, precision: 'fp32', rounds: 32 * 4 * 8 });

    parts.lowPower.enable('test');
    const lowBody = (await (await embed(url)).json()) as {
      batchSize: number;
      precision: string;
      rounds: number;
    };
    expect(lowBody).toMatchObject({
      batchSize: 8,
      precision: 'int8',
      rounds: embeddingRounds(parts.lowPower.lowPower),
    });
    expect(normalBody.rounds / lowBody.rounds).toBe(16);
  });

  it('admits 60 embeddings per client per minute and refuses the 61st with a 429', async () => {
    const { url, parts } = await started();
    for (let index = 0; index < 60; index++)
      expect((await embed(url, `input ${index}`)).status).toBe(200);
    const refused = await embed(url);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
      'rate_limit_exceeded',
    );
    expect(
      parts.limits.decisionCounts().find((count) => count.rule === '/embed/multimodal'),
    ).toMatchObject({ rule: '/embed/multimodal', allowed: 60, limited: 1 });
  });

  it('plans and reflects on the agent endpoints', async () => {
    const { url } = await started();
    const post = (path: string, body: object) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const plan = (await (await post('/agents/plan', { goal: 'book a train' })).json()) as {
      goal: string;
      steps: string[];
    };
    expect(plan.goal).toBe('book a train');
    expect(plan.steps.length).toBeGreaterThan(0);
    const reflection = (await (await post('/agents/reflect', { output: 'done' })).json()) as {
      score: number;
      revise: boolean;
    };
    expect(reflection.score).toBeGreaterThanOrEqual(0);
    expect(reflection.score).toBeLessThanOrEqual(1);
    expect(reflection.revise).toBe(reflection.score < 0.5);
  });
});

/** Starts `examples/<folder>/main.ts` on a free port and returns its URL from the line it prints. */
async function startMain(folder: string): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', `examples/${folder}/main.ts`], {
    env: { ...process.env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`${folder} printed no URL within 20 s: ${output}`)),
      20_000,
    );
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      const match = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`${folder} exited with ${code}: ${output}`)));
  });
  return { url, stop: () => child.kill() };
}

describe('each example runs with one command: npx tsx examples/<framework>-service/main.ts', () => {
  it.each(['express-service', 'koa-service', 'fetch-service'])(
    '%s listens on 127.0.0.1 and answers /health and an embedding',
    async (folder) => {
      const { url, stop } = await startMain(folder);
      try {
        expect((await fetch(`${url}/health`)).status).toBe(200);
        const reply = await embed(url);
        expect(reply.status).toBe(200);
        expect(((await reply.json()) as { embedding: number[] }).embedding).toHaveLength(
          EMBEDDING_DIMENSIONS,
        );
      } finally {
        stop();
      }
    },
  );
});
