import { systemClock, type Clock } from '../core/clock.js';
import {
  clockOption,
  clockReading,
  nonNegativeNumber,
  numberInRange,
  positiveNumber,
  rejectUnknownKeys,
} from '../core/validate.js';
import { DEFAULT_CARBON_INTENSITY_REFRESH_MS, type EnergyMonitor } from './energy-monitor.js';
import { IntensityFeed, type CarbonIntensityProvider } from './intensity-feed.js';
import { ModeEnergyMeter } from './mode-energy-meter.js';
import { booleanOption, optionalObject } from './options.js';
import {
  buildProfile,
  DEFAULT_LOW_POWER_PROFILE,
  DEFAULT_NORMAL_PROFILE,
  type PowerProfile,
  type PowerProfileInput,
  type ProfileSettings,
} from './power-profiles.js';

/**
 * Default share of power that low-power mode should save (0..1).
 *
 * @defaultValue `0.3`
 */
export const DEFAULT_TARGET_REDUCTION = 0.3;

/**
 * Default minimum time between two automatic switches, in ms.
 *
 * @defaultValue `60_000`
 */
export const DEFAULT_MIN_DWELL_MS = 60_000;

/**
 * Default hysteresis of automatic switching: low-power mode ends only once every signal is at or
 * below its limit x (1 - ratio).
 *
 * @defaultValue `0.1`
 */
export const DEFAULT_AUTO_HYSTERESIS_RATIO = 0.1;

/**
 * Default time each mode must have been measured before `measuredReduction()` judges the target, in ms.
 *
 * @defaultValue `60_000`
 */
export const DEFAULT_MIN_MEASUREMENT_MS = 60_000;

const OWNER = 'LowPowerMode';
const KNOWN_OPTIONS = [
  'normal',
  'lowPower',
  'targetReduction',
  'energy',
  'auto',
  'clock',
  'enabled',
  'minMeasurementMs',
] as const;
const KNOWN_AUTO_OPTIONS = [
  'maxPowerW',
  'maxCarbonIntensityGPerKWh',
  'minDwellMs',
  'hysteresisRatio',
  'carbonIntensityGPerKWh',
  'carbonIntensityRefreshMs',
] as const;

/** When `LowPowerMode` switches by itself. At least one limit is required. */
export interface LowPowerAutoOptions {
  /** Enable low-power mode when the power (the monitor's latest window) is above this, in watts. */
  readonly maxPowerW?: number;
  /** Enable low-power mode when the grid carbon intensity is above this, in gCO2e/kWh. */
  readonly maxCarbonIntensityGPerKWh?: number;
  /**
   * Minimum time between two switches (automatic or manual) before an automatic one, in ms.
   * @defaultValue {@link DEFAULT_MIN_DWELL_MS} (60 000)
   */
  readonly minDwellMs?: number;
  /**
   * Ratio 0..1 below each limit that every signal must reach before low-power mode ends.
   * @defaultValue {@link DEFAULT_AUTO_HYSTERESIS_RATIO} (0.1)
   */
  readonly hysteresisRatio?: number;
  /**
   * The carbon intensity compared with `maxCarbonIntensityGPerKWh`: a number in gCO2e/kWh, or a
   * {@link CarbonIntensityProvider} asked in the background (on each power window of the monitor and
   * each `evaluate()`, at most once per `carbonIntensityRefreshMs`); each answer is evaluated as it
   * arrives.
   * @defaultValue the `energy` monitor's intensity in force
   */
  readonly carbonIntensityGPerKWh?: number | CarbonIntensityProvider;
  /**
   * Minimum time between two requests to the provider, in ms.
   * @defaultValue {@link DEFAULT_CARBON_INTENSITY_REFRESH_MS} (60 000)
   */
  readonly carbonIntensityRefreshMs?: number;
}

