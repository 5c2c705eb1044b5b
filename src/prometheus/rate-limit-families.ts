/**
 * The families written from an `EndpointRateLimiter`: decisions per rule and outcome, and the store
 * faults the application counted.
 *
 * Internal module: its names are not part of the public API unless an entry exports them.
 */
import { nonNegativeNumber } from '../core/validate.js';
import type { EndpointDecisionCount } from '../rate-limit/endpoint-rate-limiter.js';
import { addSample, family, type MetricFamily } from './metric-family.js';
import type { MetricNames } from './names.js';

/** What the exposition reads from a rate limiter: its decisions per rule. */
export interface RateLimitSource {
  /** Allowed and limited checks per rule, as `EndpointRateLimiter.decisionCounts()` returns them. */
  decisionCounts(): readonly EndpointDecisionCount[];
}

/** The decisions counter, labelled by rule (the endpoint pattern, or `default`) and outcome. */
export function rateLimitFamilies(limits: RateLimitSource, names: MetricNames): MetricFamily[] {
  const decisions = family(
    names.rateLimitDecisionsTotal,
    'counter',
    'Rate-limit checks per rule (endpoint pattern) and outcome (allowed or limited).',
  );
  for (const { rule, allowed, limited } of limits.decisionCounts()) {
    addSample(decisions, allowed, { rule, outcome: 'allowed' });
    addSample(decisions, limited, { rule, outcome: 'limited' });
  }
  return [decisions];
}

/**
 * The store-faults counter, read from the application's own count.
 *
 * @throws RangeError or TypeError when `storeFaults()` returns anything but a finite number >= 0
 */
export function storeFaultFamilies(
  owner: string,
  storeFaults: () => number,
  names: MetricNames,
): MetricFamily[] {
  const faults = family(
    names.rateLimitStoreFaultsTotal,
    'counter',
    'Rate-limit checks the store failed to answer, decided by its failure policy instead.',
  );
  addSample(faults, nonNegativeNumber(owner, 'storeFaults()', storeFaults()));
  return [faults];
}
