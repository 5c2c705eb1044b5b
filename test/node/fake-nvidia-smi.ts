/**
 * A stand-in `nvidia-smi` for machines without a GPU: a small Node.js script in a temporary folder
 * that answers the probe query and, in loop mode (`-lms N`), prints one CSV line per GPU every N ms
 * with a real timestamp, the energy counter `watts x ms since originMs` (mJ) and the power draw, as
 * the real program does with `--format=csv,noheader,nounits`. Every line it prints is also appended to
 * a log, so that tests compute the expected joules from the script's own output.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeGpu {
  readonly index: number;
  readonly name: string;
  readonly watts: number;
  /** `true` for a working energy counter, else the text printed in its place. */
  readonly counter: true | 'N/A' | 'Not Supported';
  /** `true` for a working power draw, else the text printed in its place. */
  readonly power: true | 'N/A' | 'Not Supported';
}

export interface FakeConfig {
  readonly gpus: readonly FakeGpu[];
  /** Print `No devices were found` and exit 6, as the real program does without a GPU. */
  readonly noDevices?: boolean;
  /** In the first run only, exit with code 3 after this many batches of lines. */
  readonly exitAfterBatches?: number;
  /** Exit with code 3 at once in every run of the loop. */
  readonly alwaysFail?: boolean;
  /** Stop printing (but stay alive) after this many batches. */
  readonly maxBatches?: number;
}

const SCRIPT = String.raw`
const fs = require('node:fs');
const path = require('node:path');
const config = JSON.parse(fs.readFileSync(path.join(__dirname, 'config.json'), 'utf8'));
const args = process.argv.slice(2);
const text = (value) => (value === 'N/A' ? '[N/A]' : '[Not Supported]');
if (config.noDevices) {
  console.log('No devices were found');
  process.exit(6);
}
const lmsAt = args.indexOf('-lms');
if (lmsAt < 0) {
  for (const gpu of config.gpus) {
    console.log([gpu.index, gpu.name, gpu.counter === true ? 123456 : text(gpu.counter), gpu.power === true ? gpu.watts.toFixed(2) : text(gpu.power)].join(', '));
  }
  process.exit(0);
}
const runsFile = path.join(__dirname, 'runs');
const run = fs.existsSync(runsFile) ? Number(fs.readFileSync(runsFile, 'utf8')) + 1 : 1;
fs.writeFileSync(runsFile, String(run));
if (config.alwaysFail) {
  process.stderr.write('simulated failure');
  process.exit(3);
}
const two = (n) => String(n).padStart(2, '0');
const stamp = (ms) => {
  const d = new Date(ms);
  return d.getUTCFullYear() + '/' + two(d.getUTCMonth() + 1) + '/' + two(d.getUTCDate()) + ' ' + two(d.getUTCHours()) + ':' + two(d.getUTCMinutes()) + ':' + two(d.getUTCSeconds()) + '.' + String(d.getUTCMilliseconds()).padStart(3, '0');
};
const lms = Number(args[lmsAt + 1]);
let batches = 0;
// Stay alive like the real loop, but never outlive the process that started it.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 200);
const tick = () => {
  const nowMs = Date.now();
  const lines = config.gpus.map((gpu) =>
    [stamp(nowMs), gpu.index, gpu.counter === true ? gpu.watts * (nowMs - config.originMs) : text(gpu.counter), gpu.power === true ? gpu.watts.toFixed(2) : text(gpu.power)].join(', '),
  );
  fs.appendFileSync(path.join(__dirname, 'lines.log'), lines.join('\n') + '\n');
  process.stdout.write(lines.join('\n') + '\n');
  batches++;
  if (run === 1 && config.exitAfterBatches !== undefined && batches >= config.exitAfterBatches) {
    process.stderr.write('simulated failure');
    process.exit(3);
  }
  if (config.maxBatches !== undefined && batches >= config.maxBatches) return;
  setTimeout(tick, lms);
};
tick();
`;

/** One logged line, parsed back. */
export interface LoggedLine {
  readonly atMs: number;
  readonly index: number;
  readonly counterMj: number | undefined;
  readonly watts: number | undefined;
}

export interface FakeNvidiaSmi {
  /** The folder to put first on PATH. */
  readonly dir: string;
  /** The script's full path. */
  readonly command: string;
  /** Lines printed so far in loop mode. */
  lines(): LoggedLine[];
  /** Times the loop was started. */
  runs(): number;
  remove(): void;
}

function parseLogged(line: string): LoggedLine {
  const [stamp, index, counter, watts] = line.split(', ');
  const [date, time] = stamp!.split(' ');
  const [year, month, day] = date!.split('/').map(Number);
  const [hms, ms] = time!.split('.');
  const [hour, minute, second] = hms!.split(':').map(Number);
  const number = (text: string) => (text.startsWith('[') ? undefined : Number(text));
  return {
    atMs: Date.UTC(year!, month! - 1, day, hour, minute, second, Number(ms)),
    index: Number(index),
    counterMj: number(counter!),
    watts: number(watts!),
  };
}

/** Writes the script, named `nvidia-smi`, and its configuration into a new temporary folder. */
export function fakeNvidiaSmi(config: FakeConfig): FakeNvidiaSmi {
  const dir = mkdtempSync(join(tmpdir(), 'greenslo-smi-'));
  const command = join(dir, 'nvidia-smi');
  writeFileSync(command, `#!${process.execPath}\n${SCRIPT}`);
  chmodSync(command, 0o755);
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, originMs: Date.now() }));
  const log = join(dir, 'lines.log');
  return {
    dir,
    command,
    lines: () =>
      existsSync(log)
        ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map(parseLogged)
        : [],
    runs: () =>
      existsSync(join(dir, 'runs')) ? Number(readFileSync(join(dir, 'runs'), 'utf8')) : 0,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Polls `done` every 10 ms until it holds, failing after `limitMs` of real time. */
export async function until(done: () => boolean, limitMs = 10_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Whether a process with this id still exists. */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
