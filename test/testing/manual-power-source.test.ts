import { describe, expect, it } from 'vitest';
import { ManualClock, ManualPowerSource } from '../../src/testing/index.js';

describe('ManualPowerSource', () => {
  it('grows by watts x seconds of the clock it is given', () => {
    const clock = new ManualClock(5_000);
    const source = new ManualPowerSource({ clock, watts: 50, joules: 10 });
    expect(source.readJoules(5_000)).toBe(10);
    expect(source.readJoules(7_000)).toBe(10 + 50 * 2);
    expect(source.name).toBe('manual');
    expect(source.reads).toBe(2);
  });

  it('changes power from the time of the change on', () => {
    const clock = new ManualClock(0);
    const source = new ManualPowerSource({ clock, watts: 100 });
    clock.advanceMs(3_000);
    source.setWatts(20);
    clock.advanceMs(2_000);
    expect(source.watts).toBe(20);
    expect(source.readJoules(clock.nowMs())).toBe(100 * 3 + 20 * 2);
  });

  it('adds instantaneous bursts and can be set back to simulate a faulty counter', () => {
    const clock = new ManualClock(0);
    const source = new ManualPowerSource({ clock, watts: 10, name: 'rig' });
    clock.advanceMs(1_000);
    source.addJoules(5);
    expect(source.readJoules(1_000)).toBe(15);
    source.setJoules(2);
    expect(source.readJoules(1_000)).toBe(2);
    clock.advanceMs(1_000);
    expect(source.readJoules(2_000)).toBe(12);
    expect(source.name).toBe('rig');
  });

  it('never reports less than its base for a time before the last change', () => {
    const clock = new ManualClock(10_000);
    const source = new ManualPowerSource({ clock, watts: 10, joules: 7 });
    expect(source.readJoules(9_000)).toBe(7);
  });

  it('rejects bad options and values in the usual form', () => {
    const clock = new ManualClock();
    expect(() => new ManualPowerSource({ clock, watts: -1 })).toThrow(
      new RangeError('ManualPowerSource: `watts` must be a finite number >= 0, got -1.'),
    );
    expect(() => new ManualPowerSource({ clock, joules: Number.NaN })).toThrow(RangeError);
    expect(() => new ManualPowerSource({ clock: {} as ManualClock })).toThrow(TypeError);
    const source = new ManualPowerSource({ clock });
    expect(() => source.setWatts(Infinity)).toThrow(RangeError);
    expect(() => source.addJoules(-3)).toThrow(RangeError);
  });

  it('refuses an unknown option key, naming it before the missing clock', () => {
    expect(() => new ManualPowerSource({ power: 50 } as never)).toThrow(
      new TypeError(
        'ManualPowerSource: `power` is not an option; known options are `clock`, `watts`, `joules`, `name`.',
      ),
    );
    expect(() => new ManualPowerSource({ clock: new ManualClock(), wats: 5 } as never)).toThrow(
      /did you mean `watts`\?/,
    );
  });
});
