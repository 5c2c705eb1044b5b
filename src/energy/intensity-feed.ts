import { describeValue, fail, nonNegativeNumber } from '../core/validate.js';
import { DEFAULT_CARBON_INTENSITY_G_PER_KWH } from './carbon.js';
import { errorMessage } from './error-message.js';

/**
 * Where a live grid carbon intensity comes from (Electricity Maps, WattTime, the UK Carbon Intensity
 * API, or your own). `greenslo/carbon` has providers for those APIs, each with a cache, a timeout and
 * a fallback figure, so that its promise always settles to a finite number.
 *
 * An `EnergyMonitor` or a `LowPowerMode` never awaits a provider on a request's path: it asks in the
 * background, at most once per refresh period, and uses the latest figure it received.
 *
 * @example
 * ```ts
 * const provider: CarbonIntensityProvider = {
 *   name: 'my-grid',
 *   fallbackGPerKWh: 300,
 *   intensityGPerKWh: async () => (await fetch('https://grid.example/now').then((r) => r.json())).g,
 * };
 * ```
 */
export interface CarbonIntensityProvider {
  /** A short name for reports and labels, such as `'electricity-maps:DE'`. */
  readonly name: string;
  /**
   * The grid carbon intensity now.
   *
   * @param nowMs - the current time in epoch milliseconds, from the caller's clock (for caches)
   * @returns gCO2e per kilowatt-hour, a finite number >= 0
   */
  intensityGPerKWh(nowMs: number): Promise<number>;
  /** The figure used until the first answer arrives, in gCO2e/kWh (default: 475). */
  readonly fallbackGPerKWh?: number | undefined;
}

/** Whether `value` has the shape of a {@link CarbonIntensityProvider}. */
export function isCarbonIntensityProvider(value: unknown): value is CarbonIntensityProvider {
  const candidate = value as Partial<CarbonIntensityProvider> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.intensityGPerKWh === 'function' &&
    typeof candidate.name === 'string'
  );
}

/** What an {@link IntensityFeed} tells its owner. */
export interface IntensityFeedHooks {
  /** A new figure arrived for the request made at `askedAtMs`. */
  updated(intensityGPerKWh: number, askedAtMs: number): void;
  /** The provider threw, rejected or answered something that is not a finite number >= 0. */
  failed(message: string, askedAtMs: number, cause?: unknown): void;
}

/**
 * A carbon intensity that is either a fixed number or the latest answer of a provider, asked in the
 * background at most once per `refreshMs` and never twice at once.
 *
 * @internal
 */
export class IntensityFeed {
  readonly provider: CarbonIntensityProvider | undefined;
  // Fields set in the constructor are `declare`d, so that bundles carry no field declarations.
  /** The latest figure, in gCO2e/kWh; never NaN. */
  declare latestGPerKWh: number;
  /** Whether the figure is fixed or came from the provider (false while it is the fallback). */
  declare received: boolean;
  readonly #refreshMs: number;
  readonly #hooks: IntensityFeedHooks;
  #pending = false;
  #lastAskMs = Number.NEGATIVE_INFINITY;
  #nextAskMs = Number.NEGATIVE_INFINITY;

  constructor(
    owner: string,
    name: string,
    value: number | CarbonIntensityProvider,
    refreshMs: number,
    hooks: IntensityFeedHooks,
  ) {
    this.#refreshMs = refreshMs;
    this.#hooks = hooks;
    this.received = typeof value === 'number';
    if (typeof value === 'number') {
      this.latestGPerKWh = nonNegativeNumber(owner, name, value);
      return;
    }
    if (!isCarbonIntensityProvider(value)) {
      fail(
        TypeError,
        owner,
        name,
        'a finite number >= 0 or a CarbonIntensityProvider (an object with a name and an intensityGPerKWh(nowMs) method)',
        value,
      );
    }
    this.provider = value;
    this.latestGPerKWh = nonNegativeNumber(
      owner,
      `${name}.fallbackGPerKWh`,
      value.fallbackGPerKWh ?? DEFAULT_CARBON_INTENSITY_G_PER_KWH,
    );
  }

  /** Where the figure comes from: the provider's name, or `'fixed'`. */
  get sourceName(): string {
    return this.provider?.name ?? 'fixed';
  }

  /**
   * Asks the provider in the background when one is set, none is pending and the last ask is
   * `refreshMs` old (and at an earlier time: never twice for the same instant).
   */
  refresh(nowMs: number): void {
    const provider = this.provider;
    if (
      provider === undefined ||
      this.#pending ||
      nowMs < this.#nextAskMs ||
      nowMs <= this.#lastAskMs
    )
      return;
    this.#pending = true;
    this.#lastAskMs = nowMs;
    this.#nextAskMs = nowMs + this.#refreshMs;
    let answer: Promise<number>;
    try {
      answer = Promise.resolve(provider.intensityGPerKWh(nowMs));
    } catch (error) {
      this.#failed(`threw: ${errorMessage(error)}`, nowMs, error);
      return;
    }
    answer.then(
      (value) => this.#received(value, nowMs),
      (error: unknown) => this.#failed(`failed: ${errorMessage(error)}`, nowMs, error),
    );
  }

  /** Ends the pending ask with a failure: `what` completes `carbon intensity provider "name" ...`. */
  #failed(what: string, atMs: number, cause?: unknown): void {
    this.#pending = false;
    this.#hooks.failed(`carbon intensity provider "${this.provider!.name}" ${what}`, atMs, cause);
  }

  #received(value: unknown, askedAtMs: number): void {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      this.#failed(
        `answered ${describeValue(value)} instead of a finite number >= 0 of gCO2e/kWh; the figure ${this.latestGPerKWh} stays.`,
        askedAtMs,
      );
      return;
    }
    this.#pending = false;
    this.latestGPerKWh = value;
    this.received = true;
    this.#hooks.updated(value, askedAtMs);
  }
}
