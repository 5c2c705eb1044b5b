const BRAND = Symbol.for('greenslo.error');

/**
 * Base class of the errors greenslo throws for failed infrastructure (a store that does not answer,
 * a power source that cannot be read). Misuse is reported with the built-in `TypeError` and
 * `RangeError` instead.
 *
 * `code` is a stable, machine-readable string such as `'store_timeout'`.
 */
export class GreensloError extends Error {
  /** Stable machine-readable error code. */
  readonly code: string;

  /**
   * @param code - stable machine-readable code, in snake case
   * @param message - human-readable explanation
   * @param options - standard `ErrorOptions`; pass `cause` to keep the underlying error
   */
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'GreensloError';
    this.code = code;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/**
 * Tells whether `value` is a {@link GreensloError}, also when it was created by another copy of
 * greenslo (for example the CommonJS build beside the ES module build, or another realm).
 */
export function isGreensloError(value: unknown): value is GreensloError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[BRAND] === true
  );
}
