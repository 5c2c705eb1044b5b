import { describe, expect, it } from 'vitest';
import { MAX_POLICIES, PolicyRegistry } from '../../src/rate-limit/policy-registry.js';

describe('PolicyRegistry', () => {
  it('gives one id per distinct policy value, whatever object carries it', () => {
    const registry = new PolicyRegistry();
    const first = registry.idOf({ capacity: 10, refillTokens: 1, refillIntervalMs: 1000 });
    const second = registry.idOf({ capacity: 10, refillTokens: 2, refillIntervalMs: 1000 });
    expect([first, second]).toEqual([0, 1]);
    expect(registry.idOf({ capacity: 10, refillTokens: 1, refillIntervalMs: 1000 })).toBe(0);
    expect(registry.size).toBe(2);
  });

  it('keeps the numbers a policy had when it was recorded', () => {
    const registry = new PolicyRegistry();
    const policy = { capacity: 10, refillTokens: 1, refillIntervalMs: 1000 };
    const id = registry.idOf(policy);
    policy.capacity = 99;
    expect(registry.policy(id)).toEqual({ capacity: 10, refillTokens: 1, refillIntervalMs: 1000 });
  });

  it('refuses one policy more than 65,536, naming its numbers', () => {
    const registry = new PolicyRegistry();
    for (let i = 1; i <= MAX_POLICIES; i++)
      registry.idOf({ capacity: i, refillTokens: 1, refillIntervalMs: 1 });
    expect(() => registry.idOf({ capacity: 0.5, refillTokens: 2, refillIntervalMs: 3 })).toThrow(
      new RangeError(
        'MemoryStore: at most 65536 distinct bucket policies may share one store, got one more: 0.5/2/3.',
      ),
    );
    expect(registry.size).toBe(65_536);
    expect(registry.idOf({ capacity: 65_536, refillTokens: 1, refillIntervalMs: 1 })).toBe(65_535);
  });
});
