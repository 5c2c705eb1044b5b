import { afterEach, describe, expect, it } from 'vitest';
import { isGreensloError } from '../../src/core/errors.js';
import {
  autoPowerSource,
  nvidiaGpuPowerSource,
  probeNvidiaGpus,
  type NvidiaGpuPowerSource,
} from '../../src/node/index.js';
import {
  fakeNvidiaSmi,
  processExists,
  until,
  type FakeGpu,
  type FakeNvidiaSmi,
  type LoggedLine,
} from './fake-nvidia-smi.js';

const A100 = 'NVIDIA A100-SXM4-40GB';
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function fake(...args: Parameters<typeof fakeNvidiaSmi>): FakeNvidiaSmi {
  const smi = fakeNvidiaSmi(...args);
  cleanups.push(() => smi.remove());
  return smi;
}

async function started(
  smi: FakeNvidiaSmi,
  options: Parameters<typeof nvidiaGpuPowerSource>[0] = {},
): Promise<NvidiaGpuPowerSource> {
  const source = await nvidiaGpuPowerSource({ command: smi.command, ...options });
  cleanups.push(() => source.close());
  return source;
}

const gpu = (
  index: number,
  watts: number,
  counter: FakeGpu['counter'] = true,
  power: FakeGpu['power'] = true,
): FakeGpu => ({ index, name: A100, watts, counter, power });

/** Joules from the logged lines: counter differences, else the trapezoid of power over timestamps. */
function expectedJoules(lines: readonly LoggedLine[]): number {
  const byGpu = new Map<number, LoggedLine[]>();
  for (const line of lines) byGpu.set(line.index, [...(byGpu.get(line.index) ?? []), line]);
  let joules = 0;
  for (const gpuLines of byGpu.values()) {
    for (let i = 1; i < gpuLines.length; i++) {
      const [a, b] = [gpuLines[i - 1]!, gpuLines[i]!];
      if (a.counterMj !== undefined && b.counterMj !== undefined)
        joules += (b.counterMj - a.counterMj) / 1000;
      else if (a.watts !== undefined && b.watts !== undefined)
        joules += ((a.watts + b.watts) / 2) * ((b.atMs - a.atMs) / 1000);
    }
  }
  return joules;
}

function spanMs(lines: readonly LoggedLine[]): number {
  return lines[lines.length - 1]!.atMs - lines[0]!.atMs;
}

