import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { registerOpenTelemetry } from '../../src/otel/index.js';
import { EndpointRateLimiter } from '../../src/rate-limit/endpoint-rate-limiter.js';
import { SLOTracker } from '../../src/slo/slo-tracker.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { parseExposition, valueOf } from '../prometheus/exposition-parser.js';
import { freePort } from '../support/ports.js';

const START_MS = Date.UTC(2026, 0, 5, 9, 0, 0);
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('registerOpenTelemetry end to end: OpenTelemetry Prometheus exporter scraped over HTTP', () => {
  it('serves the SLO and rate-limit figures under the exporter names, dots turned into underscores', async () => {
    const clock = new ManualClock(START_MS);
    const slo = new SLOTracker({ clock, objectives: { '/orders': { p95Ms: 50 } } });
    const limits = new EndpointRateLimiter({
      clock,
      rules: { '/orders': { rate: 1, perSeconds: 60 } },
    });
    for (const latencyMs of [10, 20, 30]) {
      limits.check('/orders', 'client-a');
      slo.record('/orders', latencyMs);
    }
    const port = await freePort();
    const exporter = new PrometheusExporter({ host: '127.0.0.1', port });
    const provider = new MeterProvider({ readers: [exporter] });
    cleanups.push(() => provider.shutdown());
    await exporter.startServer();
    const registration = registerOpenTelemetry(provider.getMeter('orders-service'), {
      slo,
      limits,
    });
    cleanups.push(() => Promise.resolve(registration.unregister()));

    const response = await fetch(`http://127.0.0.1:${port}/metrics`, {
      signal: AbortSignal.timeout(10_000),
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    // The exporter adds `# UNIT` lines, which the text format 0.0.4 parser does not know.
    const scraped = parseExposition(
      text
        .split('\n')
        .filter((line) => !line.startsWith('# UNIT'))
        .join('\n'),
    );
    expect(valueOf(scraped, 'greenslo_requests_total', { http_route: '/orders' })).toBe(3);
    expect(
      valueOf(scraped, 'greenslo_rate_limit_decisions_total', {
        greenslo_rule: '/orders',
        greenslo_outcome: 'limited',
      }),
    ).toBe(2);
    expect(
      valueOf(scraped, 'greenslo_request_duration_sum_total', { http_route: '/orders' }),
    ).toBeCloseTo(0.06, 12);
    expect(
      valueOf(scraped, 'greenslo_slo_latency_objective', {
        http_route: '/orders',
        greenslo_percentile: '95',
      }),
    ).toBe(0.05);
  });
});
