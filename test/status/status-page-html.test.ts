import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EnergyMonitor, LowPowerMode } from '../../src/energy/index.js';
import { EndpointRateLimiter } from '../../src/rate-limit/index.js';
import { SLOTracker } from '../../src/slo/index.js';
import {
  createStatusPage,
  STATUS_PAGE_CONTENT_SECURITY_POLICY,
  VERDICT_LABELS,
} from '../../src/status/index.js';
import { ManualClock, ManualPowerSource } from '../../src/testing/index.js';
import { SCRIPT_ENDPOINT, T0, trackedService } from './support.js';

function fullService() {
  const { clock, slo } = trackedService();
  const source = new ManualPowerSource({ clock, watts: 40 });
  const energy = new EnergyMonitor({
    powerSource: source,
    clock,
    powerWindowMs: 10_000,
    powerThresholdW: 60,
  });
  energy.startTracking();
  const lowPower = new LowPowerMode({ energy });
  const limits = new EndpointRateLimiter({ clock });
  const page = createStatusPage({
    slo,
    energy,
    lowPower,
    limits,
    clock,
    title: 'Orders & <Billing>',
  });
  for (let i = 0; i < 12; i++) limits.check('/agents/plan', 'client');
  // 30 s of one-second requests at 40 W: three power windows of 10 s.
  for (let i = 0; i < 30; i++) {
    const request = energy.beginRequest();
    clock.advanceMs(1000);
    request.end();
  }
  return { clock, slo, page };
}

/** The CSP header as a map of directive to its sources. */
function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .map(([name, ...sources]) => [name!, sources]),
  );
}

/** The table row of an endpoint (its name as the page writes it). */
function rowOf(html: string, escapedName: string): string {
  const start = html.indexOf(`<th scope="row">${escapedName}</th>`);
  expect(start).toBeGreaterThan(0);
  return html.slice(html.lastIndexOf('<tr', start), html.indexOf('</tr>', start));
}

