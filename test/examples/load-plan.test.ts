import { describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMITS } from '../../src/index.js';
import { withPrefix } from '../../examples/demo/format-report.js';
import { planLoad } from '../../examples/demo/load-plan.js';

describe('the demo load plan', () => {
  it('splits 20 s into ramp steps, steady, spike and two equal energy phases', () => {
    const plan = planLoad(20, 6);
    expect(plan.phases.map((phase) => `${phase.name} ${phase.durationS}`)).toEqual([
      'ramp 1/4 1',
      'ramp 2/4 1',
      'ramp 3/4 1',
      'ramp 4/4 1',
      'steady 7',
      'spike 3',
      'embed, normal mode 3',
      'embed, low-power mode 3',
    ]);
    expect(plan.durationS).toBe(20);
    expect(plan.sendingS).toBe(20 - 8 * 0.3);
    expect(plan.phases.filter((phase) => phase.lowPower).map((phase) => phase.kind)).toEqual([
      'low-power',
    ]);
  });

  it('gives a third of the connections to probes and one address to each API client', () => {
    const plan = planLoad(20, 6);
    expect([plan.probeConnections, plan.apiClients]).toEqual([2, 4]);
    const steady = plan.phases.find((phase) => phase.kind === 'steady')!;
    expect(new Set(steady.clients.map((client) => client.address)).size).toBe(4);
    expect(planLoad(20, 2)).toMatchObject({ probeConnections: 1, apiClients: 1 });
  });

  it('sends each API client past the 60 per minute embedding burst within a short run', () => {
    const plan = planLoad(5, 2);
    const client = (kind: string) =>
      plan.phases
        .filter((phase) => phase.kind === kind)
        .flatMap((phase) => phase.clients.map((c) => c.ratePerSecond * phase.durationS));
    // Four of every six requests of the API mix are embeddings.
    const embeddingsSent = [...client('ramp'), ...client('steady'), ...client('spike')].reduce(
      (sum, requests) => sum + (requests * 4) / 6,
      0,
    );
    const rule = DEFAULT_RATE_LIMITS['/embed/multimodal'] as { rate: number; perSeconds: number };
    const admittedAtMost = rule.rate + (rule.rate / rule.perSeconds) * plan.durationS;
    expect(embeddingsSent).toBeGreaterThan(admittedAtMost);
  });

  it('keeps the energy phases equal and within the burst of fresh clients, so that both do the same work', () => {
    const plan = planLoad(20, 6);
    const [normal, lowPower] = [plan.phases.at(-2)!, plan.phases.at(-1)!];
    expect({
      ...normal,
      name: '',
      kind: '',
      lowPower: false,
      clients: normal.clients.map((c) => c.ratePerSecond),
    }).toEqual({
      ...lowPower,
      name: '',
      kind: '',
      lowPower: false,
      clients: lowPower.clients.map((c) => c.ratePerSecond),
    });
    const earlier = new Set(
      plan.phases.slice(0, -2).flatMap((phase) => phase.clients.map((c) => c.address)),
    );
    for (const client of [...normal.clients, ...lowPower.clients]) {
      expect(earlier.has(client.address)).toBe(false);
      expect(client.ratePerSecond * normal.durationS).toBeLessThanOrEqual(60);
    }
    expect(new Set([...normal.clients, ...lowPower.clients].map((c) => c.address)).size).toBe(
      normal.clients.length * 2,
    );
  });

  it('refuses a duration or connection count out of range', () => {
    expect(() => planLoad(4, 6)).toThrow('--duration must be 5..45 seconds, got 4.');
    expect(() => planLoad(20, 17)).toThrow('--connections must be an integer 2..16, got 17.');
    expect(() => planLoad(Number.NaN, 6)).toThrow(RangeError);
  });
});

describe('the demo report figures', () => {
  it('print with three significant digits and an SI prefix', () => {
    expect(withPrefix(0.00435, 'Wh')).toBe('4.35 mWh');
    expect(withPrefix(7.56e-8, 'Wh')).toBe('75.6 nWh');
    expect(withPrefix(1.5, 'g')).toBe('1.5 g');
    expect(withPrefix(0, 'g')).toBe('0 g');
  });
});
