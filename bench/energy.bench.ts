/**
 * Per-request cost of energy attribution: `beginRequest()` + `end()` on an EnergyMonitor whose power
 * source is the CPU model (`process.cpuUsage()` read at most once per second), beside a bare clock
 * read as the reference. Goal: under 300 ns per request.
 */
import { constantPower, EnergyMonitor } from '../src/energy/index.js';
import { systemClock } from '../src/core/clock.js';
import { cpuPowerSource } from '../src/node/index.js';
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

export default async function run(): Promise<void> {
  const { cpu, cpuGivenTime, constant, overlapping } = monitors();
  let givenMs = systemClock.nowMs();
  const measurements = measure(
    [
      { name: 'clock read (systemClock.nowMs)', run: () => systemClock.nowMs() },
      { name: 'begin + end, CPU model', run: () => cpu.beginRequest().end().energyWh },
      { name: `begin + end, CPU model, ${CONCURRENT} others in flight`, run: () => overlapping.beginRequest().end().energyWh },
      { name: 'begin + end, CPU model, times given by the caller', run: () => cpuGivenTime.beginRequest((givenMs += 0.01)).end((givenMs += 0.01)).energyWh },
      { name: 'begin + end, constantPower', run: () => constant.beginRequest().end().energyWh },
    ],
    { iterations: ITERATIONS, rounds: 9 },
  );
  report('One request through EnergyMonitor.beginRequest() + end()', measurements, 'clock read (systemClock.nowMs)');
  const cpuCost = measurements.find((m) => m.name === 'begin + end, CPU model')!.nsPerOp;
  console.log(`\nbegin + end with the CPU model: ${cpuCost.toFixed(1)} ns per request (goal < 300 ns): ${cpuCost < 300 ? 'met' : 'NOT met'}`);
  const metrics = cpu.metrics();
  console.log(`CPU model after the run: ${metrics.requestsTracked.toLocaleString('en-US')} requests, ${metrics.totalEnergyWh.toExponential(3)} Wh, ${metrics.faults} faults`);
  consume(metrics);
  await Promise.resolve();
}
