import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EnergyMonitor, type RequestEnergyHandle } from '../../src/energy/index.js';
import { ManualClock, ManualPowerSource } from '../../src/testing/index.js';

const WH = 3600;

type Step =
  | { readonly kind: 'advance'; readonly ms: number }
  | { readonly kind: 'begin' }
  | { readonly kind: 'end'; readonly pick: number }
  | { readonly kind: 'watts'; readonly watts: number }
  | { readonly kind: 'burst'; readonly joules: number }
  | { readonly kind: 'metrics' };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      ms: fc.oneof(
        fc.constant(0),
        fc.integer({ min: 1, max: 5000 }),
        fc.double({ min: 0.001, max: 50, noNaN: true }),
      ),
    }),
    weight: 4,
  },
  { arbitrary: fc.record({ kind: fc.constant('begin' as const) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('end' as const), pick: fc.nat() }), weight: 3 },
  {
    arbitrary: fc.record({
      kind: fc.constant('watts' as const),
      watts: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 500, noNaN: true })),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('burst' as const),
      joules: fc.double({ min: 0, max: 100, noNaN: true }),
    }),
    weight: 1,
  },
  { arbitrary: fc.record({ kind: fc.constant('metrics' as const) }), weight: 1 },
);

/**
 * An independent model of the rule with a reading at every event: between two consecutive events the
 * set of requests in flight does not change, so the energy of that gap is split evenly among them
 * (or is unattributed when none is in flight).
 */
class ReferenceAttribution {
  readonly perRequestJ = new Map<number, number>();
  inFlight = new Set<number>();
  unattributedJ = 0;
  totalJ = 0;
  #pendingJ = 0;

  /** Energy the source produced since the last event. */
  accrue(joules: number): void {
    this.#pendingJ += joules;
  }

  /** An event: the pending energy goes to the set in flight until now. */
  event(): void {
    const share = this.#pendingJ;
    this.totalJ += share;
    this.#pendingJ = 0;
    if (this.inFlight.size === 0) {
      this.unattributedJ += share;
      return;
    }
    for (const id of this.inFlight)
      this.perRequestJ.set(id, (this.perRequestJ.get(id) ?? 0) + share / this.inFlight.size);
  }
}

function close(actual: number, expected: number, scale: number): boolean {
  return Math.abs(actual - expected) <= 1e-9 * Math.max(Math.abs(scale), 1e-6);
}

function run(steps: readonly Step[], sampleIntervalMs: number) {
  const clock = new ManualClock(1_700_000_000_000);
  const source = new ManualPowerSource({ clock, watts: 50 });
  const monitor = new EnergyMonitor({ powerSource: source, clock, sampleIntervalMs });
  const reference = new ReferenceAttribution();
  let watts = 50;
  monitor.startTracking();
  const startJ = source.readJoules(clock.nowMs());
  const open: { id: number; handle: RequestEnergyHandle }[] = [];
  const ended = new Map<number, number>();
  let nextId = 0;
  const endOne = (index: number) => {
    const [request] = open.splice(index, 1);
    reference.event();
    reference.inFlight.delete(request!.id);
    ended.set(request!.id, request!.handle.end().energyWh * WH);
  };
  for (const s of steps) {
    if (s.kind === 'advance') {
      const beforeMs = clock.nowMs();
      clock.advanceMs(s.ms);
      // The step the clock really took (epoch milliseconds round tiny steps).
      reference.accrue((watts * (clock.nowMs() - beforeMs)) / 1000);
    } else if (s.kind === 'begin') {
      reference.event();
      const id = nextId++;
      reference.inFlight.add(id);
      open.push({ id, handle: monitor.beginRequest() });
    } else if (s.kind === 'end' && open.length > 0) {
      endOne(s.pick % open.length);
    } else if (s.kind === 'watts') {
      source.setWatts(s.watts);
      watts = s.watts;
    } else if (s.kind === 'burst') {
      source.addJoules(s.joules);
      reference.accrue(s.joules);
    } else if (s.kind === 'metrics') {
      reference.event();
      monitor.metrics();
    }
  }
  while (open.length > 0) endOne(open.length - 1);
  reference.event();
  const metrics = monitor.metrics();
  const sourceTotalJ = source.readJoules(clock.nowMs()) - startJ;
  return { metrics, ended, reference, sourceTotalJ };
}

describe('per-request attribution conserves energy', () => {
  it('sum of request energies + unattributed = source total, for any schedule and sampling interval (1000 runs)', () => {
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 120 }),
        fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 20_000 })),
        (steps, sampleIntervalMs) => {
          const { metrics, ended, sourceTotalJ } = run(steps, sampleIntervalMs);
          const totalJ = metrics.totalEnergyWh * WH;
          const requestsJ = [...ended.values()].reduce((sum, joules) => sum + joules, 0);
          const unattributedJ = metrics.unattributedWh * WH;
          const correctionJ = metrics.estimateCorrectionWh * WH;
          expect(close(totalJ, sourceTotalJ, sourceTotalJ)).toBe(true);
          // Per-request figures as returned by end(), plus the settlement of their estimated tails.
          expect(close(requestsJ + correctionJ + unattributedJ, sourceTotalJ, sourceTotalJ)).toBe(
            true,
          );
          // The settled attribution.
          expect(close(metrics.attributedWh * WH + unattributedJ, sourceTotalJ, sourceTotalJ)).toBe(
            true,
          );
          expect(close(metrics.requestsEnergyWh * WH, requestsJ, sourceTotalJ)).toBe(true);
          for (const joules of ended.values()) expect(joules).toBeGreaterThanOrEqual(0);
          expect(unattributedJ).toBeGreaterThanOrEqual(0);
          expect(metrics.attributedWh).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('with a reading at every event, each request gets exactly its even share of every moment (600 runs)', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 120 }), (steps) => {
        const { metrics, ended, reference, sourceTotalJ } = run(steps, 0);
        expect(close(metrics.estimateCorrectionWh * WH, 0, sourceTotalJ)).toBe(true);
        expect(close(reference.totalJ, sourceTotalJ, sourceTotalJ)).toBe(true);
        expect(close(metrics.unattributedWh * WH, reference.unattributedJ, sourceTotalJ)).toBe(
          true,
        );
        for (const [id, joules] of ended)
          expect(close(joules, reference.perRequestJ.get(id) ?? 0, sourceTotalJ)).toBe(true);
        const requestsJ = [...ended.values()].reduce((sum, joules) => sum + joules, 0);
        expect(close(requestsJ + metrics.unattributedWh * WH, sourceTotalJ, sourceTotalJ)).toBe(
          true,
        );
      }),
      { numRuns: 600 },
    );
  });
});