describe('status page: the HTML document', () => {
  it('is sent with a strict Content-Security-Policy that allows its own style sheet by hash and nothing else', () => {
    const { page } = fullService();
    const { status, headers, body } = page.respond('html');
    expect(status).toBe(200);
    expect(headers['Content-Type']).toBe('text/html; charset=utf-8');
    expect(headers['Cache-Control']).toBe('no-store');
    expect(headers['X-Content-Type-Options']).toBe('nosniff');
    const policy = headers['Content-Security-Policy']!;
    expect(policy).toBe(STATUS_PAGE_CONTENT_SECURITY_POLICY);
    const csp = directives(policy);
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('img-src')).toEqual(['data:']);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.has('script-src')).toBe(false);
    expect(policy).not.toContain('unsafe');
    const styles = [...body.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((match) => match[1]!);
    expect(styles).toHaveLength(1);
    const hash = `'sha256-${createHash('sha256').update(styles[0]!, 'utf8').digest('base64')}'`;
    expect(csp.get('style-src')).toEqual([hash]);
  });

  it('holds no script, no style attribute and no external resource', () => {
    const { body } = fullService().page.respond('html');
    expect(body).not.toMatch(/<script/i);
    expect(body).not.toMatch(/\sstyle=/i);
    expect(body).not.toMatch(/\son[a-z]+=/i);
    expect(body).not.toMatch(/url\(|@import|https?:\/\//i);
    const references = [...body.matchAll(/\s(?:href|src)="([^"]*)"/g)].map((match) => match[1]);
    expect(references).toEqual(['data:,', '?format=json']);
  });

  it('reloads itself by a meta refresh, every 10 s by default', () => {
    const { clock, slo } = trackedService();
    expect(createStatusPage({ slo, clock }).respond().body).toContain(
      '<meta http-equiv="refresh" content="10">',
    );
    expect(createStatusPage({ slo, clock, refreshSeconds: 30 }).respond().body).toContain(
      '<meta http-equiv="refresh" content="30">',
    );
    expect(createStatusPage({ slo, clock, refreshSeconds: 0 }).respond().body).not.toContain(
      'http-equiv="refresh"',
    );
  });

  it('writes an endpoint named <script>alert(1)</script> only as escaped text, in the table and in the chart text', () => {
    const { body } = fullService().page.respond('html');
    expect(body).not.toContain(SCRIPT_ENDPOINT);
    expect(body).not.toContain('<script');
    const escaped = '&lt;script&gt;alert(1)&lt;/script&gt;';
    expect(body).toContain(`<th scope="row">${escaped}</th>`);
    expect(body).toContain(`aria-label="Latency per minute of ${escaped} over the last 1\u00A0h:`);
    expect(body).toContain(`<title>Latency per minute of ${escaped} over the last 1\u00A0h:`);
    expect(body).toContain('<title>Breached \u00B7 Orders &amp; &lt;Billing&gt;</title>');
  });

  it('adds no markup for any endpoint name (property)', () => {
    const markupOf = (endpoint: string): { tags: number; quotes: number } => {
      const clock = new ManualClock(T0);
      const slo = new SLOTracker({ clock });
      slo.record(endpoint, 12);
      const body = createStatusPage({ slo, clock }).respond('html').body;
      return { tags: body.split('<').length, quotes: body.split('"').length };
    };
    const plain = markupOf('/plain');
    fc.assert(
      fc.property(fc.string({ minLength: 1, unit: 'binary' }), (endpoint) => {
        expect(markupOf(endpoint)).toEqual(plain);
      }),
      { numRuns: 60 },
    );
  });

  it('shows each verdict as a colour, an icon and a word', () => {
    const { body } = fullService().page.respond('html');
    const cases = [
      ['/slow', 'breached'],
      ['/close', 'at-risk'],
      ['/fast', 'ok'],
      ['&lt;script&gt;alert(1)&lt;/script&gt;', 'unjudged'],
    ] as const;
    for (const [name, verdict] of cases) {
      const { text, icon } = VERDICT_LABELS[verdict];
      const reference = `&#x${icon.codePointAt(0)!.toString(16).toUpperCase()};`;
      expect(rowOf(body, name)).toContain(
        `<td data-label="Status"><span class="badge v-${verdict}"><span aria-hidden="true">${reference}</span> ${text}</span>`,
      );
    }
    // The limit of 10 a minute admits 10 of the 12 checks; a 30-second interval counts as a minute.
    // Figure marks carry their word for screen readers and as a tooltip.
    expect(rowOf(body, '/close')).toContain(
      '<span class="mark v-at-risk" role="img" aria-label="At risk" title="At risk">&#x25B2;</span>95.1\u00A0ms',
    );
    expect(new Set(Object.values(VERDICT_LABELS).map((label) => label.icon)).size).toBe(4);
    expect(body).toContain(
      '<p class="overall v-breached" role="status"><span aria-hidden="true">&#x2715;</span> Breached \u00B7 4 endpoints: 1 breached, 1 at risk, 1 OK, 1 without objectives</p>',
    );
  });

  it('writes the error budget left as a bar and in words', () => {
    const { body } = fullService().page.respond('html');
    // /slow spent twice its budget; /fast has 80 % of its error-rate budget left.
    expect(rowOf(body, '/slow')).toMatch(
      /<rect class="fill v-breached" width="0" height="8"\/><\/svg><span class="mark v-breached"[^>]*>.*?<\/span>200\u00A0% used/,
    );
    expect(rowOf(body, '/fast')).toMatch(
      /<rect class="fill v-ok" width="80" height="8"\/><\/svg><span class="mark v-ok"[^>]*>.*?<\/span>80\u00A0% left<span class="target">errorRate/,
    );
    expect(rowOf(body, '/close')).toContain('100\u00A0% left');
  });

  it('draws a latency chart per endpoint with a text alternative that gives its figures', () => {
    const { body } = fullService().page.respond('html');
    const row = rowOf(body, '/slow');
    const label =
      'Latency per minute of /slow over the last 1\u00A0h: 10 minutes with requests, mean 5.5\u00A0ms to 95.5\u00A0ms, ' +
      'slowest request 100\u00A0ms, latest minute mean 95.5\u00A0ms; objective 90\u00A0ms.';
    expect(row).toContain(
      `<svg class="spark" viewBox="0 0 1200 360" preserveAspectRatio="none" role="img" aria-label="${label}"><title>${label}</title>`,
    );
    const polylines = [...row.matchAll(/<polyline class="(mean|max)" points="([^"]*)"/g)];
    expect(polylines.map((match) => [match[1], match[2]!.trim().split(' ').length])).toEqual([
      ['max', 10],
      ['mean', 10],
    ]);
    expect(row).toContain('<line class="reference"');
  });

  it('draws the power chart and the rate-limit bars with text alternatives', () => {
    const { body } = fullService().page.respond('html');
    const openTags = (className: string): string[] =>
      body.match(new RegExp(`<svg class="${className}" [^>]*>`, 'g')) ?? [];
    expect(openTags('chart')).toHaveLength(1);
    expect(openTags('chart')[0]).toMatch(
      /role="img" aria-label="Average power of the last 3 power windows, [^"]*: from 40\u00A0W to 40\u00A0W, latest 40\u00A0W; threshold 60\u00A0W\.">/,
    );
    // Only /agents/plan had checks; the other rules say so in words.
    expect(openTags('bars')).toHaveLength(1);
    // The four other rules of DEFAULT_RATE_LIMITS (no default rule, so no row for it).
    expect(body.split('<span class="note">no checks</span>')).toHaveLength(5);
    expect(openTags('bars')[0]).toMatch(
      /role="img" aria-label="Checks per minute of rule \/agents\/plan over the last 30\u00A0s: 10 allowed and 2 limited in 1 interval, busiest 12 per minute\.">/,
    );
    expect(body).toContain('<h2 id="energy-title">Energy and carbon</h2>');
    expect(body).toContain('<h2 id="limits-title">Rate limiting</h2>');
    expect(body).toContain('<h3>Low-power mode</h3><p>State: <strong>Off</strong>.</p>');
  });

  it('redraws a row as soon as its endpoint records again', () => {
    const { slo, page } = fullService();
    const before = rowOf(page.respond('html').body, '/close');
    expect(rowOf(page.respond('html').body, '/close')).toBe(before);
    for (let i = 0; i < 10; i++) slo.record('/close', 500);
    const after = rowOf(page.respond('html').body, '/close');
    expect(after).toContain('<span class="badge v-breached">');
    expect(after).toContain('<td class="fig" data-label="Requests">110</td>');
  });

  it('writes its own icons as character references, so the document stays one byte per character', () => {
    const { body } = fullService().page.respond('html');
    // Characters past U+00FF could only come from the data (names, reasons), and there are none here.
    expect([...body].filter((character) => character.codePointAt(0)! > 0xff)).toEqual([]);
    expect(body).toContain('&#x2264;\u00A090\u00A0ms');
  });

  it('uses table semantics: a caption, column headers and a header cell per row', () => {
    const { body } = fullService().page.respond('html');
    const sloTable = body.slice(body.indexOf('<table'), body.indexOf('</table>'));
    expect(sloTable).toMatch(/^<table class="rows"><caption>/);
    expect([...sloTable.matchAll(/<th scope="col">/g)]).toHaveLength(10);
    expect([...sloTable.matchAll(/<th scope="row">/g)]).toHaveLength(4);
    expect(body).toMatch(
      /^<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">/,
    );
  });
});

