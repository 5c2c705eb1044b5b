import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findProgram } from '../support/programs.js';
import { RedisServer } from '../support/redis-server.js';
import { CLIENT_KINDS, type ClientKindName } from './clients.js';
import type { WorkerReport } from './fixtures/check-worker.js';

const program = findProgram('redis-server', 'redis-server');
const WORKER = fileURLToPath(new URL('./fixtures/check-worker.ts', import.meta.url));
const PROCESSES = 4;
const ATTEMPTS = 150;
const LIMIT = 50;

/** Starts `PROCESSES` Node processes, releases them together once all are ready, and collects their reports. */
async function runWorkers(
  kind: ClientKindName,
  port: number,
  store: 'redis' | 'memory',
  key: string,
): Promise<WorkerReport[]> {
  const workers: ChildProcess[] = [];
  const ready: Promise<void>[] = [];
  const reports: Promise<WorkerReport>[] = [];
  for (let i = 0; i < PROCESSES; i++) {
    const worker = fork(WORKER, [kind, String(port), store, key, String(ATTEMPTS), String(LIMIT)], {
      execArgv: ['--import', 'tsx'],
      stdio: 'inherit',
    });
    workers.push(worker);
    const exited = new Promise<never>((_resolve, reject) =>
      worker.once('exit', (code) =>
        reject(new Error(`worker exited with ${code} before reporting`)),
      ),
    );
    ready.push(
      Promise.race([
        new Promise<void>((resolve) => worker.once('message', () => resolve())),
        exited,
      ]),
    );
    reports.push(
      ready[i]!.then(() =>
        Promise.race([
          new Promise<WorkerReport>((resolve) =>
            worker.once('message', (report) => resolve(report as WorkerReport)),
          ),
          exited,
        ]),
      ),
    );
  }
  try {
    await Promise.all(ready);
    for (const worker of workers) worker.send('go');
    return await Promise.all(reports);
  } finally {
    for (const worker of workers) if (worker.exitCode === null && worker.connected) worker.kill();
  }
}

describe.skipIf(!program)('RedisStore shared by several Node processes', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await RedisServer.start(program!);
  });
  afterAll(async () => {
    await server.stop();
  });

  it(`lets ${PROCESSES} processes with their own memory stores admit ${PROCESSES} times the limit (the problem)`, async () => {
    const reports = await runWorkers('ioredis', server.port, 'memory', 'shared-client');
    expect(reports.map((report) => report.admitted)).toEqual(
      Array.from({ length: PROCESSES }, () => LIMIT),
    );
  });

  it.each(CLIENT_KINDS.map((kind) => kind.name))(
    `admits the limit once across ${PROCESSES} processes with %s clients`,
    async (kind) => {
      const reports = await runWorkers(kind, server.port, 'redis', `shared-client-${kind}`);
      const admitted = reports.reduce((sum, report) => sum + report.admitted, 0);
      expect(reports).toHaveLength(PROCESSES);
      expect(admitted).toBe(LIMIT);
      expect(reports.flatMap((report) => report.errorCodes)).toEqual([]);
    },
  );
});
