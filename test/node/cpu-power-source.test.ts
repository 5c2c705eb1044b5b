import { describe, expect, it } from 'vitest';
import { cpuPowerSource, DEFAULT_WATTS_PER_CORE } from '../../src/node/index.js';

/** A fake CPU clock: microseconds of CPU time the process has used so far. */
function fakeCpu() {
  const state = { usedUs: 0, calls: 0 };
  const cpuUsage = () => {
    state.calls++;
    return { user: state.usedUs * 0.75, system: state.usedUs * 0.25 };
  };
  return { state, cpuUsage };
}

describe('cpuPowerSource', () => {
  it('models idleW + wattsPerCore x busy cores over each sampled interval', () => {
    const { state, cpuUsage } = fakeCpu();
    const source = cpuPowerSource({ wattsPerCore: 10, idleW: 2, cpuUsage });
    expect(source.readJoules(0)).toBe(0);
    state.usedUs += 1_500_000; // 1.5 s of CPU time in 1 s of wall time: 1.5 cores busy
    expect(source.readJoules(1000)).toBe(2 + 10 * 1.5);
    expect(source.powerW).toBe(17);
    state.usedUs += 0; // idle second
    expect(source.readJoules(2000)).toBe(17 + 2);
    expect(source.name).toBe('cpu-model');
  });

  it('reads the CPU time at most once per sampling interval, and grows at idleW in between', () => {
    const { state, cpuUsage } = fakeCpu();
    const source = cpuPowerSource({ wattsPerCore: 4, idleW: 1, sampleIntervalMs: 1000, cpuUsage });
    source.readJoules(0);
    state.usedUs += 500_000;
    const readings: number[] = [];
    for (let ms = 100; ms < 1000; ms += 100) readings.push(source.readJoules(ms));
    expect(state.calls).toBe(1);
    expect(readings[0]).toBeCloseTo(0.1, 12);
    expect(readings.at(-1)).toBeCloseTo(0.9, 12);
    expect(source.readJoules(1000)).toBeCloseTo(1 + 4 * 0.5, 12); // the rest of the interval is added now
    expect(state.calls).toBe(2);
  });

  it('never decreases, also for a time that goes back', () => {
    const { state, cpuUsage } = fakeCpu();
    const source = cpuPowerSource({ cpuUsage, sampleIntervalMs: 0 });
    source.readJoules(1000);
    state.usedUs += 1_000_000;
    const reading = source.readJoules(2000);
    expect(reading).toBe(DEFAULT_WATTS_PER_CORE);
    expect(source.readJoules(1500)).toBe(reading);
  });

  it('runs on the real process.cpuUsage() by default', () => {
    const source = cpuPowerSource({ sampleIntervalMs: 0 });
    source.readJoules(0);
    let spin = 0;
    for (let i = 0; i < 2e6; i++) spin += Math.sqrt(i);
    expect(spin).toBeGreaterThan(0);
    expect(source.readJoules(1000)).toBeGreaterThan(0);
  });

  it('rejects negative or non-finite figures', () => {
    expect(() => cpuPowerSource({ wattsPerCore: -1 })).toThrow(
      new RangeError('cpuPowerSource: `wattsPerCore` must be a finite number >= 0, got -1.'),
    );
    expect(() => cpuPowerSource({ idleW: Number.NaN })).toThrow(RangeError);
    expect(() => cpuPowerSource({ sampleIntervalMs: Infinity })).toThrow(RangeError);
    expect(() => cpuPowerSource({ cpuUsage: 5 as never })).toThrow(TypeError);
  });
});
