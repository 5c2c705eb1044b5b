import { describe, expect, it } from 'vitest';
import { MAX_LATENCY_MS, SLOTracker } from '../../src/slo/slo-tracker.js';
import type { SloSnapshot } from '../../src/slo/snapshot.js';
import { ManualClock } from '../../src/testing/manual-clock.js';

const START_MS = 1_700_000_000_000;
const BAD_READINGS = [Number.NaN, Infinity, -Infinity, -1, 8.64e15 + 1];

/** A ManualClock that can be made to return one bad reading: `fault` while set. */
function faultyClock(startMs: number): {
  clock: { nowMs(): number };
  manual: ManualClock;
  setFault: (reading: number | undefined) => void;
} {
  const manual = new ManualClock(startMs);
  let fault: number | undefined;
  return {
    clock: { nowMs: () => fault ?? manual.nowMs() },
    manual,
    setFault: (reading) => (fault = reading),
  };
}

function trackerWithHistory(clock: { nowMs(): number }): SLOTracker {
  const slo = new SLOTracker({ clock, objectives: { '/a': { p95Ms: 100, errorRate: 0.01 } } });
  slo.record('/a', 20);
  slo.record('/a', 300, { error: true });
  slo.record('/b', 5);
  return slo;
}

describe('SLOTracker unknown options', () => {
  it('names an unknown key, with the closest known one, before checking the others', () => {
    expect(() => new SLOTracker({ objectivs: {} } as never)).toThrow(
      new TypeError(
        'SLOTracker: `objectivs` is not an option (did you mean `objectives`?); known options are `clock`, `windowSize`, `objectives`, `maxEndpoints`, `brand`, `latencyBucketsMs`.',
      ),
    );
    expect(() => new SLOTracker({ windowSize: 0, buckets: [1] } as never)).toThrow(
      /`buckets` is not an option \(use `latencyBucketsMs`/,
    );
  });

  it('refuses options that are not an object', () => {
    expect(() => new SLOTracker(null as never)).toThrow(
      new TypeError('SLOTracker: options must be an object, got null.'),
    );
  });

  it('refuses an unknown key in the options of record, recording nothing', () => {
    const slo = new SLOTracker({ clock: new ManualClock(START_MS) });
    expect(() => slo.record('/a', 1, { eror: true } as never)).toThrow(
      /SLOTracker.record: `eror` is not an option \(did you mean `error`\?\)/,
    );
    expect(slo.endpoints()).toEqual([]);
  });
});

describe('SLOTracker clock readings', () => {
  const methods: [string, (slo: SLOTracker) => unknown][] = [
    ['record', (slo) => slo.record('/new', 10)],
    ['record', (slo) => slo.record('/a', 10, { error: true })],
    ['report', (slo) => slo.report()],
    ['burnRates', (slo) => slo.burnRates('/a')],
    ['alerts', (slo) => slo.alerts('/a')],
    ['errorBudget', (slo) => slo.errorBudget('/a')],
    ['timeSeries', (slo) => slo.timeSeries('/a')],
    ['snapshot', (slo) => slo.snapshot()],
  ];

  it.each(methods)(
    '%s refuses NaN, ±Infinity, negative and past-8.64e15 readings and changes nothing',
    (name, call) => {
      const { clock, setFault } = faultyClock(START_MS);
      const slo = trackerWithHistory(clock);
      const before = JSON.stringify(slo.snapshot());
      for (const reading of BAD_READINGS) {
        setFault(reading);
        expect(() => call(slo)).toThrow(RangeError);
        expect(() => call(slo)).toThrow(
          new RegExp(
            `^SLOTracker\\.${name}: \`clock\\.nowMs\\(\\)\` must return a finite number from 0 to 8640000000000000, got `,
          ),
        );
      }
      setFault(undefined);
      expect(JSON.stringify(slo.snapshot())).toBe(before);
      expect(slo.endpoints()).toEqual(['/a', '/b']);
    },
  );

  it('accepts the first and last instants a Date can hold', () => {
    const clock = new ManualClock(0);
    const slo = new SLOTracker({ clock });
    slo.record('/a', 1);
    clock.setMs(8.64e15);
    slo.record('/a', 2);
    expect(slo.report().generatedAt).toBe(new Date(8.64e15).toISOString());
  });
});

describe('SLOTracker after a huge clock step', () => {
  it('finishes every query after a step of 1e15 ms and counts only the requests still in each window', () => {
    const clock = new ManualClock(START_MS);
    const slo = new SLOTracker({ clock, objectives: { '/a': { p95Ms: 100, errorRate: 0.5 } } });
    slo.record('/a', 500, { error: true });
    clock.advanceMs(1e15);
    slo.record('/a', 10);
    slo.record('/a', 20);
    const budget = slo
      .errorBudget('/a')
      .objectives.find((objective) => objective.kind === 'errorRate')!;
    expect(budget).toMatchObject({ totalCount: 2, badCount: 0, consumedRatio: 0 });
    const burn = slo.burnRates('/a').objectives.find((objective) => objective.kind === 'p95')!;
    expect(
      Object.values(burn.windows).map((window) => [window.totalCount, window.burnRate]),
    ).toEqual(Array.from({ length: 7 }, () => [2, 0]));
    expect(slo.alerts('/a')).toMatchObject({ page: false, ticket: false });
    const minuteStartMs = Math.floor((START_MS + 1e15) / 60_000) * 60_000;
    expect(slo.timeSeries('/a')!.points).toEqual([
      { startMs: minuteStartMs, count: 2, errorCount: 0, meanLatencyMs: 15, maxLatencyMs: 20 },
    ]);
    expect(slo.timeSeries('/a', 'tenMinutes')!.points).toHaveLength(1);
    const report = slo.report();
    expect(report.endpoints[0]).toMatchObject({ count: 3, errorCount: 1 });
    expect(report.generatedAt).toBe(new Date(START_MS + 1e15).toISOString());
  });
});

describe('SLOTracker latency bound', () => {
  it('refuses a latency above 2,147,483,647 ms and records nothing', () => {
    const slo = new SLOTracker({ clock: new ManualClock(START_MS) });
    expect(MAX_LATENCY_MS).toBe(2 ** 31 - 1);
    expect(() => slo.record('/a', 1e308)).toThrow(
      new RangeError(
        'SLOTracker.record: `latencyMs` must be a finite number from 0 to 2147483647, got 1e+308.',
      ),
    );
    expect(() => slo.record('/a', MAX_LATENCY_MS + 1)).toThrow(RangeError);
    expect(slo.endpoints()).toEqual([]);
  });

  it('keeps histogram sums finite and exact at the bound', () => {
    const slo = new SLOTracker({ clock: new ManualClock(START_MS) });
    for (let i = 0; i < 1000; i++) slo.record('/a', MAX_LATENCY_MS);
    const histogram = slo.histogram('/a')!;
    expect(histogram.sumMs).toBe(1000 * MAX_LATENCY_MS);
    expect(slo.stats('/a')!.meanLatencyMs).toBe(MAX_LATENCY_MS);
  });
});

describe('SLOTracker.merge latency bounds', () => {
  function snapshotOf(edit: (endpoint: Record<string, unknown>) => void): SloSnapshot {
    const slo = new SLOTracker({ clock: new ManualClock(START_MS), objectives: {} });
    slo.record('/a', 10);
    slo.record('/a', 20);
    const snapshot = JSON.parse(JSON.stringify(slo.snapshot())) as SloSnapshot;
    edit(snapshot.endpoints[0] as unknown as Record<string, unknown>);
    return snapshot;
  }

  it('refuses latencies, sums and bucket rows past the bound, changing nothing', () => {
    const target = new SLOTracker({ clock: new ManualClock(START_MS), objectives: {} });
    const huge = [
      snapshotOf((endpoint) => (endpoint.maxLatencyMs = 1e308)),
      snapshotOf((endpoint) => (endpoint.sumLatencyMs = 1e308)),
      snapshotOf((endpoint) => (endpoint.windowLatenciesMs = [10, 1e308])),
      snapshotOf((endpoint) => ((endpoint.minuteBuckets as number[][])[0]![3] = 1e308)),
    ];
    for (const snapshot of huge) expect(() => target.merge(snapshot)).toThrow(RangeError);
    expect(target.endpoints()).toEqual([]);
    target.merge(snapshotOf(() => {}));
    target.merge(snapshotOf(() => {}));
    expect(target.histogram('/a')!.sumMs).toBe(60);
  });
});

describe('SLOTracker.record with the time given', () => {
  it('records at atMs without reading its clock, and refuses an atMs no Date can hold', () => {
    const slo = new SLOTracker({ clock: { nowMs: () => Number.NaN }, objectives: {} });
    slo.record('/a', 5, { atMs: START_MS });
    expect(slo.histogram('/a')!.count).toBe(1);
    for (const atMs of [Number.NaN, -1, 8.64e15 + 1]) {
      expect(() => slo.record('/a', 5, { atMs })).toThrow(
        new RegExp(
          `^SLOTracker\\.record: \`atMs\` must be a finite number from 0 to 8640000000000000, got `,
        ),
      );
    }
    expect(() => slo.record('/a', 5, { atMs: '5' as never })).toThrow(TypeError);
    expect(slo.histogram('/a')!.count).toBe(1);
  });
});
