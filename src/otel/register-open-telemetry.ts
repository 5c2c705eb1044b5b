/**
 * greenslo's figures as OpenTelemetry observable instruments, read from the same metric families as
 * the Prometheus exposition, so that both always report the same values.
 */
import { describeValue, optionsObject } from '../core/validate.js';
import { allLabels, type MetricFamily, type MetricSample } from '../prometheus/metric-family.js';
import {
  collectFamilies,
  planExposition,
  SOURCE_HINTS,
  type ExpositionPlan,
  type PrometheusSources,
} from '../prometheus/sources.js';
import { attributeName, instrumentName } from './instrument-names.js';
import {
  isOtelMeter,
  type OtelAttributes,
  type OtelBatchObservableCallback,
  type OtelBatchObservableResult,
  type OtelMeter,
  type OtelObservable,
} from './meter.js';

const OWNER = 'registerOpenTelemetry';

/** The objects whose figures are observed; each is optional, as for `renderPrometheus`. */
export type OpenTelemetrySources = Pick<
  PrometheusSources,
  'slo' | 'limits' | 'energy' | 'lowPower'
>;

const SOURCE_KEYS = ['slo', 'limits', 'energy', 'lowPower'] as const;

/** What {@link registerOpenTelemetry} returns. */
export interface OpenTelemetryRegistration {
  /** Removes greenslo's callback from the meter: no greenslo value is observed afterwards. Idempotent. */
  unregister(): void;
}

/** One instrument per family, and how its samples are observed. */
interface Instrument {
  readonly observable: OtelObservable;
  /** Histograms report their `_sum` only (OpenTelemetry has no observable histogram). */
  readonly suffix: MetricSample['suffix'];
}

function createInstrument(meter: OtelMeter, family: MetricFamily): Instrument {
  const { name, unit } = instrumentName(family.name);
  const options = { description: family.help, unit };
  const observable =
    family.type === 'gauge'
      ? meter.createObservableGauge(name, options)
      : meter.createObservableCounter(name, options);
  return { observable, suffix: family.type === 'histogram' ? '_sum' : '' };
}

function attributesOf(sample: MetricSample): OtelAttributes {
  const attributes: Record<string, string> = {};
  const labels = allLabels(sample);
  for (const label in labels) attributes[attributeName(label)] = labels[label]!;
  return attributes;
}

function observeFamilies(
  result: OtelBatchObservableResult,
  families: readonly MetricFamily[],
  instruments: ReadonlyMap<string, Instrument>,
): void {
  for (const family of families) {
    const instrument = instruments.get(family.name);
    if (instrument === undefined) continue;
    for (const sample of family.samples) {
      if (sample.suffix === instrument.suffix)
        result.observe(instrument.observable, sample.value, attributesOf(sample));
    }
  }
}

function checkMeter(meter: unknown): OtelMeter {
  if (isOtelMeter(meter)) return meter;
  throw new TypeError(
    `${OWNER}: \`meter\` must be an OpenTelemetry Meter (with createObservableGauge, createObservableCounter and addBatchObservableCallback), got ${describeValue(meter)}.`,
  );
}

/** A callback that observes every family, and warns once (not on every collection) when reading fails. */
function batchCallback(
  plan: ExpositionPlan,
  instruments: ReadonlyMap<string, Instrument>,
): OtelBatchObservableCallback {
  let warned = false;
  return (result) => {
    let families: MetricFamily[];
    try {
      families = collectFamilies(plan);
    } catch (error) {
      if (!warned)
        console.warn(
          `greenslo: ${OWNER} could not read its sources; this collection has no greenslo values (further failures are not shown).`,
          error,
        );
      warned = true;
      return;
    }
    observeFamilies(result, families, instruments);
  };
}

/**
 * Reports the figures of an SLO tracker, a rate limiter, an energy monitor and a low-power mode
 * through an OpenTelemetry meter, as observable instruments read in one batch callback at each
 * collection. The values are those `renderPrometheus` writes for the same state; names follow the
 * OpenTelemetry conventions (`greenslo.requests`, `greenslo.slo.error_budget.remaining`,
 * `greenslo.energy` in `J`, `greenslo.power` in `W`, `greenslo.emissions` in `g`), the endpoint is
 * the `http.route` attribute and other labels are `greenslo.*` attributes (`greenslo.rule`,
 * `greenslo.outcome`, `greenslo.percentile`, `greenslo.slo`, `greenslo.window`). The latency
 * histogram is reported as its sum only (`greenslo.request.duration.sum`, in `s`): OpenTelemetry has
 * no observable histogram, and HTTP instrumentation already records `http.server.request.duration`.
 *
 * `@opentelemetry/api` is an optional peer: greenslo only calls the meter it is given.
 *
 * @param meter - an OpenTelemetry `Meter`, such as `metrics.getMeter('my-service')`
 * @param sources - the objects to observe: `slo`, `limits`, `energy` and `lowPower`, each optional
 * @returns a registration whose `unregister()` removes the callback
 * @throws TypeError when `meter` is not a meter, `sources` has an unknown key (the old name `limiter`
 *   included: it is `limits`) or a source lacks the methods read from it
 * @example
 * ```ts
 * import { metrics } from '@opentelemetry/api';
 * import { EndpointRateLimiter, SLOTracker } from 'greenslo';
 * import { registerOpenTelemetry } from 'greenslo/otel';
 *
 * const slo = new SLOTracker();
 * const limits = new EndpointRateLimiter();
 * const registration = registerOpenTelemetry(metrics.getMeter('checkout'), { slo, limits });
 * // at shutdown:
 * registration.unregister();
 * ```
 */
export function registerOpenTelemetry(
  meter: OtelMeter,
  sources: OpenTelemetrySources = {},
): OpenTelemetryRegistration {
  const checkedMeter = checkMeter(meter);
  optionsObject(OWNER, sources, SOURCE_KEYS, SOURCE_HINTS);
  const plan = planExposition(OWNER, sources, {});
  const instruments = new Map<string, Instrument>();
  for (const family of collectFamilies(plan))
    instruments.set(family.name, createInstrument(checkedMeter, family));
  const observables = [...instruments.values()].map((instrument) => instrument.observable);
  const callback = batchCallback(plan, instruments);
  checkedMeter.addBatchObservableCallback(callback, observables);
  let registered = true;
  return {
    unregister() {
      if (!registered) return;
      registered = false;
      checkedMeter.removeBatchObservableCallback(callback, observables);
    },
  };
}
