import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SLOS } from '../../src/index.js';

const root = join(import.meta.dirname, '..', '..');

interface NamedProbe {
  readonly label: string;
  readonly slo: string;
  readonly latency: { readonly name: string };
  readonly errors: { readonly name: string };
}

/** The k6 helpers that import nothing from k6, loaded as plain JavaScript. */
const slos = (await import(pathToFileURL(join(root, 'examples/k6/slos.js')).href)) as {
  SLOS: Record<string, { p95Ms: number; errorRate: number }>;
  metricName(label: string): string;
  thresholdsFor(probes: readonly NamedProbe[]): Record<string, string[]>;
};
const settings = (await import(pathToFileURL(join(root, 'examples/k6/settings.js')).href)) as {
  stagesFromEnv(env: Record<string, string | undefined>): { duration: string; target: number }[];
  baseUrlFromEnv(env: Record<string, string | undefined>): string;
};
const summary = (await import(pathToFileURL(join(root, 'examples/k6/summary.js')).href)) as {
  summaryText(
    data: { metrics: Record<string, unknown> },
    probes: readonly NamedProbe[],
    baseUrl: string,
  ): string;
};

const probe = (label: string, slo: string): NamedProbe => ({
  label,
  slo,
  latency: { name: `${slos.metricName(label)}_latency` },
  errors: { name: `${slos.metricName(label)}_errors` },
});

describe('k6 load scripts', () => {
  it('type-check against @types/k6 (tsc -p examples/k6/tsconfig.json reports no error)', async () => {
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    const result = await new Promise<{ code: number | null; output: string }>((resolve) => {
      execFile(
        process.execPath,
        [tsc, '-p', 'examples/k6/tsconfig.json'],
        { cwd: root, timeout: 60_000 },
        (error, stdout, stderr) =>
          resolve({
            code: error ? ((error as { code?: number }).code ?? 1) : 0,
            output: stdout + stderr,
          }),
      );
    });
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  }, 70_000);

  it('use thresholds equal to the default SLOs of the service', () => {
    expect(slos.SLOS).toEqual(DEFAULT_SLOS);
    const thresholds = slos.thresholdsFor([
      probe('/health/ready', '/health/ready'),
      probe('/metrics?format=json', '/metrics'),
    ]);
    expect(thresholds).toEqual({
      health_ready_latency: ['p(95)<20'],
      health_ready_errors: ['rate<0.0001'],
      metrics_format_json_latency: ['p(95)<50'],
      metrics_format_json_errors: ['rate<0.0001'],
    });
    expect(() => slos.thresholdsFor([probe('/embed/multimodal', '/embed/multimodal')])).toThrow(
      'no objective for /embed/multimodal',
    );
  });

  it('ramp up, hold, spike and ramp down, as the environment sets them', () => {
    expect(settings.stagesFromEnv({})).toEqual([
      { duration: '30s', target: 10 },
      { duration: '1m', target: 10 },
      { duration: '5s', target: 40 },
      { duration: '20s', target: 40 },
      { duration: '10s', target: 0 },
    ]);
    const custom = settings.stagesFromEnv({
      TARGET_VUS: '4',
      SPIKE_VUS: '12',
      RAMP_UP: '5s',
      STEADY: '20s',
      SPIKE: '7s',
      RAMP_DOWN: '2s',
    });
    expect(custom.map((stage) => `${stage.duration}:${stage.target}`)).toEqual([
      '5s:4',
      '20s:4',
      '5s:12',
      '7s:12',
      '2s:0',
    ]);
    expect(() => settings.stagesFromEnv({ TARGET_VUS: 'many' })).toThrow(
      'TARGET_VUS must be a number >= 0, got many',
    );
    expect(settings.baseUrlFromEnv({ BASE_URL: 'http://10.0.0.5:8080/' })).toBe(
      'http://10.0.0.5:8080',
    );
  });

  it('summarise P95 and PASS/FAIL per endpoint from the thresholds k6 judged', () => {
    const probes = [probe('/health', '/health'), probe('/health/live', '/health/live')];
    const data = {
      metrics: {
        health_latency: {
          values: { 'p(50)': 0.8, 'p(95)': 2.345, 'p(99)': 4, count: 1200 },
          thresholds: { 'p(95)<10': { ok: true } },
        },
        health_errors: { values: { rate: 0 }, thresholds: { 'rate<0.0001': { ok: true } } },
        health_live_latency: {
          values: { 'p(50)': 3, 'p(95)': 7.5, 'p(99)': 9, count: 1100 },
          thresholds: { 'p(95)<5': { ok: false } },
        },
        health_live_errors: { values: { rate: 0 }, thresholds: { 'rate<0.0001': { ok: true } } },
      },
    };
    const lines = summary.summaryText(data, probes, 'http://127.0.0.1:3000').split('\n');
    const row = (label: string) => lines.find((line) => line.startsWith(`${label} `)) ?? '';
    expect(row('/health')).toMatch(/1200\s+0\.80\s+2\.35\s+4\.00\s+0\.000 %\s+PASS/);
    expect(row('/health/live')).toMatch(
      /1100\s+3\.00\s+7\.50\s+9\.00\s+0\.000 %\s+FAIL\s+p95 < 5 ms/,
    );
    expect(lines).toContain('SLO verdict: FAIL');
  });
});
