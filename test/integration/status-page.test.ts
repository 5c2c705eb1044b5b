/**
 * Acceptance of the status page: a real Express service guarded by greenslo takes a few hundred
 * HTTP requests on 127.0.0.1 (some limited with 429, one endpoint named as a script tag), then its
 * status page is opened in headless Chromium. Time comes from a ManualClock that the handlers
 * advance by each request's simulated latency, so every figure on the page is known in advance.
 * Then the example Express service serves the page after real load on the system clock.
 */
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import express from 'express';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guard, healthHandlers } from '../../src/adapters/express.js';
import {
  constantPower,
  DEFAULT_SLOS,
  EndpointRateLimiter,
  EnergyMonitor,
  LowPowerMode,
  SLOTracker,
  UNMATCHED_ENDPOINT,
  type SloObjectives,
} from '../../src/index.js';
import {
  createStatusPage,
  statusPageFormat,
  type StatusPage,
  type StatusSnapshot,
} from '../../src/status/index.js';
import { ManualClock, ManualPowerSource } from '../../src/testing/index.js';
import { createApp } from '../../examples/express-service/app.js';
import { createServiceParts } from '../../examples/shared/service-parts.js';
import { findProgram } from '../support/programs.js';
import { percentileOf } from '../status/support.js';
import { seededRandom } from '../support/seeded-random.js';

const chromiumPath = findProgram('chromium', 'chromium');
const OUTPUT_DIR = join(import.meta.dirname, '..', '..', 'test-output');
const T0 = 1_700_000_040_000;
const MINUTE_MS = 60_000;
const MINUTES = 15;
const CHART_WINDOW_MS = 20 * 60_000;
const LOW_POWER_FROM_MINUTE = 7;
const SCRIPT_ENDPOINT = '<script>alert(1)</script>';
const OBJECTIVES = {
  ...DEFAULT_SLOS,
  '/search': { p95Ms: 250, p99Ms: 400, errorRate: 0.05 },
  '/checkout': { p95Ms: 100, errorRate: 0.01 },
  '/reports': { p95Ms: 50 },
};
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Simulated latencies (whole milliseconds) per endpoint and minute, decided before the load. */
function plannedLatencies() {
  const random = seededRandom(20_231_114);
  const between = (low: number, high: number): number => Math.round(low + random() * (high - low));
  const perMinute = (count: number, low: number, high: number) =>
    Array.from({ length: MINUTES }, () => Array.from({ length: count }, () => between(low, high)));
  return {
    '/search': perMinute(6, 20, 80),
    '/checkout': perMinute(4, 50, 96),
    '/reports': perMinute(3, 30, 280),
    '/health': perMinute(2, 1, 2),
    [SCRIPT_ENDPOINT]: perMinute(1, 5, 10),
  };
}

function startService() {
  const clock = new ManualClock(T0);
  const slo = new SLOTracker({ clock, objectives: OBJECTIVES });
  const limits = new EndpointRateLimiter({ clock });
  const source = new ManualPowerSource({ clock, watts: 40 });
  const energy = new EnergyMonitor({
    powerSource: source,
    clock,
    powerWindowMs: MINUTE_MS,
    powerThresholdW: 60,
  });
  energy.startTracking();
  const lowPower = new LowPowerMode({ energy });
  const page = createStatusPage({
    slo,
    energy,
    limits,
    lowPower,
    clock,
    title: 'Example service',
    chartWindowMs: CHART_WINDOW_MS,
  });
  const app = express();
  app.use(
    guard({
      slo,
      limits,
      energy,
      clock,
      // Route patterns, except the catch-all, whose decoded path is the endpoint: names come from requests.
      endpoint: (req) => {
        const route = (req.route as { path?: unknown } | undefined)?.path;
        if (route === '/*name') return decodeURIComponent(req.path).slice(1);
        return typeof route === 'string' ? route : UNMATCHED_ENDPOINT;
      },
    }),
  );
  const { health } = healthHandlers();
  // Each handler takes the time the load asks for, on the shared manual clock.
  const simulate = (req: express.Request): void => void clock.advanceMs(Number(req.query.ms ?? 0));
  app.get('/status', (req, res) => serve(page, req, res));
  app.get('/health', (req, res, next) => (simulate(req), health(req, res, next)));
  app.get(
    '/search',
    (req, res) => (
      simulate(req),
      void res.status(req.query.fail === '1' ? 500 : 200).json({ results: [] })
    ),
  );
  app.post('/checkout', (req, res) => (simulate(req), void res.json({ ordered: true })));
  app.get('/reports', (req, res) => (simulate(req), void res.type('text/csv').send('day,total\n')));
  app.post('/agents/plan', (_req, res) => void res.json({ plan: [] }));
  app.get('/*name', (req, res) => (simulate(req), void res.type('text/plain').send('echo')));
  const server = app.listen(0, '127.0.0.1');
  return { clock, slo, source, lowPower, server };
}

