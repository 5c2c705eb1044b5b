import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DemoReport } from '../../examples/demo/report.js';

const root = join(import.meta.dirname, '..', '..');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `examples/demo.ts` as `npm run demo` does (tsx), bounded in time. */
function runDemo(args: readonly string[], timeoutMs = 80_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'examples/demo.ts', ...args],
      { cwd: root, timeout: timeoutMs, maxBuffer: 10 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('npm run demo -- --duration 6 --json', () => {
  let run: Run;
  let report: DemoReport;

  beforeAll(async () => {
    run = await runDemo(['--duration', '6', '--json']);
    report = JSON.parse(run.stdout) as DemoReport;
  }, 90_000);

  it('prints only the JSON report on stdout, and the progress on stderr', () => {
    expect(run.stdout.trim().startsWith('{')).toBe(true);
    expect(run.stderr).toMatch(/ramp 1\/1 .* responses/);
    expect(run.stderr).toContain('embed, low-power mode');
  });

  it('exits 0 exactly when every endpoint with objectives passed them all', () => {
    const judged = report.endpoints.filter((line) => line.objectives.length > 0);
    expect(judged.map((line) => line.endpoint).sort()).toEqual([
      '/health',
      '/health/live',
      '/health/ready',
      '/metrics',
    ]);
    for (const line of judged)
      expect(line.verdict).toBe(
        line.objectives.every((objective) => objective.passed) ? 'PASS' : 'FAIL',
      );
    const passed = judged.every((line) => line.verdict === 'PASS');
    expect(report.sloPassed).toBe(passed);
    expect(run.code).toBe(passed ? 0 : 1);
  });

  it('reports requests, success rate and per-endpoint percentiles', () => {
    const counted = Object.values(report.totals.statusCounts).reduce(
      (sum, count) => sum + count,
      0,
    );
    expect(report.totals.responses).toBe(counted);
    expect(report.totals.responses).toBeGreaterThan(500);
    expect(report.totals.successRate).toBeGreaterThan(0);
    expect(report.totals.successRate).toBeLessThanOrEqual(1);
    expect(report.load.phases.map((phase) => phase.name)).toEqual([
      'ramp 1/1',
      'steady',
      'spike',
      'embed, normal mode',
      'embed, low-power mode',
    ]);
    for (const line of report.endpoints) {
      expect(line.requests).toBeGreaterThan(0);
      expect(line.p50Ms).toBeLessThanOrEqual(line.p95Ms);
      expect(line.p95Ms).toBeLessThanOrEqual(line.p99Ms);
    }
  });

  it('shows 429s on /embed/multimodal, counted by the limiter and seen by a client, with a sample body and headers', () => {
    const embed = report.rateLimits.rules.find((rule) => rule.rule === '/embed/multimodal');
    expect(embed?.limit).toBe('60 per minute');
    expect(embed?.limited).toBeGreaterThan(0);
    expect(report.totals.statusCounts['429']).toBeGreaterThanOrEqual(embed!.limited);
    const served = report.endpoints.find((line) => line.endpoint === '/embed/multimodal');
    expect(served?.requests).toBe(embed?.allowed);
    const sample = report.rateLimits.sample429!;
    expect(sample.status).toBe(429);
    expect(sample.body).toMatchObject({
      error: { code: 'rate_limit_exceeded', endpoint: '/embed/multimodal', limit: 60 },
    });
    // The policy is named after its rule's pattern; the seed's legacy fields come with it by default.
    expect(sample.headers['RateLimit-Policy']).toBe('"/embed/multimodal";q=60;w=60');
    expect(sample.headers['X-RateLimit-Limit']).toBe('60');
    expect(sample.headers['X-RateLimit-Remaining']).toBe('0');
    expect(Number(sample.headers['Retry-After'])).toBeGreaterThanOrEqual(1);
  });

  it('names the power source and why, and compares the two energy phases', () => {
    const { energy } = report;
    expect(['rapl', 'cpu-model', 'constant']).toContain(energy.powerSource.choice);
    expect(energy.powerSource.reason).toMatch(/\w/);
    expect(energy.totalEnergyWh).toBeGreaterThan(0);
    expect(energy.requestsPerWh * energy.energyPerRequestWh).toBeCloseTo(1, 6);
    const lowPower = energy.lowPower!;
    expect(lowPower.embeddingRounds).toEqual({ normal: 1024, lowPower: 64 });
    expect(lowPower.powerReduction).toBeCloseTo(
      1 - lowPower.lowPower.averagePowerW / lowPower.normal.averagePowerW,
      9,
    );
    expect(lowPower.normal.requests).toBeGreaterThan(0);
    expect(lowPower.lowPower.requests).toBeGreaterThan(0);
  });

  it('says whether it found GPUs, where the intensity came from, and the SCI per request', () => {
    const { energy } = report;
    expect(energy.powerSource.reason).toMatch(/NVIDIA GPU/);
    expect(energy.carbonIntensitySource).toBe('fixed');
    expect(energy.sciGPerRequest).toBeCloseTo(
      (energy.totalEmissionsG + (energy.embodiedGPerHour * energy.durationS) / 3600) /
        energy.requests,
      9,
    );
  });
});

describe('demo options', () => {
  it('--help prints the usage and exits 0', async () => {
    const run = await runDemo(['--help'], 30_000);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--duration <s>');
  }, 40_000);

  it('a duration out of range exits 2 with the reason', async () => {
    const run = await runDemo(['--duration', '400'], 30_000);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--duration must be 5..45 seconds, got 400.');
  }, 40_000);
});
