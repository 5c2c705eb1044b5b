/**
 * The circuit breaker of `RedisStore`: after `failures` batches in a row that Redis failed or did not
 * answer in time, it opens and checks go straight to the failure policy; `openMs` later one check
 * goes to Redis as a probe (half-open), and the breaker closes when Redis answers it.
 */
import {
  describeValue,
  integerAtLeast,
  numberInRange,
  rejectUnknownKeys,
} from '../core/validate.js';

/** The breaker's state: `'closed'` (checks go to Redis), `'open'` (to the failure policy), `'half-open'` (one probe to Redis). */
export type RedisBreakerState = 'closed' | 'open' | 'half-open';

/** Options of the breaker of `RedisStore` (its `breaker` option). */
export interface RedisBreakerOptions {
  /** Failed batches in a row (each a timeout or an error) that open the breaker, an integer >= 1; defaults to {@link DEFAULT_BREAKER_FAILURES}. */
  readonly failures?: number;
  /** How long, in ms, the breaker stays open before it lets one probe through (1 to 2^31 − 1); defaults to {@link DEFAULT_BREAKER_OPEN_MS}. */
  readonly openMs?: number;
}

/**
 * Failed batches in a row that open the breaker.
 *
 * @defaultValue 5
 */
export const DEFAULT_BREAKER_FAILURES = 5;

/**
 * How long the breaker stays open before a probe, in milliseconds.
 *
 * @defaultValue 1000
 */
export const DEFAULT_BREAKER_OPEN_MS = 1000;

/** A state change, reported once: `'open'` when the breaker opens, `'closed'` when it closes again. */
export type BreakerTransition = 'open' | 'closed';

/** @internal */
export class Breaker {
  readonly #failures: number;
  readonly #openMs: number;
  readonly #onTransition: (transition: BreakerTransition) => void;
  #state: RedisBreakerState = 'closed';
  #failuresInARow = 0;
  /** When a probe may go, on the `performance.now()` scale (while open). */
  #probeAtMs = 0;

  constructor(
    failures: number,
    openMs: number,
    onTransition: (transition: BreakerTransition) => void,
  ) {
    this.#failures = failures;
    this.#openMs = openMs;
    this.#onTransition = onTransition;
  }

  get state(): RedisBreakerState {
    return this.#state;
  }

  /** Whether a check may go to Redis now; once `openMs` has passed while open, lets exactly one through. */
  admits(): boolean {
    if (this.#state === 'closed') return true;
    if (this.#state === 'half-open' || performance.now() < this.#probeAtMs) return false;
    this.#state = 'half-open';
    return true;
  }

  /** Redis answered a batch. */
  answered(): void {
    this.#failuresInARow = 0;
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#onTransition('closed');
  }

  /** A batch failed or timed out. */
  failed(): void {
    this.#failuresInARow += 1;
    if (this.#state === 'closed' && this.#failuresInARow < this.#failures) return;
    const wasClosed = this.#state === 'closed';
    this.#state = 'open';
    this.#probeAtMs = performance.now() + this.#openMs;
    if (wasClosed) this.#onTransition('open');
  }
}

/**
 * Checks the `breaker` option: `false` (no breaker), `true` or `undefined` (the defaults), or
 * {@link RedisBreakerOptions}.
 *
 * @internal
 * @throws TypeError or RangeError naming the option and the value
 */
export function breakerSettings(
  owner: string,
  value: unknown,
): { failures: number; openMs: number } | undefined {
  if (value === false) return undefined;
  if (value === undefined || value === true)
    return { failures: DEFAULT_BREAKER_FAILURES, openMs: DEFAULT_BREAKER_OPEN_MS };
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(
      `${owner}: \`breaker\` must be true, false or { failures?, openMs? }, got ${describeValue(value)}.`,
    );
  }
  rejectUnknownKeys(`${owner} breaker`, value, ['failures', 'openMs']);
  const options = value as RedisBreakerOptions;
  return {
    failures: integerAtLeast(
      owner,
      'breaker.failures',
      options.failures ?? DEFAULT_BREAKER_FAILURES,
      1,
    ),
    openMs: numberInRange(
      owner,
      'breaker.openMs',
      options.openMs ?? DEFAULT_BREAKER_OPEN_MS,
      1,
      2_147_483_647,
    ),
  };
}