/** Serves the page the way the adapters' `statusPage` will: `?format=json` for the snapshot. */
function serve(page: StatusPage, req: express.Request, res: express.Response): void {
  const result = page.respond(statusPageFormat(req.query.format));
  res.status(result.status).set(result.headers).send(result.body);
}

async function listening(server: Server): Promise<string> {
  await new Promise<void>((resolve) =>
    server.listening ? resolve() : server.once('listening', resolve),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

interface LoadSummary {
  readonly requests: number;
  readonly tooManyRequests: number;
  readonly statuses: Map<string, number[]>;
}

/** Fifteen minutes of traffic: sequential requests taking their planned latency, plus a burst of 14 to a limit of 10 a minute. */
async function runLoad(
  url: string,
  service: ReturnType<typeof startService>,
  plan: ReturnType<typeof plannedLatencies>,
): Promise<LoadSummary> {
  const statuses = new Map<string, number[]>();
  let requests = 0;
  const call = async (endpoint: string, path: string, method = 'GET'): Promise<number> => {
    const response = await fetch(`${url}${path}`, { method });
    await response.arrayBuffer();
    requests++;
    statuses.set(endpoint, [...(statuses.get(endpoint) ?? []), response.status]);
    return response.status;
  };
  for (let minute = 0; minute < MINUTES; minute++) {
    if (minute === LOW_POWER_FROM_MINUTE) {
      service.lowPower.enable('evening grid peak');
      service.source.setWatts(26);
    }
    // First thing each minute, so bursts are exactly a minute apart and the bucket is full again.
    await Promise.all(
      Array.from({ length: 14 }, () => call('/agents/plan', '/agents/plan', 'POST')),
    );
    for (const [endpoint, minutes] of Object.entries(plan)) {
      for (const [i, ms] of minutes[minute]!.entries()) {
        const path =
          endpoint === SCRIPT_ENDPOINT ? `/${encodeURIComponent(SCRIPT_ENDPOINT)}` : endpoint;
        const fail = endpoint === '/search' && minute === 1 && i === 0 ? '&fail=1' : '';
        await call(endpoint, `${path}?ms=${ms}${fail}`, endpoint === '/checkout' ? 'POST' : 'GET');
      }
    }
    if (minute % 3 === 2) await call('/status', '/status?format=json');
    service.clock.setMs(T0 + (minute + 1) * MINUTE_MS);
  }
  const tooManyRequests = [...statuses.values()].flat().filter((status) => status === 429).length;
  return { requests, tooManyRequests, statuses };
}

/** WCAG relative luminance contrast of two `rgb(r, g, b)` colours. */
function contrastRatio(foreground: string, background: string): number {
  const luminance = (color: string): number => {
    const [r, g, b] = color
      .match(/\d+(\.\d+)?/g)!
      .slice(0, 3)
      .map((channel) => {
        const c = Number(channel) / 255;
        return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [light, dark] = [luminance(foreground), luminance(background)].sort((a, b) => b - a) as [
    number,
    number,
  ];
  return (light + 0.05) / (dark + 0.05);
}

/** Text of each verdict, mark, caption and objective against its nearest opaque background: at least 4.5:1. */
async function expectReadable(page: Page): Promise<void> {
  for (const selector of [
    '.badge.v-ok',
    '.badge.v-at-risk',
    '.badge.v-breached',
    '.badge.v-unjudged',
    '.mark.v-ok',
    '.mark.v-at-risk',
    '.mark.v-breached',
    'caption',
    '.target',
    '.reasons',
  ]) {
    const { color, background } = await page
      .locator(selector)
      .first()
      .evaluate((element) => {
        let backgroundColor = 'rgba(0, 0, 0, 0)';
        for (
          let node: Element | null = element;
          node && backgroundColor === 'rgba(0, 0, 0, 0)';
          node = node.parentElement
        )
          backgroundColor = getComputedStyle(node).backgroundColor;
        return { color: getComputedStyle(element).color, background: backgroundColor };
      });
    expect(contrastRatio(color, background), selector).toBeGreaterThanOrEqual(4.5);
  }
}

/** What a page load saw besides the document: other requests, console messages, dialogs. */
interface Observed {
  readonly requests: string[];
  readonly console: string[];
  readonly dialogs: string[];
}

async function open(
  context: BrowserContext,
  url: string,
): Promise<{ page: Page; observed: Observed }> {
  const page = await context.newPage();
  const observed: Observed = { requests: [], console: [], dialogs: [] };
  page.on('request', (request) => observed.requests.push(request.url()));
  page.on('console', (message) => observed.console.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => observed.console.push(`pageerror: ${error.message}`));
  page.on('dialog', (dialog) => {
    observed.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  const response = await page.goto(url, { waitUntil: 'load' });
  expect(response?.status()).toBe(200);
  return { page, observed };
}

describe.skipIf(chromiumPath === undefined)(
  'status page of an Express service under load, in headless Chromium',
  () => {
    const plan = plannedLatencies();
    let service: ReturnType<typeof startService>;
    let url: string;
    let load: LoadSummary;
    let browser: Browser;

    beforeAll(async () => {
      service = startService();
      url = await listening(service.server);
      load = await runLoad(url, service, plan);
      browser = await chromium.launch({ executablePath: chromiumPath!, args: CHROMIUM_ARGS });
      mkdirSync(OUTPUT_DIR, { recursive: true });
    });

    afterAll(async () => {
      await browser?.close();
      service?.server.closeAllConnections();
      await new Promise((resolve) => service?.server.close(resolve));
    });

    it('took a few hundred real requests, 429s from the limit of 10 a minute included', () => {
      expect(load.requests).toBeGreaterThanOrEqual(400);
      // Each minute the bucket of 10 is full again: 10 of the 14 pass, 4 are limited.
      expect(load.tooManyRequests).toBe(MINUTES * 4);
      expect(load.statuses.get(SCRIPT_ENDPOINT)).toEqual(
        Array.from({ length: MINUTES }, () => 200),
      );
    });

    it('shows every endpoint with the verdict its latencies call for, as words and colours, under its CSP without a violation', async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const { page, observed } = await open(context, `${url}/status`);
      const rowHeaders = await page.locator('#slo tbody th[scope=row]').allTextContents();
      expect(rowHeaders).toEqual(
        expect.arrayContaining([
          '/search',
          '/checkout',
          '/reports',
          '/health',
          SCRIPT_ENDPOINT,
          '/agents/plan',
          '/status',
        ]),
      );
      // Expected verdicts from the planned latencies alone: p95 against the objective, at risk above 80 % of it.
      const expectedVerdicts: string[] = [];
      for (const endpoint of ['/search', '/checkout', '/reports', '/health'] as const) {
        const p95 = percentileOf(plan[endpoint].flat(), 95);
        const target = (OBJECTIVES as SloObjectives)[endpoint]!.p95Ms!;
        const expected = p95 > target ? 'Breached' : p95 > 0.8 * target ? 'At risk' : 'OK';
        expectedVerdicts.push(expected);
        const row = page.locator('#slo tbody tr', {
          has: page.locator('th', { hasText: new RegExp(`^${endpoint}$`) }),
        });
        await expect(row.locator('.badge').textContent()).resolves.toContain(expected);
        const shown = Number(
          (await row.locator('td[data-label=P95]').textContent())!.match(/([\d.]+)\s*ms/)![1],
        );
        expect(Math.abs(shown - p95)).toBeLessThanOrEqual(p95 * 0.005);
      }
      // The planned load covers every verdict.
      expect(expectedVerdicts).toEqual(['OK', 'At risk', 'Breached', 'OK']);
      expect(await page.locator('.overall').textContent()).toContain('Breached');
      // The badge colours come from the style sheet, so the CSP hash let it apply; text stays readable.
      expect(
        await page
          .locator('.badge.v-breached')
          .first()
          .evaluate((element) => getComputedStyle(element).backgroundColor),
      ).toBe('rgb(253, 226, 226)');
      await expectReadable(page);
      expect(observed.requests).toEqual([`${url}/status`]);
      expect(observed.console).toEqual([]);
      expect(observed.dialogs).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        1280,
      );
      expect(await page.locator('meta[http-equiv=refresh]').getAttribute('content')).toBe('10');
      await page.screenshot({ path: join(OUTPUT_DIR, 'status-page.png'), fullPage: true });
      await context.close();
    });

    it('renders the endpoint named <script>alert(1)</script> as visible text: no script runs, no dialog opens', async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const { page, observed } = await open(context, `${url}/status`);
      const header = page.getByRole('rowheader', { name: SCRIPT_ENDPOINT, exact: true });
      await expect(header.isVisible()).resolves.toBe(true);
      await expect(header.textContent()).resolves.toBe(SCRIPT_ENDPOINT);
      expect(await page.evaluate(() => document.scripts.length)).toBe(0);
      expect(await page.locator('script').count()).toBe(0);
      expect(observed.dialogs).toEqual([]);
      expect(observed.console).toEqual([]);
      await context.close();
    });

    it('draws a latency chart per endpoint, the power chart and the rate-limit bars, each with a text alternative', async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const { page } = await open(context, `${url}/status`);
      const rows = await page.locator('#slo tbody tr').count();
      const sparks = page.locator('#slo svg.spark[role=img]');
      expect(await sparks.count()).toBe(rows);
      const checkout = page.getByRole('img', {
        name: /^Latency per minute of \/checkout over the last 20\smin: 15 minutes with requests/,
      });
      await expect(checkout.count()).resolves.toBe(1);
      expect(await checkout.locator('polyline.mean').getAttribute('points')).toMatch(
        /^(\d+,\d+ ){15}$/,
      );
      await expect(
        page.getByRole('img', { name: SCRIPT_ENDPOINT, exact: false }).count(),
      ).resolves.toBe(1);
      const power = page.getByRole('img', { name: /^Average power of the last \d+ power windows/ });
      await expect(power.count()).resolves.toBe(1);
      expect(await power.getAttribute('aria-label')).toMatch(
        /from 26\sW to 40\sW, latest 26\sW; threshold 60\sW\.$/,
      );
      const bars = page.getByRole('img', { name: /^Checks per minute of rule \/agents\/plan/ });
      expect(await bars.getAttribute('aria-label')).toMatch(
        / \d+ allowed and \d+ limited in \d+ intervals?, busiest/,
      );
      expect(await bars.locator('rect.limited').count()).toBeGreaterThan(0);
      const lowPower = await page.locator('#energy').textContent();
      expect(lowPower).toContain('State: On (evening grid peak).');
      expect(lowPower).toContain(
        `35\u00A0% less average power (26\u00A0W in low-power mode against 40\u00A0W in normal mode); target 30\u00A0%`,
      );
      await context.close();
    });

    it('agrees with its JSON snapshot: P95 from the planned latencies, 429s per minute in the rate-limit history', async () => {
      const response = await fetch(`${url}/status?format=json`);
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      const snapshot = (await response.json()) as StatusSnapshot;
      const checkout = snapshot.endpoints!.find((status) => status.endpoint === '/checkout')!;
      expect(checkout.p95.actualMs).toBeCloseTo(percentileOf(plan['/checkout'].flat(), 95), 9);
      expect(checkout.requestCount).toBe(MINUTES * 4);
      const script = snapshot.endpoints!.find((status) => status.endpoint === SCRIPT_ENDPOINT)!;
      expect(script.verdict).toBe('unjudged');
      const agents = snapshot.rateLimits!.rules.find((rule) => rule.rule === '/agents/plan')!;
      expect([agents.allowedTotal, agents.limitedTotal]).toEqual([MINUTES * 10, MINUTES * 4]);
      expect(agents.intervals.reduce((sum, interval) => sum + interval.limited, 0)).toBe(
        agents.recentLimited,
      );
    });

    it('reads well on a phone: no sideways scrolling, endpoints as cards', async () => {
      const context = await browser.newContext({
        viewport: { width: 390, height: 844 },
        isMobile: true,
        hasTouch: true,
      });
      const { page, observed } = await open(context, `${url}/status`);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        390,
      );
      expect(
        await page
          .locator('#slo thead')
          .evaluate((element) => element.getBoundingClientRect().height),
      ).toBeLessThanOrEqual(1);
      const label = await page
        .locator('#slo tbody td[data-label=P95]')
        .first()
        .evaluate((element) => getComputedStyle(element, '::before').content);
      expect(label).toBe('"P95"');
      expect(observed.console).toEqual([]);
      await page.screenshot({ path: join(OUTPUT_DIR, 'status-page-phone.png'), fullPage: true });
      await context.close();
    });

    it('keeps every verdict readable in the dark colour scheme (contrast of at least 4.5:1)', async () => {
      const context = await browser.newContext({
        viewport: { width: 1280, height: 900 },
        colorScheme: 'dark',
      });
      const { page, observed } = await open(context, `${url}/status`);
      await expectReadable(page);
      expect(observed.console).toEqual([]);
      await page.screenshot({ path: join(OUTPUT_DIR, 'status-page-dark.png') });
      await context.close();
    });
  },
);

/** Method, path and JSON body of one request of the load. */
type Call = readonly [string, string, object | undefined];

describe.skipIf(chromiumPath === undefined)(
  'status page of the example Express service under real load, in headless Chromium',
  () => {
    let server: Server;
    let url: string;
    let browser: Browser;
    let statuses: number[];

    beforeAll(async () => {
      const parts = createServiceParts({
        powerSource: constantPower(65),
        energySampleIntervalMs: 0,
      });
      const { app } = createApp({ parts });
      const page = createStatusPage({
        slo: parts.slo,
        energy: parts.energy,
        limits: parts.limits,
        lowPower: parts.lowPower,
        title: 'Example service (Express)',
      });
      app.get('/status', (req, res) => serve(page, req, res));
      server = app.listen(0, '127.0.0.1');
      url = await listening(server);
      // 240 requests, 8 at a time: health and metrics, embeddings, and 40 plans against 10 a minute.
      const times = (count: number, call: (i: number) => Call): Call[] =>
        Array.from({ length: count }, (_, i) => call(i));
      const calls: Call[] = [
        ...times(80, () => ['GET', '/health/live', undefined]),
        ...times(40, () => ['GET', '/health', undefined]),
        ...times(20, () => ['GET', '/metrics', undefined]),
        ...times(60, (i) => ['POST', '/embed/multimodal', { input: `photo ${i}` }]),
        ...times(40, () => ['POST', '/agents/plan', { goal: 'ship it' }]),
      ];
      statuses = [];
      for (let i = 0; i < calls.length; i += 8) {
        const batch = calls.slice(i, i + 8).map(async ([method, path, body]) => {
          const response = await fetch(`${url}${path}`, {
            method,
            headers: { 'content-type': 'application/json' },
            ...(body ? { body: JSON.stringify(body) } : {}),
          });
          await response.arrayBuffer();
          return response.status;
        });
        statuses.push(...(await Promise.all(batch)));
      }
      browser = await chromium.launch({ executablePath: chromiumPath!, args: CHROMIUM_ARGS });
    });

    afterAll(async () => {
      await browser?.close();
      server?.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
    });

    it('shows the endpoints, their verdicts and charts, and the 429s of /agents/plan, without a console error', async () => {
      // The agents' limit is 10 a minute per client: 30 of the 40 plans are refused.
      expect(statuses.filter((status) => status === 429)).toHaveLength(30);
      expect(statuses.filter((status) => status === 200)).toHaveLength(210);
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const { page, observed } = await open(context, `${url}/status`);
      const rows = page.locator('#slo tbody tr');
      const names = await page.locator('#slo tbody th[scope=row]').allTextContents();
      expect(names).toEqual(
        expect.arrayContaining([
          '/health/live',
          '/health',
          '/metrics',
          '/embed/multimodal',
          '/agents/plan',
        ]),
      );
      for (const name of ['/health', '/health/live', '/metrics']) {
        const badge = await rows
          .filter({ has: page.locator('th', { hasText: new RegExp(`^${name}$`) }) })
          .locator('.badge')
          .textContent();
        expect(badge).toMatch(/^. (OK|At risk|Breached)$/);
      }
      expect(await page.locator('#slo svg.spark[role=img]').count()).toBe(await rows.count());
      const plan = page.locator('#limits tbody tr', {
        has: page.locator('th', { hasText: /^\/agents\/plan$/ }),
      });
      await expect(plan.locator('td[data-label=Limited]').textContent()).resolves.toBe('30');
      await expect(page.locator('#energy .tiles').textContent()).resolves.toContain('constant');
      expect(observed.console).toEqual([]);
      expect(observed.dialogs).toEqual([]);
      await page.screenshot({ path: join(OUTPUT_DIR, 'status-page-example.png'), fullPage: true });
      await context.close();
    });
  },
);
