/**
 * The state of a rate-limit store's circuit breaker (`RedisStore.breakerState`), as one gauge per
 * state, 1 for the current one: `<prefix>rate_limit_store_breaker_state{state="open"} 1`.
 *
 * Internal module: its names are not part of the public API unless an entry exports them.
 */
import { describeValue } from '../core/validate.js';
import { addSample, family, flag, type MetricFamily } from './metric-family.js';
import type { MetricNames } from './names.js';

/** Every state a store's breaker can be in. */
const BREAKER_STATES = ['closed', 'open', 'half-open'] as const;

/** A breaker state, as `RedisStore.breakerState` reports it. */
export type StoreBreakerState = (typeof BREAKER_STATES)[number];

/**
 * The breaker-state gauge, named beside the store-faults counter.
 *
 * @throws TypeError when `storeBreaker()` returns anything but `'closed'`, `'open'` or `'half-open'`
 */
export function storeBreakerFamilies(
  owner: string,
  storeBreaker: () => StoreBreakerState,
  names: MetricNames,
): MetricFamily[] {
  const name = names.rateLimitStoreFaultsTotal.replace(/faults_total$/, 'breaker_state');
  const gauge = family(
    name,
    'gauge',
    'Circuit breaker of the rate-limit store: 1 for its current state (closed: checks go to the store; open: to its failure policy; half-open: one probe).',
  );
  const state = storeBreaker();
  if (!BREAKER_STATES.includes(state))
    throw new TypeError(
      `${owner}: \`storeBreaker()\` must return 'closed', 'open' or 'half-open', got ${describeValue(state)}.`,
    );
  for (const candidate of BREAKER_STATES)
    addSample(gauge, flag(candidate === state), { state: candidate });
  return [gauge];
}
