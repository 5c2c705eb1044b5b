import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnergyMonitor } from '../../src/energy/energy-monitor.js';
import { LowPowerMode } from '../../src/energy/low-power-mode.js';
import { renderPrometheus } from '../../src/prometheus/exposition.js';
import { EndpointRateLimiter } from '../../src/rate-limit/endpoint-rate-limiter.js';
import { SLOTracker } from '../../src/slo/slo-tracker.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { findProgram } from '../support/programs.js';
import { parseExposition } from './exposition-parser.js';
import { SteppedPowerSource } from './reference.js';

interface Target {
  readonly expr?: string;
  readonly refId?: string;
  readonly datasource?: { readonly type?: string; readonly uid?: string };
}

interface Panel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly gridPos: {
    readonly h: number;
    readonly w: number;
    readonly x: number;
    readonly y: number;
  };
  readonly targets?: readonly Target[];
}

interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly schemaVersion: number;
  readonly panels: readonly Panel[];
  readonly templating: {
    readonly list: readonly { readonly name: string; readonly definition?: string }[];
  };
}

const text = readFileSync(
  new URL('../../examples/grafana/dashboard.json', import.meta.url),
  'utf8',
);
const dashboard = JSON.parse(text) as Dashboard;
const expressions = dashboard.panels.flatMap((panel) =>
  (panel.targets ?? []).map((target) => target.expr ?? ''),
);
const variableQueries = dashboard.templating.list.flatMap((variable) =>
  variable.definition === undefined ? [] : [variable.definition],
);

/** Everything the exposition writes when every source is given and every family has samples. */
function writtenNames(): Set<string> {
  const clock = new ManualClock(Date.UTC(2025, 6, 1));
  const slo = new SLOTracker({
    clock,
    objectives: { '/a': { p50Ms: 5, p95Ms: 10, p99Ms: 50, errorRate: 0.01 } },
  });
  slo.record('/a', 3, { error: true });
  const source = new SteppedPowerSource(clock, 100);
  const energy = new EnergyMonitor({
    powerSource: source,
    clock,
    powerThresholdW: 50,
    sampleIntervalMs: 0,
  });
  energy.startTracking();
  const lowPower = new LowPowerMode({ energy, minMeasurementMs: 0 });
  clock.advanceMs(20_000);
  energy.beginRequest().end();
  lowPower.enable();
  source.setWatts(60);
  clock.advanceMs(20_000);
  const limiter = new EndpointRateLimiter({ clock });
  limiter.check('/agents/plan', 'c');
  const parsed = parseExposition(
    renderPrometheus({ slo, energy, limits: limiter, lowPower, storeFaults: () => 0 }),
  );
  return new Set(parsed.samples.map((sample) => sample.name));
}

const metricNamesIn = (expression: string): string[] =>
  expression.match(/\bgreenslo_[a-zA-Z0-9_]+/g) ?? [];

describe('examples/grafana/dashboard.json', () => {
  it('is a Grafana dashboard: valid JSON with a uid, unique panel ids and a query on every panel', () => {
    expect(dashboard.uid).toBe('greenslo-overview');
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets!) {
        expect(target.expr, panel.title).toMatch(/greenslo_/);
        expect(target.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      }
      expect(panel.gridPos.x + panel.gridPos.w, panel.title).toBeLessThanOrEqual(24);
    }
  });

  it('queries only metric names that the exposition writes', () => {
    const written = writtenNames();
    const used = new Set([...expressions, ...variableQueries].flatMap(metricNamesIn));
    expect(used.size).toBeGreaterThanOrEqual(20);
    for (const name of used) expect(written.has(name), name).toBe(true);
  });

  it('shows latency quantiles against targets, error budget, burn rate, energy and CO2 per request and the rate-limited share', () => {
    const joined = expressions.join('\n');
    expect(joined).toContain(
      'histogram_quantile(0.95, sum by (endpoint, le) (rate(greenslo_request_duration_seconds_bucket{',
    );
    expect(joined).toContain('greenslo_slo_latency_objective_seconds{');
    expect(joined).toContain('greenslo_slo_error_budget_remaining_ratio{');
    expect(joined).toContain('greenslo_slo_burn_rate{');
    expect(joined).toMatch(
      /rate\(greenslo_request_energy_joules_total\{[^}]*\}\[\$__rate_interval\]\)\) \/ sum\(rate\(greenslo_energy_requests_total/,
    );
    expect(joined).toMatch(
      /rate\(greenslo_request_co2_emissions_grams_total\{[^}]*\}\[\$__rate_interval\]\)\) \/ sum\(rate\(greenslo_energy_requests_total/,
    );
    expect(joined).toContain('greenslo_rate_limit_decisions_total{job=~"$job",outcome="limited"}');
  });
});

const promtool = findProgram('promtool', 'prometheus');

describe.skipIf(promtool === undefined)('the dashboard queries judged by promtool', () => {
  it('are valid PromQL once Grafana has put in its variables', () => {
    const grafanaVariables = (expression: string): string =>
      expression
        .replaceAll('$__rate_interval', '5m')
        .replaceAll('$__range', '6h')
        .replaceAll('$job', '.*')
        .replaceAll('$endpoint', '.*');
    const rules = expressions.map(
      (expression, i) =>
        `      - record: dashboard_query_${i}\n        expr: ${JSON.stringify(grafanaVariables(expression))}`,
    );
    const folder = mkdtempSync(join(tmpdir(), 'greenslo-dashboard-'));
    try {
      writeFileSync(
        join(folder, 'queries.yml'),
        `groups:\n  - name: dashboard\n    rules:\n${rules.join('\n')}\n`,
      );
      const result = spawnSync(promtool!, ['check', 'rules', join(folder, 'queries.yml')], {
        encoding: 'utf8',
      });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toContain(`SUCCESS: ${expressions.length} rules found`);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
