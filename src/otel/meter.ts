/**
 * The few parts of an OpenTelemetry `Meter` that greenslo uses, as structural types: a `Meter` from
 * `@opentelemetry/api` fits them, and greenslo imports nothing from it at run time.
 */

/** Attributes of one observation: names and string values. */
export type OtelAttributes = Readonly<Record<string, string>>;

/** Name-level options of an instrument. */
export interface OtelInstrumentOptions {
  readonly description?: string;
  readonly unit?: string;
}

/** An observable instrument, as a `Meter` creates it; greenslo only passes it back to the meter. */
export type OtelObservable = object;

/** What a batch callback records into. */
export interface OtelBatchObservableResult {
  observe(observable: OtelObservable, value: number, attributes?: OtelAttributes): void;
}

/** The callback of {@link OtelMeter.addBatchObservableCallback}. */
export type OtelBatchObservableCallback = (observableResult: OtelBatchObservableResult) => void | Promise<void>;

/** The methods of an OpenTelemetry `Meter` that {@link registerOpenTelemetry} calls. */
export interface OtelMeter {
  createObservableGauge(name: string, options?: OtelInstrumentOptions): OtelObservable;
  createObservableCounter(name: string, options?: OtelInstrumentOptions): OtelObservable;
  addBatchObservableCallback(callback: OtelBatchObservableCallback, observables: OtelObservable[]): void;
  removeBatchObservableCallback(callback: OtelBatchObservableCallback, observables: OtelObservable[]): void;
}

const METER_METHODS = ['createObservableGauge', 'createObservableCounter', 'addBatchObservableCallback', 'removeBatchObservableCallback'] as const;

/** Whether `value` has every method of {@link OtelMeter}. */
export function isOtelMeter(value: unknown): value is OtelMeter {
  if (typeof value !== 'object' || value === null) return false;
  return METER_METHODS.every((method) => typeof (value as Record<string, unknown>)[method] === 'function');
}
