/**
 * greenslo's metrics on a prom-client registry, beside the application's own. prom-client is an
 * optional peer: nothing here imports it; the registry the user passes is used through the two
 * methods it needs.
 */
import { allLabels, type MetricFamily, type MetricType } from './metric-family.js';
import { optionsObject } from '../core/validate.js';
import {
  collectFamilies,
  EXPOSITION_KEYS,
  planExposition,
  SOURCE_HINTS,
  SOURCE_KEYS,
  type PrometheusExpositionOptions,
  type PrometheusSources,
} from './sources.js';

/**
 * The part of a prom-client `Registry` that {@link collectInto} uses (prom-client 14 and 15 have it;
 * the default `register` too).
 */
export interface PromClientRegistry {
  /** Adds a metric; throws when another metric already has its name. */
  registerMetric(metric: unknown): void;
  /** Removes the metric of that name. */
  removeSingleMetric(name: string): void;
}

/** One sample as prom-client's registry reads it from a metric's `get()`. */
interface PromClientValue {
  readonly value: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly metricName?: string;
}

/** What prom-client's registry reads from a registered metric. */
interface PromClientMetric {
  /** Mutable: prom-client strips `_total` from counter names when it writes OpenMetrics. */
  name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly aggregator: 'sum' | 'omit';
  get(): Promise<{
    name: string;
    help: string;
    type: MetricType;
    aggregator: 'sum' | 'omit';
    values: PromClientValue[];
  }>;
  reset(): void;
}

function valuesOf(family: MetricFamily): PromClientValue[] {
  // Counters keep prom-client's own naming (it appends `_total` itself for OpenMetrics).
  if (family.type !== 'histogram')
    return family.samples.map((sample) => ({ value: sample.value, labels: allLabels(sample) }));
  return family.samples.map((sample) => ({
    value: sample.value,
    labels: allLabels(sample),
    metricName: `${family.name}${sample.suffix}`,
  }));
}

function metricOf(
  shape: MetricFamily,
  familyNamed: (name: string) => MetricFamily | undefined,
): PromClientMetric {
  const aggregator = shape.type === 'gauge' ? 'omit' : 'sum';
  const metric: PromClientMetric = {
    name: shape.name,
    help: shape.help,
    type: shape.type,
    aggregator,
    get: () => {
      const current = familyNamed(shape.name);
      return Promise.resolve({
        name: metric.name,
        help: shape.help,
        type: shape.type,
        aggregator,
        values: current === undefined ? [] : valuesOf(current),
      });
    },
    reset: () => {},
  };
  return metric;
}

/**
 * Registers greenslo's metrics on an existing prom-client registry, so that they appear beside the
 * application's own on one `/metrics`. The names, labels and values are those of
 * `renderPrometheus` for the same sources and options.
 *
 * The figures are read when the registry is scraped: once per scrape for every family together (the
 * first family read collects them all; the rest of that scrape reuses them). `registry.resetMetrics()`
 * leaves them alone: the sources own their counts. In a cluster (`AggregatorRegistry`), counters and
 * histograms are summed across workers and gauges are left out, since percentiles and burn rates of
 * separate workers cannot be combined; compute them from the summed histogram instead.
 *
 * @param registry - a prom-client `Registry`, for example `register` or `new Registry()`
 * @param sources - the tracker, energy monitor, rate limiter and low-power mode to expose
 * @param options - `prefix` and `maxEndpoints`, as for `renderPrometheus`
 * @returns a function that removes greenslo's metrics from the registry again
 * @throws TypeError when a key of `sources` or `options` is unknown (`limiter` included: the source
 *   is `limits`), a source lacks the methods read from it or `prefix` is invalid
 * @throws RangeError when `maxEndpoints` is not an integer >= 0
 * @throws Error (from prom-client) when the registry already holds a metric of one of the names;
 *   nothing stays registered then
 *
 * @example
 * ```ts
 * import { collectDefaultMetrics, register } from 'prom-client';
 * import { collectInto } from 'greenslo/prometheus';
 *
 * collectDefaultMetrics();
 * collectInto(register, { slo, energy, limits });
 * app.get('/metrics', async (_request, response) => {
 *   response.type(register.contentType).send(await register.metrics());
 * });
 * ```
 */
export function collectInto(
  registry: PromClientRegistry,
  sources: PrometheusSources,
  options: PrometheusExpositionOptions = {},
): () => void {
  const owner = 'collectInto';
  if (
    typeof registry !== 'object' ||
    registry === null ||
    typeof registry.registerMetric !== 'function' ||
    typeof registry.removeSingleMetric !== 'function'
  ) {
    throw new TypeError(
      `${owner}: \`registry\` must be a prom-client Registry (with registerMetric() and removeSingleMetric()), got ${registry === null ? 'null' : typeof registry}.`,
    );
  }
  optionsObject(owner, sources, SOURCE_KEYS, SOURCE_HINTS);
  optionsObject(owner, options, EXPOSITION_KEYS);
  const plan = planExposition(owner, sources, options);
  let scrape: Map<string, MetricFamily> | undefined;
  const familyNamed = (name: string): MetricFamily | undefined => {
    if (scrape === undefined) {
      scrape = new Map(collectFamilies(plan).map((family) => [family.name, family]));
      // prom-client asks every metric in the same synchronous turn: one collection serves them all.
      queueMicrotask(() => (scrape = undefined));
    }
    return scrape.get(name);
  };
  const registered: string[] = [];
  const unregister = (): void => registered.forEach((name) => registry.removeSingleMetric(name));
  try {
    for (const shape of collectFamilies(plan)) {
      registry.registerMetric(metricOf(shape, familyNamed));
      registered.push(shape.name);
    }
  } catch (error) {
    unregister();
    throw error;
  }
  return unregister;
}