describe('nvidiaGpuPowerSource', () => {
  it('measures two GPUs at 150 W as 300 W over 2 s from the energy counter, with one nvidia-smi found on PATH', async () => {
    const smi = fake({ gpus: [gpu(0, 150), gpu(1, 150)], maxBatches: 21 });
    const path = process.env.PATH;
    process.env.PATH = `${smi.dir}:${path ?? ''}`;
    let source: NvidiaGpuPowerSource;
    try {
      source = await started(smi, { intervalMs: 100 });
    } finally {
      process.env.PATH = path;
    }
    expect(source.gpus.map((g) => [g.index, g.method])).toEqual([
      [0, 'energy-counter'],
      [1, 'energy-counter'],
    ]);
    expect(source.reason).toBe(
      "2 NVIDIA GPUs via nvidia-smi: GPU 0, 1 by the driver's energy counter",
    );
    await until(() => source.linesRead === 42);
    const lines = smi.lines();
    expect(lines).toHaveLength(42);
    expect(spanMs(lines)).toBeGreaterThanOrEqual(2000);
    expect(source.readJoules(0)).toBeCloseTo(expectedJoules(lines), 9);
    expect((source.readJoules(0) / spanMs(lines)) * 1000).toBeCloseTo(300, 9);
    expect(source.powerW).toBe(300);
    expect(smi.runs()).toBe(1);
  });

  it('integrates power.draw over the timestamps where the counter is [N/A] or [Not Supported], and counts a GPU without figures as 0', async () => {
    const smi = fake({
      gpus: [gpu(0, 100, 'N/A'), gpu(1, 50, 'Not Supported'), gpu(2, 70, 'N/A', 'N/A')],
      maxBatches: 6,
    });
    const source = await started(smi, { intervalMs: 20 });
    expect(source.gpus.map((g) => g.method)).toEqual(['power-draw', 'power-draw', 'none']);
    expect(source.reason).toContain('GPU 2 by no power figure (counted as 0)');
    await until(() => source.linesRead === 18);
    const lines = smi.lines();
    expect(source.readJoules(0)).toBeCloseTo(expectedJoules(lines), 9);
    expect(source.readJoules(0)).toBeCloseTo((150 * spanMs(lines)) / 1000, 9);
  });

  it('reports a dying nvidia-smi through onError, restarts it, and the energy counter covers the gap', async () => {
    const smi = fake({ gpus: [gpu(0, 200)], exitAfterBatches: 3, maxBatches: 5 });
    const errors: Error[] = [];
    const source = await started(smi, {
      intervalMs: 20,
      restartDelayMs: 30,
      onError: (error) => errors.push(error),
    });
    await until(() => source.linesRead === 8);
    expect(source.restarts).toBe(1);
    expect(smi.runs()).toBe(2);
    expect(errors).toHaveLength(1);
    expect(isGreensloError(errors[0]) && errors[0].code).toBe('gpu_monitor_exited');
    expect(errors[0]!.message).toMatch(
      /exited with code 3: simulated failure; restarting in 30 ms/,
    );
    const lines = smi.lines();
    expect(source.readJoules(0)).toBeCloseTo(
      (lines[lines.length - 1]!.counterMj! - lines[0]!.counterMj!) / 1000,
      9,
    );
    expect(source.readJoules(0)).toBeCloseTo((200 * spanMs(lines)) / 1000, 9);
  });

  it('backs off: the wait before each restart doubles up to maxRestartDelayMs while the child keeps failing', async () => {
    const smi = fake({ gpus: [gpu(0, 10)], alwaysFail: true });
    const errors: Error[] = [];
    const source = await started(smi, {
      restartDelayMs: 10,
      maxRestartDelayMs: 40,
      onError: (error) => errors.push(error),
    });
    await until(() => errors.length >= 5);
    await source.close();
    const waits = errors
      .slice(0, 5)
      .map((error) => Number(/restarting in (\d+) ms/.exec(error.message)![1]));
    expect(waits).toEqual([10, 20, 40, 40, 40]);
    expect(source.pid).toBeUndefined();
  });

  it('close() leaves no nvidia-smi behind and stops restarts', async () => {
    const smi = fake({ gpus: [gpu(0, 100)] });
    const source = await started(smi, { intervalMs: 50 });
    await until(() => source.linesRead >= 1);
    const pid = source.pid!;
    expect(processExists(pid)).toBe(true);
    await source.close();
    expect(processExists(pid)).toBe(false);
    expect(source.pid).toBeUndefined();
    expect(source.restarts).toBe(0);
  });

  it('refuses with a clear error when nvidia-smi is missing, lists no GPU, or no GPU reports power', async () => {
    await expect(nvidiaGpuPowerSource({ command: '/nonexistent/nvidia-smi' })).rejects.toThrow(
      /gpu_unavailable|no NVIDIA GPU: \/nonexistent\/nvidia-smi was not found on PATH/,
    );
    const none = fake({ gpus: [], noDevices: true });
    await expect(nvidiaGpuPowerSource({ command: none.command })).rejects.toThrow(
      /no NVIDIA GPU: .* failed \(No devices were found\)/,
    );
    const blind = fake({ gpus: [gpu(0, 10, 'N/A', 'N/A')] });
    await expect(nvidiaGpuPowerSource({ command: blind.command })).rejects.toThrow(
      /none reports total_energy_consumption or power\.draw/,
    );
    expect(probeNvidiaGpus({ command: '/nonexistent/nvidia-smi' })).toEqual({
      available: false,
      reason: 'no NVIDIA GPU: /nonexistent/nvidia-smi was not found on PATH',
    });
  });

  it('refuses bad options by name', async () => {
    await expect(nvidiaGpuPowerSource({ interval: 5 } as never)).rejects.toThrow(
      /nvidiaGpuPowerSource: `interval` is not an option \(did you mean `intervalMs`\?\)/,
    );
    await expect(nvidiaGpuPowerSource({ intervalMs: 0.5 })).rejects.toThrow(RangeError);
    await expect(nvidiaGpuPowerSource({ gpus: [-1] })).rejects.toThrow(
      /`gpus\[0\]` must be an integer >= 0/,
    );
  });
});

describe('autoPowerSource with GPUs', () => {
  it('adds the GPUs to the CPU source and says so', async () => {
    const smi = fake({ gpus: [gpu(0, 150), gpu(1, 150)], maxBatches: 3 });
    const auto = autoPowerSource({
      root: '/nonexistent',
      gpu: { command: smi.command, intervalMs: 20 },
    });
    cleanups.push(() => auto.close());
    expect(auto.choice).toBe('cpu-model');
    expect(auto.name).toBe('cpu-model+nvidia-gpu');
    expect(auto.gpu.available).toBe(true);
    expect(auto.reason).toMatch(
      /; plus 2 NVIDIA GPUs via nvidia-smi: GPU 0, 1 by the driver's energy counter$/,
    );
    await until(() => smi.lines().length === 6 && auto.readJoules(Date.now()) > 0);
  });

  it('says why there is no GPU when nvidia-smi is missing', () => {
    const auto = autoPowerSource({
      root: '/nonexistent',
      gpu: { command: '/nonexistent/nvidia-smi' },
    });
    expect(auto.name).toBe('cpu-model');
    expect(auto.reason).toMatch(
      /; no NVIDIA GPU: \/nonexistent\/nvidia-smi was not found on PATH$/,
    );
    expect(autoPowerSource({ root: '/nonexistent', gpu: false }).reason).not.toMatch(/GPU/);
  });
});
