import { describe, expect, it } from 'vitest';
import { DistinctCounter } from '../../src/slo/distinct-counter.js';

describe('DistinctCounter', () => {
  it('is 0 when empty and exact for a handful of names', () => {
    const counter = new DistinctCounter();
    expect(counter.estimate()).toBe(0);
    for (const name of ['/a', '/b', '/c', '/a', '/b']) counter.add(name);
    expect(counter.estimate()).toBe(3);
  });

  it('stays within 10 % from a thousand to a million distinct names', () => {
    const counter = new DistinctCounter();
    let added = 0;
    for (const target of [1_000, 10_000, 100_000, 1_000_000]) {
      for (; added < target; added++) counter.add(`/user/${added}/profile`);
      expect(Math.abs(counter.estimate() - target) / target).toBeLessThan(0.1);
    }
  });

  it('counts the union when registers of another counter are added', () => {
    const left = new DistinctCounter();
    const right = new DistinctCounter();
    for (let i = 0; i < 3000; i++) left.add(`/n/${i}`);
    for (let i = 2000; i < 5000; i++) right.add(`/n/${i}`);
    left.addRegisters(right.registers());
    expect(Math.abs(left.estimate() - 5000) / 5000).toBeLessThan(0.1);
    expect(new DistinctCounter().registers()).toEqual([]);
  });
});
