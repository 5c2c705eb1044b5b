/**
 * The few parts of an OpenTelemetry `Meter` that greenslo uses, as structural types: a `Meter` from
 * `@opentelemetry/api` fits them, and greenslo imports nothing from it at run time.
 */

/** Attributes of one observation: names and string values. */
export type OtelAttributes = Readonly<Record<string, string>>;

/** Name-level options of an instrument. */
export interface OtelInstrumentOptions {
  /** What the instrument measures, in a sentence. */
  readonly description?: string;
  /** UCUM unit of the values: `s`, `J`, `W`, `g`, `1`, `{request}`. */
  readonly unit?: string;
}

/** An observable instrument, as a `Meter` creates it; greenslo only passes it back to the meter. */
export type OtelObservable = object;

/** What a batch callback records into. */
export interface OtelBatchObservableResult {
  /** Records one value of `observable` for the given attributes. */
  observe(observable: OtelObservable, value: number, attributes?: OtelAttributes): void;
}

/** The callback of {@link OtelMeter.addBatchObservableCallback}. */
export type OtelBatchObservableCallback = (
  observableResult: OtelBatchObservableResult,
) => void | Promise<void>;

/** The methods of an OpenTelemetry `Meter` that {@link registerOpenTelemetry} calls. */
export interface OtelMeter {
  /** Creates an instrument whose value is read at each collection (a level: power, a ratio). */
  createObservableGauge(name: string, options?: OtelInstrumentOptions): OtelObservable;
  /** Creates an instrument whose monotonic total is read at each collection (requests, joules). */
  createObservableCounter(name: string, options?: OtelInstrumentOptions): OtelObservable;
  /** Registers one callback that observes all of `observables` at each collection. */
  addBatchObservableCallback(
    callback: OtelBatchObservableCallback,
    observables: OtelObservable[],
  ): void;
  /** Removes a callback registered with the same `observables`. */
  removeBatchObservableCallback(
    callback: OtelBatchObservableCallback,
    observables: OtelObservable[],
  ): void;
}

const METER_METHODS = [
  'createObservableGauge',
  'createObservableCounter',
  'addBatchObservableCallback',
  'removeBatchObservableCallback',
] as const;

/** Whether `value` has every method of {@link OtelMeter}. */
export function isOtelMeter(value: unknown): value is OtelMeter {
  if (typeof value !== 'object' || value === null) return false;
  return METER_METHODS.every(
    (method) => typeof (value as Record<string, unknown>)[method] === 'function',
  );
}
