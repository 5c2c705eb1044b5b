/**
 * End to end: a real Prometheus server on loopback scrapes a small service that serves
 * renderPrometheus, and its query API must give back the tracker's figures.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus } from '../../src/prometheus/exposition.js';
import { DEFAULT_LATENCY_BUCKETS_MS } from '../../src/slo/latency-histogram.js';
import { SLOTracker } from '../../src/slo/slo-tracker.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { freePort } from '../support/ports.js';
import { findProgram } from '../support/programs.js';
import {
  countAtOrUnder,
  latenciesMs,
  numpyPercentile,
  prometheusHistogramQuantile,
  seededRandom,
} from './reference.js';

const prometheus = findProgram('prometheus', 'prometheus');
const THRESHOLD_MS = 100;
const WAIT_LIMIT_MS = 30_000;

interface QueryResult {
  readonly status: string;
  readonly data: {
    readonly resultType: string;
    readonly result: readonly {
      readonly metric: Record<string, string>;
      readonly value: [number, string];
    }[];
  };
}

describe.skipIf(prometheus === undefined)(
  'a real Prometheus server scraping renderPrometheus',
  () => {
    const clock = new ManualClock(Date.UTC(2025, 5, 2, 12, 0, 0));
    const slo = new SLOTracker({ clock, objectives: { '/api': { p95Ms: THRESHOLD_MS } } });
    const latencies = latenciesMs(seededRandom(42), 1000, 40);
    for (const latencyMs of latencies) {
      slo.record('/api', latencyMs);
      clock.advanceMs(50);
    }
    const folder = mkdtempSync(join(tmpdir(), 'greenslo-prometheus-'));
    let service: Server;
    let server: ChildProcess;
    let serverLog = '';
    let apiUrl = '';
    let scrapes = 0;

    async function query(expression: string): Promise<QueryResult> {
      const response = await fetch(
        `${apiUrl}/api/v1/query?query=${encodeURIComponent(expression)}`,
      );
      return (await response.json()) as QueryResult;
    }

    async function scalar(expression: string): Promise<number> {
      const result = await query(expression);
      expect(result.status).toBe('success');
      expect(result.data.result, expression).toHaveLength(1);
      return Number(result.data.result[0]!.value[1]);
    }

    async function waitForTwoScrapes(): Promise<void> {
      const deadline = performance.now() + WAIT_LIMIT_MS;
      while (performance.now() < deadline) {
        if (server.exitCode !== null)
          throw new Error(`prometheus exited with ${server.exitCode}:\n${serverLog}`);
        try {
          const result = await query(
            'count_over_time(greenslo_requests_total{endpoint="/api"}[5m])',
          );
          if (Number(result.data.result[0]?.value[1] ?? 0) >= 2) return;
        } catch {
          // The server is still starting.
        }
        await delay(200);
      }
      throw new Error(
        `no two scrapes within ${WAIT_LIMIT_MS} ms (the service was scraped ${scrapes} times):\n${serverLog}`,
      );
    }

    beforeAll(async () => {
      service = createServer((request, response) => {
        if (request.url !== '/metrics') return void response.writeHead(404).end();
        scrapes++;
        response
          .writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE })
          .end(renderPrometheus({ slo }));
      });
      const servicePort = await freePort();
      await new Promise<void>((resolve) => service.listen(servicePort, '127.0.0.1', resolve));
      const config = [
        'global:',
        '  scrape_interval: 1s',
        'scrape_configs:',
        '  - job_name: greenslo',
        '    static_configs:',
        `      - targets: ['127.0.0.1:${servicePort}']`,
      ];
      writeFileSync(join(folder, 'prometheus.yml'), `${config.join('\n')}\n`);
      const apiPort = await freePort();
      apiUrl = `http://127.0.0.1:${apiPort}`;
      server = spawn(prometheus!, [
        `--config.file=${join(folder, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(folder, 'data')}`,
        `--web.listen-address=127.0.0.1:${apiPort}`,
      ]);
      server.stderr?.on('data', (chunk: Buffer) => (serverLog += chunk.toString()));
      await waitForTwoScrapes();
    });

    afterAll(async () => {
      if (server !== undefined && server.exitCode === null) {
        const exited = new Promise((resolve) => server.once('exit', resolve));
        server.kill('SIGTERM');
        await Promise.race([exited, delay(10_000)]);
        if (server.exitCode === null) server.kill('SIGKILL');
      }
      await new Promise((resolve) =>
        service === undefined ? resolve(undefined) : service.close(resolve),
      );
      rmSync(folder, { recursive: true, force: true });
    });

    it('answers the SLO ratio (bucket at the threshold over the count) exactly as the tracker counts it', async () => {
      const ratio = await scalar(
        `greenslo_request_duration_seconds_bucket{endpoint="/api",le="${THRESHOLD_MS / 1000}"} / ignoring(le) greenslo_request_duration_seconds_count{endpoint="/api"}`,
      );
      const own = slo.burnRates('/api').objectives[0]!.windows['3d'];
      expect(ratio).toBe(countAtOrUnder(latencies, THRESHOLD_MS) / latencies.length);
      expect(ratio).toBe((own.totalCount - own.badCount) / own.totalCount);
      expect(ratio).toBeGreaterThan(0.5);
      expect(ratio).toBeLessThan(1);
    });

    it("answers histogram_quantile(0.95) by linear interpolation within the tracker's bucket", async () => {
      const p95Seconds = await scalar(
        'histogram_quantile(0.95, greenslo_request_duration_seconds_bucket{endpoint="/api"})',
      );
      const boundsMs = [...new Set([...DEFAULT_LATENCY_BUCKETS_MS, THRESHOLD_MS])].sort(
        (a, b) => a - b,
      );
      const buckets = [
        ...boundsMs.map((boundMs) => ({
          upperBound: boundMs / 1000,
          count: countAtOrUnder(latencies, boundMs),
        })),
        { upperBound: Infinity, count: latencies.length },
      ];
      expect(p95Seconds).toBe(prometheusHistogramQuantile(0.95, buckets));
      // The estimate lies in the bucket that holds the exact p95 of the tracker.
      const exactMs = slo.p95('/api')!;
      expect(exactMs).toBeCloseTo(numpyPercentile(latencies, 95), 9);
      const upperMs = boundsMs.find((boundMs) => boundMs >= exactMs)!;
      const lowerMs = boundsMs[boundsMs.indexOf(upperMs) - 1] ?? 0;
      expect(p95Seconds * 1000).toBeGreaterThan(lowerMs);
      expect(p95Seconds * 1000).toBeLessThanOrEqual(upperMs);
    });

    it('scraped the service at least twice and stored every bucket', async () => {
      expect(scrapes).toBeGreaterThanOrEqual(2);
      const result = await query('greenslo_request_duration_seconds_bucket{endpoint="/api"}');
      const les = result.data.result.map((series) => series.metric.le).sort();
      expect(les).toEqual(
        [...slo.latencyBucketsMs.map((boundMs) => String(boundMs / 1000)), '+Inf'].sort(),
      );
      expect(les).toContain(String(THRESHOLD_MS / 1000));
    });
  },
);
