import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createHealthEndpoints } from '../../src/http/health.js';
import { createMetricsEndpoint } from '../../src/http/metrics-endpoint.js';
import { renderPrometheus } from '../../src/prometheus/exposition.js';
import { collectInto } from '../../src/prometheus/prom-client.js';
import { prometheusRules } from '../../src/prometheus/rules.js';
import { normalizeClientAddress } from '../../src/rate-limit/client-address.js';
import { EndpointRateLimiter } from '../../src/rate-limit/endpoint-rate-limiter.js';
import { SLOTracker } from '../../src/slo/slo-tracker.js';
import { createStatusPage } from '../../src/status/status-page.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { parseExposition, samplesOf, valueOf } from './exposition-parser.js';

const START_MS = Date.UTC(2025, 0, 6, 9, 0, 0);
const DECISIONS = 'greenslo_rate_limit_decisions_total';

function limitsWithTraffic(): EndpointRateLimiter {
  const limits = new EndpointRateLimiter({
    clock: new ManualClock(START_MS),
    rules: { '/agents/plan': { rate: 2, perSeconds: 60 } },
  });
  for (let i = 0; i < 3; i++) limits.check('/agents/plan', 'client');
  return limits;
}

describe('the rate limiter is `limits` everywhere', () => {
  it('renderPrometheus writes the decisions of `limits`', () => {
    const parsed = parseExposition(renderPrometheus({ limits: limitsWithTraffic() }));
    expect(valueOf(parsed, DECISIONS, { rule: '/agents/plan', outcome: 'allowed' })).toBe(2);
    expect(valueOf(parsed, DECISIONS, { rule: '/agents/plan', outcome: 'limited' })).toBe(1);
  });

  it('collectInto registers the decisions of `limits`', async () => {
    const registry = new Registry();
    collectInto(registry, { limits: limitsWithTraffic() });
    const parsed = parseExposition(await registry.metrics());
    expect(valueOf(parsed, DECISIONS, { rule: '/agents/plan', outcome: 'limited' })).toBe(1);
  });

  it('the old `limiter` key is an unknown option that says to use `limits`, in every function that exposes limits', () => {
    const limiter = limitsWithTraffic();
    const hint = /`limiter` is not an option \(use `limits`/;
    expect(() => renderPrometheus({ limiter } as never)).toThrow(TypeError);
    expect(() => renderPrometheus({ limiter } as never)).toThrow(hint);
    expect(() => collectInto(new Registry(), { limiter } as never)).toThrow(hint);
    expect(() => createMetricsEndpoint({ limiter } as never)).toThrow(hint);
    expect(() => createStatusPage({ limiter } as never)).toThrow(hint);
  });

  it('leaves out rule="default" when no default rule was given, however many requests matched no rule', () => {
    const limits = limitsWithTraffic();
    for (let i = 0; i < 5; i++) limits.check('/unmatched', 'client');
    const parsed = parseExposition(renderPrometheus({ limits }));
    expect(samplesOf(parsed, DECISIONS).map((sample) => sample.labels.rule)).not.toContain(
      'default',
    );
    expect(
      createStatusPage({ limits, clock: new ManualClock(START_MS) })
        .snapshot()
        .rateLimits!.rules.map((rule) => rule.rule),
    ).toEqual(['/agents/plan']);
  });

  it('writes rule="default" when a default rule was given', () => {
    const limits = new EndpointRateLimiter({
      clock: new ManualClock(START_MS),
      rules: {},
      default: { rate: 1, perSeconds: 60 },
    });
    limits.check('/unmatched', 'client');
    limits.check('/unmatched', 'client');
    const parsed = parseExposition(renderPrometheus({ limits }));
    expect(valueOf(parsed, DECISIONS, { rule: 'default', outcome: 'limited' })).toBe(1);
  });
});

describe('unknown option keys', () => {
  const slo = new SLOTracker({ clock: new ManualClock(START_MS) });

  it('are refused by renderPrometheus, collectInto and prometheusRules, with the closest known key', () => {
    expect(() => renderPrometheus({ slo, prefx: 'app_' } as never)).toThrow(
      /^renderPrometheus: `prefx` is not an option \(did you mean `prefix`\?\)/,
    );
    expect(() => collectInto(new Registry(), { slo, recorded: new Map() } as never)).toThrow(
      /^collectInto: `recorded` is not an option/,
    );
    expect(() => collectInto(new Registry(), { slo }, { maxEndpoint: 3 } as never)).toThrow(
      /`maxEndpoint` is not an option \(did you mean `maxEndpoints`\?\)/,
    );
    expect(() => prometheusRules({}, { perod: '7d' } as never)).toThrow(
      /^prometheusRules: `perod` is not an option \(did you mean `period`\?\)/,
    );
  });

  it('are refused by the metrics, health and status endpoints and by normalizeClientAddress', () => {
    expect(() => createMetricsEndpoint({ slo, path: '/metrics' } as never)).toThrow(
      /^metricsHandler: `path` is not an option/,
    );
    expect(() => createHealthEndpoints({ timeout: 10 } as never)).toThrow(
      /^healthHandlers: `timeout` is not an option \(did you mean `timeoutMs`\?\)/,
    );
    expect(() => createStatusPage({ slo, refreshSecond: 5 } as never)).toThrow(
      /^statusPage: `refreshSecond` is not an option \(did you mean `refreshSeconds`\?\)/,
    );
    expect(() => normalizeClientAddress('2001:db8::1', { prefixLength: 64 } as never)).toThrow(
      /^normalizeClientAddress: `prefixLength` is not an option/,
    );
    expect(normalizeClientAddress('2001:db8::1', { ipv6PrefixLength: 64 })).toBe('2001:db8::/64');
  });
});

describe('clock readings of the status page and the health endpoint', () => {
  it('are refused with a RangeError when NaN, infinite, negative or past 8.64e15', () => {
    for (const reading of [Number.NaN, Infinity, -1, 8.64e15 + 1]) {
      let fault: number | undefined;
      const manual = new ManualClock(START_MS);
      const clock = { nowMs: () => fault ?? manual.nowMs() };
      const page = createStatusPage({
        slo: new SLOTracker({ clock }),
        limits: limitsWithTraffic(),
        clock,
      });
      const health = createHealthEndpoints({ clock });
      fault = reading;
      expect(() => page.respond('json')).toThrow(
        /^statusPage: `clock\.nowMs\(\)` must return a finite number from 0 to 8640000000000000/,
      );
      expect(() => health.health()).toThrow(/^healthHandlers: `clock\.nowMs\(\)` must return/);
      fault = undefined;
      expect(page.respond('json').status).toBe(200);
    }
  });
});

describe('metricsHandler', () => {
  it('passes every source renderPrometheus takes, the store breaker included', () => {
    const endpoint = createMetricsEndpoint({ storeBreaker: () => 'open' });
    const parsed = parseExposition(endpoint.respond('prometheus').body);
    expect(valueOf(parsed, 'greenslo_rate_limit_store_breaker_state', { state: 'open' })).toBe(1);
  });
});
