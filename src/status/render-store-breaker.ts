/**
 * The rate-limit store's circuit breaker on the status page: one line, shown when the page was
 * given a `storeBreaker` source.
 *
 * @internal
 */
import type { StatusSnapshot } from './types.js';

const MEANING: Readonly<Record<NonNullable<StatusSnapshot['storeBreaker']>, string>> = {
  closed: 'checks go to the store',
  open: "checks are answered by the store's failure policy",
  'half-open': 'one probe checks whether the store answers again',
};

/** The section, or an empty string without a source. */
export function storeBreakerSection(snapshot: StatusSnapshot): string {
  const state = snapshot.storeBreaker;
  if (state === null) return '';
  return `<section id="store-breaker"><p class="note">Rate-limit store circuit breaker: <strong>${state}</strong> (${MEANING[state]}).</p></section>`;
}

/**
 * Reads a `storeBreaker` source and checks its answer.
 *
 * @throws TypeError when it returns anything but `'closed'`, `'open'` or `'half-open'`
 */
export function readStoreBreaker(
  owner: string,
  source: () => unknown,
): NonNullable<StatusSnapshot['storeBreaker']> {
  const state = source();
  if (state === 'closed' || state === 'open' || state === 'half-open') return state;
  throw new TypeError(
    `${owner}: \`storeBreaker()\` must return 'closed', 'open' or 'half-open', got ${JSON.stringify(state) ?? String(state)}.`,
  );
}
