/**
 * Runs the demo: the Express example service in this process, the load generator in a child
 * process, one phase after another, with the energy monitor read around each phase.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { autoPowerSource, type AutoPowerSource } from '../../src/node/index.js';
import { createApp } from '../express-service/app.js';
import { createServiceParts, type ServiceParts } from '../shared/service-parts.js';
import type { GeneratorCommand, GeneratorMessage, PhaseOutcome } from './load-generator.js';
import type { LoadPhase, LoadPlan } from './load-plan.js';
import type { ProgressState } from './progress.js';
import { buildReport, type DemoReport, type PhaseRecord } from './report.js';

/** Time a phase may overrun its duration before the demo gives up, in ms. */
const PHASE_GRACE_MS = 15_000;

/**
 * The service's greenslo objects for the demo: SLO windows large enough to judge every request of
 * the run, and energy read at most every 100 ms, so that each phase's energy is its own. The CPU
 * model then reads the CPU time whenever the monitor reads it (its own interval 0): two intervals
 * of the same length would let the model answer "no change" to every other reading.
 */
function demoParts(): ServiceParts {
  return createServiceParts({
    sloWindowSize: 100_000,
    powerSource: autoPowerSource({ cpu: { sampleIntervalMs: 0 } }),
    energySampleIntervalMs: 100,
  });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if (server.listening) resolve();
    else server.once('listening', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

function startGenerator(): ChildProcess {
  // The child inherits this process's loader flags (tsx), so it runs the TypeScript file as is.
  return fork(new URL('./load-generator.ts', import.meta.url), {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
}

function runOnGenerator(
  generator: ChildProcess,
  baseUrl: string,
  phase: LoadPhase,
  onProgress: (responses: number, limited: number) => void,
): Promise<PhaseOutcome> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () =>
        finish(
          new Error(
            `phase "${phase.name}" did not end within ${phase.durationS} s + ${PHASE_GRACE_MS / 1000} s`,
          ),
        ),
      phase.durationS * 1000 + PHASE_GRACE_MS,
    );
    const onMessage = (message: GeneratorMessage): void => {
      if (message.type === 'progress') return onProgress(message.responses, message.limited);
      finish(
        message.type === 'done'
          ? message.outcome
          : new Error(`load generator failed: ${message.message}`),
      );
    };
    const onExit = (code: number | null): void =>
      finish(new Error(`load generator exited (code ${code}) during phase "${phase.name}"`));
    function finish(result: PhaseOutcome | Error): void {
      clearTimeout(timer);
      generator.off('message', onMessage).off('exit', onExit);
      if (result instanceof Error) reject(result);
      else resolve(result);
    }
    generator.on('message', onMessage).once('exit', onExit);
    generator.send({ type: 'run', baseUrl, phase } satisfies GeneratorCommand);
  });
}

async function runPhases(
  plan: LoadPlan,
  parts: ServiceParts,
  baseUrl: string,
  generator: ChildProcess,
  onProgress: (state: ProgressState) => void,
): Promise<PhaseRecord[]> {
  const records: PhaseRecord[] = [];
  const startMs = performance.now();
  let responsesBefore = 0;
  let limitedBefore = 0;
  for (const phase of plan.phases) {
    if (phase.lowPower) parts.lowPower.enable('demo: low-power phase');
    else parts.lowPower.disable('demo: normal phase');
    const report = (responses: number, limited: number): void =>
      onProgress({
        phase: phase.name,
        lowPower: phase.lowPower,
        elapsedS: (performance.now() - startMs) / 1000,
        plannedS: plan.sendingS,
        responses: responsesBefore + responses,
        limited: limitedBefore + limited,
      });
    report(0, 0);
    const before = parts.energy.metrics();
    const outcome = await runOnGenerator(generator, baseUrl, phase, report);
    const after = parts.energy.metrics();
    records.push({ phase, outcome, before, after });
    responsesBefore += outcome.responses;
    limitedBefore += outcome.statusCounts['429'] ?? 0;
  }
  parts.lowPower.disable('demo: load over');
  return records;
}

/**
 * Starts the service, runs every phase of `plan` against it, stops everything and returns the report.
 *
 * @param onProgress - called at each phase start and about four times a second during the load
 */
export async function runDemo(
  plan: LoadPlan,
  onProgress: (state: ProgressState) => void,
): Promise<DemoReport> {
  const parts = demoParts();
  // Trust X-Forwarded-For here only: the load generator gives each simulated client its own address.
  const { app } = createApp({ parts, trustProxy: true });
  const server = app.listen(0, '127.0.0.1');
  const generator = startGenerator();
  try {
    const baseUrl = await listen(server);
    const records = await runPhases(plan, parts, baseUrl, generator, onProgress);
    return buildReport(baseUrl, plan, records, parts);
  } finally {
    if (generator.connected) generator.send({ type: 'exit' } satisfies GeneratorCommand);
    generator.kill();
    await close(server);
    // autoPowerSource() may run nvidia-smi for the GPUs it found: stop it with the service.
    await (parts.powerSource as Partial<AutoPowerSource>).close?.();
  }
}