/** Options of {@link LowPowerMode}. `Extra` holds the application's own profile fields. */
export interface LowPowerModeOptions<Extra extends object = Record<never, never>> {
  /**
   * Profile of normal operation; missing fields take the default's.
   * @defaultValue {@link DEFAULT_NORMAL_PROFILE}
   */
  readonly normal?: PowerProfileInput & Extra;
  /**
   * Profile of low-power operation; missing fields take the default's, and missing extra fields
   * the normal profile's.
   * @defaultValue {@link DEFAULT_LOW_POWER_PROFILE}
   */
  readonly lowPower?: PowerProfileInput & Partial<NoInfer<Omit<Extra, keyof PowerProfile>>>;
  /**
   * Share of average power (0..1) that low-power mode should save.
   * @defaultValue {@link DEFAULT_TARGET_REDUCTION} (0.3)
   */
  readonly targetReduction?: number;
  /** The monitor whose power is compared between the modes and feeds automatic switching. */
  readonly energy?: EnergyMonitor;
  /** Switch by itself on power or carbon intensity; see {@link LowPowerAutoOptions}. */
  readonly auto?: LowPowerAutoOptions;
  /**
   * Source of time.
   * @defaultValue the monitor's clock, else {@link systemClock}
   */
  readonly clock?: Clock;
  /**
   * Whether to start in low-power mode.
   * @defaultValue `false`
   */
  readonly enabled?: boolean;
  /**
   * Time each mode must have been measured before the target is judged, in ms.
   * @defaultValue {@link DEFAULT_MIN_MEASUREMENT_MS} (60 000)
   */
  readonly minMeasurementMs?: number;
}

/** What `onChange` listeners receive. */
export interface LowPowerChange<Settings> {
  /** Whether low-power mode is now on. */
  readonly enabled: boolean;
  /** The profile now in force. */
  readonly settings: Settings;
  /** Why it switched: the caller's reason, or the automatic rule's explanation. */
  readonly reason: string | undefined;
  /** Whether the automatic rule switched. */
  readonly automatic: boolean;
  /** When it switched, in epoch milliseconds. */
  readonly atMs: number;
}

/** Current signals for {@link LowPowerMode.evaluate}; missing ones come from the monitor. */
export interface LowPowerSignals {
  /** Current power in watts (default: the monitor's latest power window). */
  readonly powerW?: number;
  /** Current grid carbon intensity in gCO2e/kWh (default: the monitor's configured intensity). */
  readonly carbonIntensityGPerKWh?: number;
}

/** The power saved by low-power mode, as measured by the monitor. */
export interface MeasuredReduction {
  /** Time measured in low-power mode, in ms. */
  readonly enabledMs: number;
  /** Time measured in normal mode, in ms. */
  readonly disabledMs: number;
  /** Energy measured in low-power mode, in watt-hours. */
  readonly enabledEnergyWh: number;
  /** Energy measured in normal mode, in watt-hours. */
  readonly disabledEnergyWh: number;
  /** Average power in low-power mode, in watts (undefined when not measured). */
  readonly enabledAveragePowerW: number | undefined;
  /** Average power in normal mode, in watts (undefined when not measured). */
  readonly disabledAveragePowerW: number | undefined;
  /** `1 - enabledAveragePowerW / disabledAveragePowerW` (negative if low power used more); undefined until both are known. */
  readonly reduction: number | undefined;
  /** The target the reduction is judged against. */
  readonly targetReduction: number;
  /** Whether each mode has been measured for at least `minMeasurementMs`. */
  readonly enoughData: boolean;
  /** Whether `reduction >= targetReduction`; undefined until there is enough data. */
  readonly targetMet: boolean | undefined;
}

interface AutoRule {
  readonly intensity: IntensityFeed | undefined;
  readonly maxPowerW: number | undefined;
  readonly maxCarbonIntensityGPerKWh: number | undefined;
  readonly minDwellMs: number;
  readonly keepRatio: number;
}

/**
 * A switch between a normal and a low-power profile (batch size, precision, quantization, cache
 * lifetime, plus any fields of the application's own), with optional automatic switching on power or
 * carbon intensity and a measurement of the power it actually saves.
 *
 * Automatic switching has no timer: it is evaluated on each completed power window of the `energy`
 * monitor (when one is given) and on every {@link LowPowerMode.evaluate} call. It switches on when a
 * signal is above its limit, off only when every signal is at or below its limit x (1 -
 * `hysteresisRatio`), and never sooner than `minDwellMs` after the previous switch, so it cannot flap.
 *
 * @example
 * ```ts
 * const lowPower = new LowPowerMode({ energy: monitor, auto: { maxPowerW: 120, minDwellMs: 300_000 } });
 * lowPower.onChange(({ enabled, settings }) => model.configure(settings));
 * const batch = queue.take(lowPower.settings.batchSize);
 * ```
 */
export class LowPowerMode<Extra extends object = Record<never, never>> {
  /** The profile of normal operation. */
  readonly normal: ProfileSettings<Extra>;
  /** The profile of low-power operation. */
  readonly lowPower: ProfileSettings<Extra>;
  /** Share of average power (0..1) low-power mode should save. */
  readonly targetReduction: number;
  readonly #clock: Clock;
  readonly #energy: EnergyMonitor | undefined;
  readonly #auto: AutoRule | undefined;
  readonly #minMeasurementMs: number;
  readonly #meter: ModeEnergyMeter | undefined;
  // Typed on the base profile so that a mode with extra fields still assigns to `LowPowerMode`;
  // listeners only ever receive this mode's own settings.
  readonly #listeners = new Set<(change: LowPowerChange<PowerProfile>) => void>();
  readonly #detach: () => void;
  #enabled: boolean;
  #reason: string | undefined;
  #changedAtMs = Number.NEGATIVE_INFINITY;

