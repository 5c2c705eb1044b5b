/**
 * A local HTTP server on 127.0.0.1 standing in for a carbon intensity API: each test sets how it
 * answers a path (status, body, delay) and reads the requests it received.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Answer {
  readonly status?: number;
  /** A value to send as JSON, or a string sent as it is. */
  readonly body: unknown;
  readonly delayMs?: number;
}

export interface ReceivedRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
}

export interface ApiServer {
  readonly baseUrl: string;
  readonly requests: ReceivedRequest[];
  /** Sets how the server answers `path` (without the query); a function sees each request in turn. */
  answer(path: string, answer: Answer | ((request: ReceivedRequest) => Answer)): void;
  close(): Promise<void>;
}

export async function startApiServer(): Promise<ApiServer> {
  const answers = new Map<string, Answer | ((request: ReceivedRequest) => Answer)>();
  const requests: ReceivedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    const received = { path: req.url ?? '', headers: req.headers };
    requests.push(received);
    const configured = answers.get(received.path.replace(/\?.*$/, ''));
    const answer =
      typeof configured === 'function'
        ? configured(received)
        : (configured ?? { status: 404, body: { error: 'not found' } });
    const send = () => {
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' });
      res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
    };
    if (answer.delayMs === undefined) return send();
    const timer = setTimeout(() => (timers.delete(timer), send()), answer.delayMs);
    timers.add(timer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    answer: (path, answer) => void answers.set(path, answer),
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