describe('status page: the JSON snapshot', () => {
  it('is the snapshot the HTML page is drawn from, as JSON', () => {
    const { clock, slo } = trackedService();
    const page = createStatusPage({ slo, clock, title: 'Orders' });
    const { status, headers, body } = page.respond('json');
    expect(status).toBe(200);
    expect(headers['Content-Type']).toBe('application/json; charset=utf-8');
    expect(headers['Cache-Control']).toBe('no-store');
    expect(headers['Content-Security-Policy']).toBeUndefined();
    const parsed = JSON.parse(body) as Record<string, unknown>;
    expect(parsed).toEqual(JSON.parse(JSON.stringify(page.snapshot())));
    expect(parsed).toMatchObject({
      title: 'Orders',
      generatedAtMs: clock.nowMs(),
      generatedAt: new Date(clock.nowMs()).toISOString(),
      refreshSeconds: 10,
      verdict: 'breached',
    });
  });

  it('writes an infinite burn rate (any error against an error-rate objective of 0) as null, and ∞x in HTML', () => {
    const clock = new ManualClock(T0);
    const slo = new SLOTracker({ clock, objectives: { '/pay': { errorRate: 0 } } });
    slo.record('/pay', 5, { error: true });
    const page = createStatusPage({ slo, clock });
    const parsed = JSON.parse(page.respond('json').body) as {
      endpoints: { burnRates: Record<string, { burnRate: number | null; verdict: string }> }[];
    };
    expect(parsed.endpoints[0]!.burnRates['5m']).toEqual({
      burnRate: null,
      kind: 'errorRate',
      verdict: 'breached',
    });
    expect(page.respond('html').body).toContain('\u221Ex');
  });
});
