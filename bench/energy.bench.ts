/**
 * Per-request cost of energy attribution: `beginRequest()` + `end()` on an EnergyMonitor whose power
 * source is the CPU model (`process.cpuUsage()` read at most once per second), beside a bare clock
 * read as the reference. Goal: under 300 ns per request. A row adds NVIDIA GPUs (a stand-in
 * `nvidia-smi` printing two GPUs every 100 ms in the background) to the CPU model, to show that the
 * GPU source leaves the per-request cost unchanged.
 */
import { constantPower, EnergyMonitor } from '../src/energy/index.js';
import { systemClock } from '../src/core/clock.js';
import { cpuPowerSource, startGpuSource, sumPowerSources } from '../src/node/index.js';
import { fakeNvidiaSmi } from '../test/node/fake-nvidia-smi.js';
import { consume, measure, report } from './harness.js';

const ITERATIONS = 500_000;
const CONCURRENT = 8;

function monitors() {
  const cpu = new EnergyMonitor({ powerSource: cpuPowerSource() });
  const cpuGivenTime = new EnergyMonitor({ powerSource: cpuPowerSource() });
  const constant = new EnergyMonitor({ powerSource: constantPower(50) });
  const overlapping = new EnergyMonitor({ powerSource: cpuPowerSource() });
  for (const monitor of [cpu, cpuGivenTime, constant, overlapping]) monitor.startTracking();
  // Requests that stay in flight, so that each measured request shares its time with others.
  for (let i = 0; i < CONCURRENT; i++) overlapping.beginRequest();
  return { cpu, cpuGivenTime, constant, overlapping };
}

/** The CPU model plus two stand-in GPUs, through the real `nvidia-smi` loop machinery. */
function withGpus() {
  const smi = fakeNvidiaSmi({
    gpus: [0, 1].map((index) => ({
      index,
      name: 'stand-in',
      watts: 150,
      counter: true,
      power: true,
    })),
  });
  const gpus = startGpuSource(
    {
      available: true,
      gpus: [0, 1].map((index) => ({ index, name: 'stand-in', method: 'energy-counter' })),
      reason: 'stand-in',
    },
    { command: smi.command, intervalMs: 100 },
  );
  const monitor = new EnergyMonitor({ powerSource: sumPowerSources(cpuPowerSource(), gpus) });
  monitor.startTracking();
  const ready = async () => {
    // Lines are parsed between event-loop turns (the measuring loop itself blocks them, as a busy server would).
    for (let waited = 0; gpus.linesRead < 2 && waited < 5000; waited += 20)
      await new Promise((resolve) => setTimeout(resolve, 20));
  };
  return { monitor, ready, close: async () => (await gpus.close(), smi.remove()) };
}

export default async function run(): Promise<void> {
  const { cpu, cpuGivenTime, constant, overlapping } = monitors();
  const gpu = withGpus();
  await gpu.ready();
  let givenMs = systemClock.nowMs();
  const measurements = measure(
    [
      { name: 'clock read (systemClock.nowMs)', run: () => systemClock.nowMs() },
      { name: 'begin + end, CPU model', run: () => cpu.beginRequest().end().energyWh },
      {
        name: `begin + end, CPU model, ${CONCURRENT} others in flight`,
        run: () => overlapping.beginRequest().end().energyWh,
      },
      {
        name: 'begin + end, CPU model, times given by the caller',
        run: () => cpuGivenTime.beginRequest((givenMs += 0.01)).end((givenMs += 0.01)).energyWh,
      },
      { name: 'begin + end, constantPower', run: () => constant.beginRequest().end().energyWh },
      {
        name: 'begin + end, CPU model + 2 GPUs (nvidia-smi loop)',
        run: () => gpu.monitor.beginRequest().end().energyWh,
      },
    ],
    { iterations: ITERATIONS, rounds: 9 },
  );
  report(
    'One request through EnergyMonitor.beginRequest() + end()',
    measurements,
    'clock read (systemClock.nowMs)',
  );
  const cpuCost = measurements.find((m) => m.name === 'begin + end, CPU model')!.nsPerOp;
  console.log(
    `\nbegin + end with the CPU model: ${cpuCost.toFixed(1)} ns per request (goal < 300 ns): ${cpuCost < 300 ? 'met' : 'NOT met'}`,
  );
  const gpuRow = measurements.find((m) => m.name.startsWith('begin + end, CPU model + 2 GPUs'))!;
  const cpuRow = measurements.find((m) => m.name === 'begin + end, CPU model')!;
  const ratios = gpuRow.roundsNsPerOp
    .map((ns, round) => ns / cpuRow.roundsNsPerOp[round]!)
    .sort((a, b) => a - b);
  const ratio = ratios[Math.floor(ratios.length / 2)]!;
  console.log(
    `with 2 GPUs added: x${ratio.toFixed(3)} the CPU model's cost (median of per-round ratios; goal within 10 %): ${ratio <= 1.1 ? 'met' : 'NOT met'}`,
  );
  console.log(
    `GPU source after the run: ${gpu.monitor
      .metrics()
      .powerSources.map((part) => `${part.name} ${part.powerW ?? '-'} W`)
      .join(', ')}`,
  );
  await gpu.close();
  const metrics = cpu.metrics();
  console.log(
    `CPU model after the run: ${metrics.requestsTracked.toLocaleString('en-US')} requests, ${metrics.totalEnergyWh.toExponential(3)} Wh, ${metrics.faults} faults`,
  );
  consume(metrics);
  await Promise.resolve();
}
