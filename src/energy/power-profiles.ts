import { integerAtLeast, nonNegativeNumber, oneOf } from '../core/validate.js';
import { booleanOption, optionalObject } from './options.js';

/** Numeric precision of model weights or activations. */
export type Precision = 'fp32' | 'fp16' | 'int8';

/** The precisions a {@link PowerProfile} accepts. */
export const PRECISIONS: readonly Precision[] = ['fp32', 'fp16', 'int8'];

/**
 * How the application should run in one mode of a `LowPowerMode`: the knobs that trade quality or
 * freshness for energy. Applications may add their own fields beside these.
 */
export interface PowerProfile {
  /** Items processed per batch, an integer >= 1. */
  readonly batchSize: number;
  /** Numeric precision of model computations. */
  readonly precision: Precision;
  /** Whether to use a quantized model. */
  readonly quantize: boolean;
  /** How long cached results stay fresh, in milliseconds. */
  readonly cacheTtlMs: number;
}

/** A partial {@link PowerProfile} as options take it: missing or `undefined` fields take a default. */
export type PowerProfileInput = {
  readonly [K in keyof PowerProfile]?: PowerProfile[K] | undefined;
};

/**
 * A complete profile with the application's extra fields (`Extra` minus the known ones), as
 * `LowPowerMode.settings` returns it.
 */
export type ProfileSettings<Extra extends object> = PowerProfile & Omit<Extra, keyof PowerProfile>;

/**
 * The profile of normal operation.
 *
 * @defaultValue `{ batchSize: 32, precision: 'fp32', quantize: false, cacheTtlMs: 60_000 }`
 */
export const DEFAULT_NORMAL_PROFILE: PowerProfile = Object.freeze({
  batchSize: 32,
  precision: 'fp32',
  quantize: false,
  cacheTtlMs: 60_000,
});

/**
 * The profile of low-power operation: smaller batches, half precision, a quantized model and
 * ten times longer caching.
 *
 * @defaultValue `{ batchSize: 8, precision: 'fp16', quantize: true, cacheTtlMs: 600_000 }`
 */
export const DEFAULT_LOW_POWER_PROFILE: PowerProfile = Object.freeze({
  batchSize: 8,
  precision: 'fp16',
  quantize: true,
  cacheTtlMs: 600_000,
});

/**
 * Builds a frozen profile from a partial one: each known field missing (or `undefined`) takes the
 * default's value; extra fields are kept as given, over those of `inherited` (the normal profile, for
 * the low-power one).
 *
 * @internal
 */
export function buildProfile<Extra extends object>(
  owner: string,
  name: string,
  given: (PowerProfileInput & Partial<Extra>) | undefined,
  defaults: PowerProfile,
  inherited?: ProfileSettings<Extra>,
): ProfileSettings<Extra> {
  const input: PowerProfileInput = optionalObject(owner, name, given) ?? {};
  return Object.freeze({
    ...(inherited as Extra | undefined),
    ...(input as Extra),
    batchSize: integerAtLeast(owner, `${name}.batchSize`, input.batchSize ?? defaults.batchSize, 1),
    precision: oneOf(owner, `${name}.precision`, input.precision ?? defaults.precision, PRECISIONS),
    quantize: booleanOption(owner, `${name}.quantize`, input.quantize ?? defaults.quantize),
    cacheTtlMs: nonNegativeNumber(
      owner,
      `${name}.cacheTtlMs`,
      input.cacheTtlMs ?? defaults.cacheTtlMs,
    ),
  });
}
