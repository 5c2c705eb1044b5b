/**
 * Metric families as plain data: what the exposition text and the prom-client collectors are both
 * written from, so that the two always carry the same names, labels and values.
 *
 * Internal module: its names are not part of the public API unless an entry exports them.
 */

/** Label names and raw (unescaped) values of one sample. */
export type Labels = Readonly<Record<string, string>>;

/** The types the text format 0.0.4 knows and greenslo writes. */
export type MetricType = 'counter' | 'gauge' | 'histogram';

/**
 * One line of a family: `<name><suffix>{labels,extra} value`. Label objects are shared between
 * samples (one per endpoint, one per `le` bound...), so that a render allocates little and formats
 * each label set once.
 */
export interface MetricSample {
  /** Appended to the family name: `_bucket`, `_sum` or `_count` for histograms, else empty. */
  readonly suffix: '' | '_bucket' | '_sum' | '_count';
  readonly labels: Labels;
  /** Further labels written after `labels` (such as `le`), or undefined. */
  readonly extra: Labels | undefined;
  readonly value: number;
}

/** Every sample of one metric name, with its help text and type. */
export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly samples: MetricSample[];
}

const NO_LABELS: Labels = Object.freeze({});

/** A family with no samples yet. */
export function family(name: string, type: MetricType, help: string): MetricFamily {
  return { name, help, type, samples: [] };
}

/** Adds a sample without suffix. */
export function addSample(
  target: MetricFamily,
  value: number,
  labels: Labels = NO_LABELS,
  extra?: Labels,
): void {
  target.samples.push({ suffix: '', labels, extra, value });
}

/** The labels of a sample, `extra` after `labels`, as one new object. */
export function allLabels(sample: MetricSample): Labels {
  return sample.extra === undefined ? sample.labels : { ...sample.labels, ...sample.extra };
}

/** `1` for true, `0` for false, as Prometheus writes states. */
export function flag(value: boolean): number {
  return value ? 1 : 0;
}
