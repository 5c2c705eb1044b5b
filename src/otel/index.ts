/**
 * OpenTelemetry metrics: greenslo's SLO, rate-limit, energy and low-power figures as observable
 * instruments of a `Meter` from `@opentelemetry/api` (an optional peer, reached through types only).
 *
 * @packageDocumentation
 * @module greenslo/otel
 */
export {
  registerOpenTelemetry,
  type OpenTelemetryRegistration,
  type OpenTelemetrySources,
} from './register-open-telemetry.js';
export type {
  OtelAttributes,
  OtelBatchObservableCallback,
  OtelBatchObservableResult,
  OtelInstrumentOptions,
  OtelMeter,
  OtelObservable,
} from './meter.js';
