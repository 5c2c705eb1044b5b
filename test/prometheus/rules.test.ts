import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prometheusRules } from '../../src/prometheus/rules.js';
import { findProgram } from '../support/programs.js';

const objectives = { '/health': { p95Ms: 10 }, '/agents/plan': { errorRate: 0.0001 } };

describe('prometheusRules', () => {
  it('records each objective over the seven windows and writes a fast and a slow alert per objective', () => {
    const rules = prometheusRules(objectives);
    const records = rules.match(/- record: /g) ?? [];
    const alerts = rules.match(/- alert: /g) ?? [];
    expect(records).toHaveLength(2 * 7);
    expect(alerts).toHaveLength(2 * 2);
    for (const window of ['5m', '30m', '1h', '2h', '6h', '1d', '3d']) {
      expect(rules).toContain(`record: endpoint:greenslo_slo_error_ratio:rate${window}\n`);
    }
  });

  it('counts a latency objective from the histogram bucket at its threshold in seconds', () => {
    const rules = prometheusRules({ '/metrics': { p99Ms: 50 } });
    expect(rules).toContain(
      'greenslo_request_duration_seconds_bucket{endpoint="/metrics",le="0.05"}[5m]',
    );
    expect(rules).toContain('(14.4 * 0.01)');
  });

  it('derives the burn-rate factors from the period (2 %, 5 %, 10 %, 10 % of the budget)', () => {
    const thirtyDays = prometheusRules({ '/a': { errorRate: 0.001 } });
    for (const factor of ['(14.4 * 0.001)', '(6 * 0.001)', '(3 * 0.001)', '(1 * 0.001)'])
      expect(thirtyDays).toContain(factor);
    const fourWeeks = prometheusRules({ '/a': { errorRate: 0.001 } }, { period: '4w' });
    // 672 hours: 2 % x 672 / 1 = 13.44; 5 % x 672 / 6 = 5.6; 10 % x 672 / 24 = 2.8; 10 % x 672 / 72 = 0.9333... (12 digits)
    for (const factor of [
      '(13.44 * 0.001)',
      '(5.6 * 0.001)',
      '(2.8 * 0.001)',
      '(0.933333333333 * 0.001)',
    ])
      expect(fourWeeks).toContain(factor);
  });

  it('uses the metric prefix it is given', () => {
    const rules = prometheusRules({ '/a': { errorRate: 0.01 } }, { prefix: 'shop_' });
    expect(rules).toContain(
      'sum(rate(shop_request_errors_total{endpoint="/a"}[1h])) / sum(rate(shop_requests_total{endpoint="/a"}[1h]))',
    );
    expect(rules).toContain('record: endpoint:shop_slo_error_ratio:rate1h');
  });

  it('escapes endpoint names in PromQL and YAML', () => {
    const rules = prometheusRules({ '/it\'s "quoted"\\': { errorRate: 0.01 } });
    expect(rules).toContain(String.raw`{endpoint="/it''s \"quoted\"\\"}`);
    expect(rules).toContain(`endpoint: ${JSON.stringify('/it\'s "quoted"\\')}`);
  });

  it('writes an empty rules file when there are no objectives', () => {
    expect(prometheusRules({})).toMatch(/groups: \[\]\n$/);
  });

  it('rejects a bad period, prefix or objective, naming it', () => {
    expect(() => prometheusRules(objectives, { period: '30 days' })).toThrow(
      new RangeError(
        "prometheusRules: `period` must be a duration such as '30d', '4w' or '720h', got \"30 days\".",
      ),
    );
    expect(() => prometheusRules(objectives, { prefix: 'bad-prefix' })).toThrow(TypeError);
    expect(() => prometheusRules({ '/a': { p95Ms: -1 } })).toThrow(
      'prometheusRules: `objectives["/a"].p95Ms` must be a finite number > 0, got -1.',
    );
    expect(() => prometheusRules({ '/a': { errorRate: 1 } })).toThrow(RangeError);
  });
});

