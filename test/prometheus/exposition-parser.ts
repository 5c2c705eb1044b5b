/**
 * A small reader of the Prometheus text format 0.0.4 for the tests, written from the format's
 * description and independent of the code that writes it.
 */

export interface ParsedSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface ParsedExposition {
  /** `# TYPE` per family name, in order of appearance. */
  readonly types: ReadonlyMap<string, string>;
  /** `# HELP` per family name. */
  readonly helps: ReadonlyMap<string, string>;
  /** Every family name that had more than one `# TYPE` line. */
  readonly duplicateTypes: readonly string[];
  readonly samples: readonly ParsedSample[];
}

function unescapeLabel(text: string): string {
  return text.replace(/\\(.)/g, (_, char: string) => (char === 'n' ? '\n' : char));
}

function parseValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return Number.NaN;
  const value = Number(text);
  if (text.trim() === '' || Number.isNaN(value)) throw new Error(`not a sample value: ${text}`);
  return value;
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const pattern = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/y;
  let match: RegExpExecArray | null;
  while (pattern.lastIndex < text.length && (match = pattern.exec(text)) !== null)
    labels[match[1]!] = unescapeLabel(match[2]!);
  if (pattern.lastIndex !== text.length) throw new Error(`bad labels: {${text}}`);
  return labels;
}

function parseSample(line: string): ParsedSample {
  const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[^"}]|"(?:[^"\\]|\\.)*")*)\})? (\S+)$/.exec(
    line,
  );
  if (match === null) throw new Error(`bad sample line: ${JSON.stringify(line)}`);
  return {
    name: match[1]!,
    labels: match[2] === undefined ? {} : parseLabels(match[2]),
    value: parseValue(match[3]!),
  };
}

export function parseExposition(text: string): ParsedExposition {
  const types = new Map<string, string>();
  const helps = new Map<string, string>();
  const duplicateTypes: string[] = [];
  const samples: ParsedSample[] = [];
  if (text !== '' && !text.endsWith('\n')) throw new Error('the text must end with a newline');
  for (const line of text.split('\n').slice(0, -1)) {
    const comment = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (line.trim() === '') continue;
    if (comment?.[1] === 'TYPE') {
      if (types.has(comment[2]!)) duplicateTypes.push(comment[2]!);
      types.set(comment[2]!, comment[3]!);
    } else if (comment?.[1] === 'HELP') {
      helps.set(comment[2]!, comment[3]!);
    } else {
      samples.push(parseSample(line));
    }
  }
  return { types, helps, duplicateTypes, samples };
}

/** The samples named `name` whose labels include every label of `labels`. */
export function samplesOf(
  parsed: ParsedExposition,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): ParsedSample[] {
  return parsed.samples.filter(
    (sample) =>
      sample.name === name &&
      Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
}

/** The value of the one sample named `name` with these labels; throws when there is not exactly one. */
export function valueOf(
  parsed: ParsedExposition,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number {
  const found = samplesOf(parsed, name, labels);
  if (found.length !== 1)
    throw new Error(`expected one ${name}${JSON.stringify(labels)}, found ${found.length}`);
  return found[0]!.value;
}

/** The family a sample belongs to: its name without a histogram suffix when that family is a histogram. */
export function familyOf(parsed: ParsedExposition, sampleName: string): string | undefined {
  if (parsed.types.has(sampleName)) return sampleName;
  const base = sampleName.replace(/_(bucket|sum|count)$/, '');
  return parsed.types.get(base) === 'histogram' ? base : undefined;
}