  /**
   * @param options - see {@link LowPowerModeOptions}
   * @throws TypeError when an option key is unknown, an option has the wrong type, or `auto` sets
   *   neither limit
   * @throws RangeError when a number is out of range (`targetReduction` outside 0..1, a batch size
   *   below 1, a negative dwell or cache lifetime, a limit <= 0)
   */
  constructor(options: LowPowerModeOptions<Extra> = {}) {
    if (optionalObject(OWNER, 'options', options) !== undefined)
      rejectUnknownKeys(OWNER, options, KNOWN_OPTIONS);
    this.normal = buildProfile<Extra>(OWNER, 'normal', options.normal, DEFAULT_NORMAL_PROFILE);
    this.lowPower = buildProfile<Extra>(
      OWNER,
      'lowPower',
      options.lowPower as (PowerProfileInput & Partial<Extra>) | undefined,
      DEFAULT_LOW_POWER_PROFILE,
      this.normal,
    );
    this.targetReduction = numberInRange(
      OWNER,
      'targetReduction',
      options.targetReduction ?? DEFAULT_TARGET_REDUCTION,
      0,
      1,
    );
    this.#energy = energyOption(options.energy);
    this.#clock = clockOption(OWNER, options.clock ?? this.#energy?.clock ?? systemClock);
    this.#auto = autoRule(options.auto, (intensity) => this.#intensityArrived(intensity));
    this.#minMeasurementMs = nonNegativeNumber(
      OWNER,
      'minMeasurementMs',
      options.minMeasurementMs ?? DEFAULT_MIN_MEASUREMENT_MS,
    );
    this.#enabled = booleanOption(OWNER, 'enabled', options.enabled ?? false);
    this.#meter = this.#energy === undefined ? undefined : new ModeEnergyMeter(this.#energy);
    const watch = this.#auto !== undefined && this.#energy !== undefined;
    this.#detach = watch
      ? this.#energy.onPowerWindow((window) => this.evaluate({ powerW: window.powerW }))
      : () => {};
  }

  /** Whether low-power mode is on. */
  get enabled(): boolean {
    return this.#enabled;
  }

  /** The profile in force: {@link LowPowerMode.lowPower} when enabled, else {@link LowPowerMode.normal}. */
  get settings(): ProfileSettings<Extra> {
    return this.#enabled ? this.lowPower : this.normal;
  }

  /** Why the mode last switched (undefined before the first switch or without a reason). */
  get reason(): string | undefined {
    return this.#reason;
  }

  /**
   * Turns low-power mode on now (with `auto`, the rule may switch again after `minDwellMs`).
   *
   * @param reason - why, for listeners and reports
   * @returns whether the mode changed
   * @throws RangeError when the clock's reading is not a finite number from 0 to 8.64e15 (nothing changes)
   */
  enable(reason?: string): boolean {
    return this.#switch(true, reason, false, 'LowPowerMode.enable');
  }

  /**
   * Turns low-power mode off now (with `auto`, the rule may switch again after `minDwellMs`).
   *
   * @param reason - why, for listeners and reports
   * @returns whether the mode changed
   * @throws RangeError when the clock's reading is not a finite number from 0 to 8.64e15 (nothing changes)
   */
  disable(reason?: string): boolean {
    return this.#switch(false, reason, false, 'LowPowerMode.disable');
  }

  /**
   * Calls `listener` after each switch. A listener that throws does not stop the others; the first
   * error is re-thrown to the caller of `enable()`/`disable()` once all have run.
   *
   * @returns a function that removes the listener
   */
  onChange(listener: (change: LowPowerChange<ProfileSettings<Extra>>) => void): () => void {
    if (typeof listener !== 'function')
      throw new TypeError(`${OWNER}: \`listener\` must be a function, got ${typeof listener}.`);
    const stored = listener as (change: LowPowerChange<PowerProfile>) => void;
    this.#listeners.add(stored);
    return () => {
      this.#listeners.delete(stored);
    };
  }

  /**
   * Applies the automatic rule to the current signals (no-op without `auto`). Called by itself on each
   * completed power window of the monitor; call it yourself to feed a live carbon intensity.
   *
   * @param signals - current power and carbon intensity; missing ones come from `auto`'s intensity
   *   and the monitor
   * @returns whether low-power mode is on afterwards
   * @throws RangeError when a signal is negative or not finite, or the clock's reading is not a
   *   finite number from 0 to 8.64e15 (nothing changes)
   */
  evaluate(signals: LowPowerSignals = {}): boolean {
    return this.#evaluate(signals, true);
  }

  #evaluate(signals: LowPowerSignals, askProvider: boolean): boolean {
    const auto = this.#auto;
    if (auto === undefined) return this.#enabled;
    if (optionalObject('LowPowerMode.evaluate', 'signals', signals) !== undefined)
      rejectUnknownKeys('LowPowerMode.evaluate', signals, ['powerW', 'carbonIntensityGPerKWh']);
    const powerW = signalOption('powerW', signals.powerW) ?? this.#energy?.recentPowerW;
    const intensity =
      signalOption('carbonIntensityGPerKWh', signals.carbonIntensityGPerKWh) ??
      intensityNow(auto.intensity, this.#energy);
    const nowMs = clockReading('LowPowerMode.evaluate', this.#clock.nowMs());
    if (askProvider) auto.intensity?.refresh(nowMs);
    if (nowMs - this.#changedAtMs < auto.minDwellMs) return this.#enabled;
    const verdict = judge(auto, powerW, intensity);
    if (this.#enabled ? verdict.clear : verdict.over)
      this.#switch(!this.#enabled, verdict.reason, true, nowMs);
    return this.#enabled;
  }

  /**
   * Compares the monitor's average power while enabled with that while disabled.
   *
   * @returns the figures of each mode, the reduction and whether `targetReduction` was met (undefined
   *   until each mode was measured for `minMeasurementMs`, and always without an `energy` monitor)
   */
  measuredReduction(): MeasuredReduction {
    const totals = this.#meter?.totals(this.#enabled);
    const enabled = totals?.enabled ?? { ms: 0, wh: 0 };
    const disabled = totals?.disabled ?? { ms: 0, wh: 0 };
    const enabledPowerW = enabled.ms > 0 ? (enabled.wh * 3.6e6) / enabled.ms : undefined;
    const disabledPowerW = disabled.ms > 0 ? (disabled.wh * 3.6e6) / disabled.ms : undefined;
    const reduction =
      enabledPowerW !== undefined && disabledPowerW !== undefined && disabledPowerW > 0
        ? 1 - enabledPowerW / disabledPowerW
        : undefined;
    const enoughData =
      totals !== undefined &&
      enabled.ms >= this.#minMeasurementMs &&
      disabled.ms >= this.#minMeasurementMs &&
      reduction !== undefined;
    return {
      enabledMs: enabled.ms,
      disabledMs: disabled.ms,
      enabledEnergyWh: enabled.wh,
      disabledEnergyWh: disabled.wh,
      enabledAveragePowerW: enabledPowerW,
      disabledAveragePowerW: disabledPowerW,
      reduction,
      targetReduction: this.targetReduction,
      enoughData,
      targetMet: enoughData ? reduction >= this.targetReduction : undefined,
    };
  }

  /** Stops listening to the monitor's power windows (automatic switching then needs `evaluate()`). */
  dispose(): void {
    this.#detach();
  }

  /** Evaluates a provider's answer as it arrives; there is no caller to throw to, so a failure is logged. */
  #intensityArrived(intensityGPerKWh: number): void {
    try {
      this.#evaluate({ carbonIntensityGPerKWh: intensityGPerKWh }, false);
    } catch (error) {
      console.warn(
        `${OWNER}: switching on a new carbon intensity failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  #switch(
    enabled: boolean,
    reason: string | undefined,
    automatic: boolean,
    at: number | string,
  ): boolean {
    if (reason !== undefined && typeof reason !== 'string')
      throw new TypeError(`${OWNER}: \`reason\` must be a string, got ${typeof reason}.`);
    if (this.#enabled === enabled) return false;
    const nowMs = typeof at === 'number' ? at : clockReading(at, this.#clock.nowMs());
    this.#meter?.close(this.#enabled);
    this.#enabled = enabled;
    this.#reason = reason;
    this.#changedAtMs = nowMs;
    this.#notify({ enabled, settings: this.settings, reason, automatic, atMs: nowMs });
    return true;
  }

  #notify(change: LowPowerChange<ProfileSettings<Extra>>): void {
    let failure: { error: unknown } | undefined;
    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  }
}

function energyOption(energy: EnergyMonitor | undefined): EnergyMonitor | undefined {
  const monitor = optionalObject(OWNER, 'energy', energy);
  if (monitor !== undefined && typeof monitor.metrics !== 'function')
    throw new TypeError(`${OWNER}: \`energy\` must be an EnergyMonitor.`);
  return monitor;
}

function autoRule(
  auto: LowPowerAutoOptions | undefined,
  arrived: (intensityGPerKWh: number) => void,
): AutoRule | undefined {
  if (optionalObject(OWNER, 'auto', auto) === undefined) return undefined;
  const given = auto!;
  rejectUnknownKeys('LowPowerMode.auto', given, KNOWN_AUTO_OPTIONS);
  const maxPowerW =
    given.maxPowerW === undefined
      ? undefined
      : positiveNumber(OWNER, 'auto.maxPowerW', given.maxPowerW);
  const maxIntensity =
    given.maxCarbonIntensityGPerKWh === undefined
      ? undefined
      : positiveNumber(OWNER, 'auto.maxCarbonIntensityGPerKWh', given.maxCarbonIntensityGPerKWh);
  if (maxPowerW === undefined && maxIntensity === undefined)
    throw new TypeError(
      `${OWNER}: \`auto\` must set \`maxPowerW\` or \`maxCarbonIntensityGPerKWh\`.`,
    );
  return {
    intensity: autoIntensity(given, arrived),
    maxPowerW,
    maxCarbonIntensityGPerKWh: maxIntensity,
    minDwellMs: nonNegativeNumber(
      OWNER,
      'auto.minDwellMs',
      given.minDwellMs ?? DEFAULT_MIN_DWELL_MS,
    ),
    keepRatio:
      1 -
      numberInRange(
        OWNER,
        'auto.hysteresisRatio',
        given.hysteresisRatio ?? DEFAULT_AUTO_HYSTERESIS_RATIO,
        0,
        1,
      ),
  };
}

function autoIntensity(
  given: LowPowerAutoOptions,
  arrived: (intensityGPerKWh: number) => void,
): IntensityFeed | undefined {
  const refreshMs = nonNegativeNumber(
    OWNER,
    'auto.carbonIntensityRefreshMs',
    given.carbonIntensityRefreshMs ?? DEFAULT_CARBON_INTENSITY_REFRESH_MS,
  );
  if (given.carbonIntensityGPerKWh === undefined) return undefined;
  let warned = false;
  return new IntensityFeed(
    OWNER,
    'auto.carbonIntensityGPerKWh',
    given.carbonIntensityGPerKWh,
    refreshMs,
    {
      updated: (value) => arrived(value),
      failed: (message) => {
        if (!warned) console.warn(`${OWNER}: ${message}`);
        warned = true;
      },
    },
  );
}

/** `auto`'s own intensity (none while its provider has not answered yet), else the monitor's. */
function intensityNow(
  feed: IntensityFeed | undefined,
  energy: EnergyMonitor | undefined,
): number | undefined {
  if (feed === undefined) return energy?.carbonIntensityGPerKWh;
  return feed.received ? feed.latestGPerKWh : undefined;
}

function signalOption(name: string, value: number | undefined): number | undefined {
  return value === undefined ? undefined : nonNegativeNumber('LowPowerMode.evaluate', name, value);
}

interface Verdict {
  readonly over: boolean;
  readonly clear: boolean;
  readonly reason: string;
}

/** Over when any known signal exceeds its limit; clear when every known signal is at or under its hysteresis level. */
function judge(rule: AutoRule, powerW: number | undefined, intensity: number | undefined): Verdict {
  const signals = [
    { label: 'power', unit: 'W', value: powerW, limit: rule.maxPowerW },
    {
      label: 'carbon intensity',
      unit: 'gCO2e/kWh',
      value: intensity,
      limit: rule.maxCarbonIntensityGPerKWh,
    },
  ].filter(
    (signal): signal is { label: string; unit: string; value: number; limit: number } =>
      signal.value !== undefined && signal.limit !== undefined,
  );
  const over = signals.find((signal) => signal.value > signal.limit);
  if (over)
    return {
      over: true,
      clear: false,
      reason: `${over.label} ${over.value} ${over.unit} above ${over.limit} ${over.unit}`,
    };
  const clear =
    signals.length > 0 && signals.every((signal) => signal.value <= signal.limit * rule.keepRatio);
  const reason = signals
    .map(
      (signal) =>
        `${signal.label} ${signal.value} ${signal.unit} at or below ${signal.limit * rule.keepRatio} ${signal.unit}`,
    )
    .join(', ');
  return { over: false, clear, reason };
}