const promtool = findProgram('promtool', 'prometheus');

interface Series {
  readonly series: string;
  readonly values: string;
}

function promtoolTest(
  rules: string,
  inputSeries: readonly Series[],
  alertTests: readonly object[],
): void {
  const folder = mkdtempSync(join(tmpdir(), 'greenslo-rules-'));
  writeFileSync(join(folder, 'rules.yml'), rules);
  const test = {
    rule_files: ['rules.yml'],
    evaluation_interval: '1m',
    tests: [{ interval: '1m', input_series: inputSeries, alert_rule_test: alertTests }],
  };
  writeFileSync(join(folder, 'test.yml'), JSON.stringify(test, null, 2));
  execFileSync(promtool!, ['check', 'rules', join(folder, 'rules.yml')], { stdio: 'pipe' });
  execFileSync(promtool!, ['test', 'rules', join(folder, 'test.yml')], {
    cwd: folder,
    stdio: 'pipe',
  });
}

function expectedAlert(endpoint: string, slo: string, budget: string) {
  return {
    exp_labels: { endpoint, slo, severity: 'page' },
    exp_annotations: {
      summary: `${endpoint} is spending its ${slo} error budget too fast`,
      description: `The ${slo} objective of ${endpoint} (error budget ${budget} of events over 30d) is burning faster than the page thresholds allow.`,
    },
  };
}

/** Per-minute increments giving `burn` times the error budget, for both objectives above. */
function seriesAtBurn(burn: number): Series[] {
  const latencyRequestsPerMinute = 400;
  const latencyBadPerMinute = latencyRequestsPerMinute * 0.05 * burn;
  const errorRequestsPerMinute = 100_000;
  const errorsPerMinute = errorRequestsPerMinute * 0.0001 * burn;
  const minutes = 'x420';
  return [
    {
      series: 'greenslo_request_duration_seconds_bucket{endpoint="/health",le="0.01"}',
      values: `0+${latencyRequestsPerMinute - latencyBadPerMinute}${minutes}`,
    },
    {
      series: 'greenslo_request_duration_seconds_count{endpoint="/health"}',
      values: `0+${latencyRequestsPerMinute}${minutes}`,
    },
    {
      series: 'greenslo_requests_total{endpoint="/agents/plan"}',
      values: `0+${errorRequestsPerMinute}${minutes}`,
    },
    {
      series: 'greenslo_request_errors_total{endpoint="/agents/plan"}',
      values: `0+${errorsPerMinute}${minutes}`,
    },
  ];
}

describe.skipIf(!promtool)('prometheusRules judged by promtool', () => {
  it('pages within the hour for a 20x burn of a latency and of an error-rate objective', () => {
    const alerts = [
      expectedAlert('/agents/plan', 'errors', '0.0001'),
      expectedAlert('/health', 'latency_p95', '0.05'),
    ];
    promtoolTest(prometheusRules(objectives), seriesAtBurn(20), [
      { eval_time: '60m', alertname: 'GreensloErrorBudgetBurnFast', exp_alerts: alerts },
    ]);
  });

  it('raises no alert at a 0.5x burn, over seven hours', () => {
    const quiet = ['60m', '3h', '7h'].flatMap((evalTime) =>
      ['GreensloErrorBudgetBurnFast', 'GreensloErrorBudgetBurnSlow'].map((alertname) => ({
        eval_time: evalTime,
        alertname,
        exp_alerts: [],
      })),
    );
    promtoolTest(prometheusRules(objectives), seriesAtBurn(0.5), quiet);
  });

  it('fails the check when an alert that should fire is missing (the judge can say no)', () => {
    const wrong = [{ eval_time: '60m', alertname: 'GreensloErrorBudgetBurnFast', exp_alerts: [] }];
    expect(() => promtoolTest(prometheusRules(objectives), seriesAtBurn(20), wrong)).toThrow();
  });
});
