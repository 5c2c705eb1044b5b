/**
 * The demo's load generator, run in its own process (forked by the demo) so that the CPU time of
 * autocannon never counts as the service's energy and never delays the service's event loop.
 * It runs one phase per `run` message, reports progress while it runs, and its result at the end.
 */
import autocannon from 'autocannon';
import { sendingSeconds, type ClientLoad, type LoadPhase } from './load-plan.js';

/** What the demo asks of the load generator. */
export type GeneratorCommand =
  | { readonly type: 'run'; readonly baseUrl: string; readonly phase: LoadPhase }
  | { readonly type: 'exit' };

/** A 429 response as a client saw it. */
export interface Sample429 {
  readonly path: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** What a phase looked like from the clients' side. */
export interface PhaseOutcome {
  readonly name: string;
  /** Responses per status code. */
  readonly statusCounts: Readonly<Record<string, number>>;
  /** Responses received. */
  readonly responses: number;
  /** Connection errors and timeouts. */
  readonly errors: number;
  readonly durationS: number;
  readonly sample429: Sample429 | undefined;
}

/** What the load generator tells the demo. */
export type GeneratorMessage =
  | { readonly type: 'progress'; readonly responses: number; readonly limited: number }
  | { readonly type: 'done'; readonly outcome: PhaseOutcome }
  | { readonly type: 'failed'; readonly message: string };

const PROGRESS_INTERVAL_MS = 250;
const PROBES: autocannon.Request[] = ['/health', '/health/ready', '/health/live', '/metrics'].map(
  (path) => ({ method: 'GET', path }),
);
const INPUTS = [
  'a photo of a red bicycle',
  'caption: two cats on a sofa',
  'diagram of a heat pump',
  'audio: rain on a tin roof',
];

function embedRequest(input: string, capture: (sample: Sample429) => void): autocannon.Request {
  return {
    method: 'POST',
    path: '/embed/multimodal',
    body: JSON.stringify({ input }),
    onResponse: (status, body, _context, headers) => {
      if (status === 429)
        capture({
          path: '/embed/multimodal',
          status,
          headers: stringHeaders(headers ?? {}),
          body: parseBody(body),
        });
    },
  };
}

function clientRequests(
  client: ClientLoad,
  capture: (sample: Sample429) => void,
): autocannon.Request[] {
  const embeds = INPUTS.map((input) => embedRequest(input, capture));
  if (client.mix === 'embed') return embeds;
  const [first, second, third, fourth] = embeds as [
    autocannon.Request,
    autocannon.Request,
    autocannon.Request,
    autocannon.Request,
  ];
  const agent = (path: string, field: string, text: string): autocannon.Request => ({
    method: 'POST',
    path,
    body: JSON.stringify({ [field]: text }),
  });
  // Four embeddings, one plan, one reflection per round: every limit is reached, the embedding one first.
  return [
    first,
    second,
    agent('/agents/plan', 'goal', 'book a train to Lyon'),
    third,
    agent('/agents/reflect', 'output', 'the train leaves at 9'),
    fourth,
  ];
}

function stringHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined) result[name] = Array.isArray(value) ? value.join(', ') : value;
  return result;
}

function parseBody(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}

interface Running {
  readonly instance: autocannon.Instance;
  readonly done: Promise<autocannon.Result>;
}

function start(options: autocannon.Options): Running {
  let instance: autocannon.Instance | undefined;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(options, (error: unknown, result: autocannon.Result) =>
      error
        ? reject(error instanceof Error ? error : new Error('autocannon failed'))
        : resolve(result),
    );
  });
  return { instance: instance!, done };
}

function startAll(
  baseUrl: string,
  phase: LoadPhase,
  capture: (sample: Sample429) => void,
): Running[] {
  // autocannon stops only on a sample: sample every 100 ms, so that it stops on time.
  const common = { url: baseUrl, duration: sendingSeconds(phase), timeout: 5, sampleInt: 100 };
  const probes = start({
    ...common,
    connections: phase.probeConnections,
    overallRate: phase.probeRatePerSecond,
    requests: PROBES,
  });
  const clients = phase.clients.map((client) =>
    start({
      ...common,
      connections: 1,
      connectionRate: client.ratePerSecond,
      headers: { 'content-type': 'application/json', 'x-forwarded-for': client.address },
      requests: clientRequests(client, capture),
    }),
  );
  return [probes, ...clients];
}

function addCounts(into: Record<string, number>, result: autocannon.Result): void {
  for (const [status, { count = 0 }] of Object.entries(result.statusCodeStats ?? {}))
    into[status] = (into[status] ?? 0) + count;
}

/** Runs one phase: every instance at once, until its duration is over. */
export async function runPhase(
  baseUrl: string,
  phase: LoadPhase,
  report: (message: GeneratorMessage) => void,
): Promise<PhaseOutcome> {
  let sample429: Sample429 | undefined;
  let responses = 0;
  let limited = 0;
  const startedMs = performance.now();
  const running = startAll(baseUrl, phase, (sample) => (sample429 ??= sample));
  for (const { instance } of running) {
    instance.on('response', (_client, statusCode) => {
      responses++;
      if (statusCode === 429) limited++;
    });
  }
  const ticker = setInterval(
    () => report({ type: 'progress', responses, limited }),
    PROGRESS_INTERVAL_MS,
  );
  try {
    const results = await Promise.all(running.map(({ done }) => done));
    const statusCounts: Record<string, number> = {};
    for (const result of results) addCounts(statusCounts, result);
    const errors = results.reduce((sum, result) => sum + result.errors, 0);
    const answered = Object.values(statusCounts).reduce((sum, count) => sum + count, 0);
    return {
      name: phase.name,
      statusCounts,
      responses: answered,
      errors,
      durationS: (performance.now() - startedMs) / 1000,
      sample429,
    };
  } finally {
    clearInterval(ticker);
  }
}

function send(message: GeneratorMessage): void {
  process.send?.(message);
}

function onCommand(command: GeneratorCommand): void {
  if (command.type === 'exit') return process.exit(0);
  runPhase(command.baseUrl, command.phase, send).then(
    (outcome) => send({ type: 'done', outcome }),
    (error: unknown) =>
      send({ type: 'failed', message: error instanceof Error ? error.message : String(error) }),
  );
}

if (process.send !== undefined) {
  process.on('message', (command: GeneratorCommand) => onCommand(command));
  // The demo is gone (it crashed or was stopped): stop too.
  process.on('disconnect', () => process.exit(0));
}
