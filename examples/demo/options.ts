/** The demo's command line: `--duration <s>`, `--connections <n>`, `--json`, `--help`. */
import { parseArgs } from 'node:util';
import {
  CONNECTIONS_RANGE,
  DEFAULT_CONNECTIONS,
  DEFAULT_DURATION_S,
  DURATION_RANGE_S,
} from './load-plan.js';

/** What the command line asked for. */
export interface DemoOptions {
  readonly durationS: number;
  readonly connections: number;
  /** Print the report as JSON on stdout, and nothing else there. */
  readonly json: boolean;
  readonly help: boolean;
}

/** The `--help` text. */
export const USAGE = `Usage: npm run demo -- [--duration <s>] [--connections <n>] [--json]

Starts the Express example service on a free 127.0.0.1 port, drives it with autocannon (ramp,
steady, spike, then equal phases of embedding load in normal and low-power mode) and prints what
greenslo measured. Exits 0 when every SLO passed, 1 otherwise.

  --duration <s>      length of the load, ${DURATION_RANGE_S[0]}..${DURATION_RANGE_S[1]} seconds (default ${DEFAULT_DURATION_S})
  --connections <n>   concurrent connections, ${CONNECTIONS_RANGE[0]}..${CONNECTIONS_RANGE[1]}: a third probe health and metrics,
                      the others are API clients with their own addresses (default ${DEFAULT_CONNECTIONS})
  --json              print the report as JSON on stdout (progress stays on stderr)
`;

function numberOption(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value))
    throw new TypeError(`--${name} must be a number, got ${JSON.stringify(text)}.`);
  return value;
}

/**
 * Parses the demo's arguments (ranges are checked by `planLoad`).
 *
 * @throws TypeError for an unknown option or a value that is not a number
 */
export function parseDemoOptions(args: readonly string[]): DemoOptions {
  const { values } = parseArgs({
    args: [...args],
    options: {
      duration: { type: 'string' },
      connections: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  return {
    durationS: numberOption('duration', values.duration, DEFAULT_DURATION_S),
    connections: numberOption('connections', values.connections, DEFAULT_CONNECTIONS),
    json: values.json,
    help: values.help,
  };
}
