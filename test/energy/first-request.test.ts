import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { constantPower, EnergyMonitor, type RequestEnergyHandle } from '../../src/energy/index.js';
import { ManualClock } from '../../src/testing/index.js';

const WH = 3600;

function relativelyClose(actual: number, expected: number, tolerance = 1e-9): void {
  const scale = Math.max(Math.abs(expected), 1e-12);
  expect(Math.abs(actual - expected) / scale).toBeLessThanOrEqual(tolerance);
}

describe('EnergyMonitor: exact energy from the first request', () => {
  it('charges a 100 ms request right after startTracking() 100 W x 0.1 s, not 0', () => {
    const clock = new ManualClock(1_700_000_000_000);
    const monitor = new EnergyMonitor({ powerSource: constantPower(100), clock });
    monitor.startTracking();
    const handle = monitor.beginRequest();
    clock.advanceMs(100);
    relativelyClose(handle.end().energyWh, (100 * 0.1) / 3600);
    relativelyClose(monitor.metrics().estimateCorrectionWh + 1, 1);
  });

  it('adds up on a 5 s schedule: requests plus unattributed energy equal the total, with no correction', () => {
    const clock = new ManualClock(0);
    const monitor = new EnergyMonitor({
      powerSource: constantPower(60),
      clock,
      sampleIntervalMs: 5000,
    });
    monitor.startTracking();
    let endedWh = 0;
    for (let i = 0; i < 40; i++) {
      const handle = monitor.beginRequest();
      clock.advanceMs(70);
      endedWh += handle.end().energyWh;
      clock.advanceMs(30);
    }
    const metrics = monitor.metrics();
    relativelyClose(metrics.totalEnergyWh, (60 * 4) / WH);
    relativelyClose(endedWh, (60 * 40 * 0.07) / WH);
    relativelyClose(
      endedWh + metrics.inFlightEnergyWh + metrics.unattributedWh,
      metrics.totalEnergyWh,
    );
  });
});

type Step =
  | { readonly kind: 'advance'; readonly ms: number }
  | { readonly kind: 'begin' }
  | { readonly kind: 'end'; readonly pick: number }
  | { readonly kind: 'metrics' };

const steps = fc.array(
  fc.oneof(
    {
      arbitrary: fc.record({
        kind: fc.constant('advance' as const),
        ms: fc.oneof(fc.integer({ min: 1, max: 7000 }), fc.integer({ min: 1, max: 50 })),
      }),
      weight: 4,
    },
    { arbitrary: fc.record({ kind: fc.constant('begin' as const) }), weight: 3 },
    { arbitrary: fc.record({ kind: fc.constant('end' as const), pick: fc.nat() }), weight: 3 },
    { arbitrary: fc.record({ kind: fc.constant('metrics' as const) }), weight: 1 },
  ),
  { maxLength: 80 },
);

/** Energy of each request from the even split of a constant power among those in flight, event by event. */
class EvenSplit {
  readonly energyJ = new Map<number, number>();
  readonly inFlight = new Set<number>();
  constructor(readonly watts: number) {}
  elapse(ms: number): void {
    if (this.inFlight.size === 0) return;
    const share = (this.watts * ms) / 1000 / this.inFlight.size;
    for (const id of this.inFlight) this.energyJ.set(id, (this.energyJ.get(id) ?? 0) + share);
  }
}

function check(sequence: readonly Step[], watts: number, sampleIntervalMs: number): void {
  const clock = new ManualClock(1_600_000_000_000);
  const monitor = new EnergyMonitor({ powerSource: constantPower(watts), clock, sampleIntervalMs });
  const reference = new EvenSplit(watts);
  monitor.startTracking();
  const open: { id: number; handle: RequestEnergyHandle }[] = [];
  let endedWh = 0;
  let nextId = 0;
  const balance = () => {
    const metrics = monitor.metrics();
    relativelyClose(
      endedWh + metrics.inFlightEnergyWh + metrics.unattributedWh,
      metrics.totalEnergyWh,
    );
  };
  for (const step of sequence) {
    if (step.kind === 'advance') {
      reference.elapse(step.ms);
      clock.advanceMs(step.ms);
    } else if (step.kind === 'begin') {
      const id = nextId++;
      reference.inFlight.add(id);
      open.push({ id, handle: monitor.beginRequest() });
    } else if (step.kind === 'end' && open.length > 0) {
      const [request] = open.splice(step.pick % open.length, 1);
      reference.inFlight.delete(request!.id);
      const energyWh = request!.handle.end().energyWh;
      relativelyClose(energyWh * WH, reference.energyJ.get(request!.id) ?? 0);
      endedWh += energyWh;
    } else if (step.kind === 'metrics') balance();
  }
  balance();
}

describe('EnergyMonitor: per-request energy adds up on any sampling schedule', () => {
  it('each request gets its even share of a constant power, and requests + in flight + unattributed = total at every reading', () => {
    fc.assert(
      fc.property(
        steps,
        fc.integer({ min: 1, max: 400 }),
        fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 10_000 })),
        (sequence, watts, sampleIntervalMs) => {
          check(sequence, watts, sampleIntervalMs);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('EnergyMonitor: reading on end() while no power is known stays bounded', () => {
  it('does not read a failing or decreasing source on every end(): only on the schedule', () => {
    const clock = new ManualClock(0);
    let reads = 0;
    let joules = 1000;
    const shrinking = { name: 'shrinking', readJoules: () => (reads++, (joules -= 1)) };
    const monitor = new EnergyMonitor({ powerSource: shrinking, clock, sampleIntervalMs: 1000 });
    monitor.startTracking();
    for (let i = 0; i < 50; i++) {
      const handle = monitor.beginRequest();
      clock.advanceMs(10);
      handle.end();
    }
    // The start, the first end() (no power known yet), then one per second: 500 ms passed.
    expect(reads).toBe(2);
    expect(monitor.metrics().faults).toBe(2);
  });
});
