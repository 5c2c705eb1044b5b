/**
 * One long-lived `nvidia-smi` child in loop mode, restarted with back-off when it dies.
 *
 * Internal module: its names are not part of the public API unless an entry exports them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { GreensloError } from '../core/errors.js';

/** What the loop needs to know and whom it tells. */
export interface SmiLoopSettings {
  readonly command: string;
  readonly args: readonly string[];
  readonly restartDelayMs: number;
  readonly maxRestartDelayMs: number;
  /** Each complete line of standard output, with the number of restarts before the child that printed it. */
  readonly onLine: (line: string, run: number) => void;
  readonly onError: (error: GreensloError) => void;
}

const STDERR_KEPT_CHARS = 2000;
const KILL_GRACE_MS = 2000;

/** Runs `nvidia-smi` in loop mode until {@link SmiLoop.close}; a child that dies is restarted. */
export class SmiLoop {
  readonly #settings: SmiLoopSettings;
  #child: ChildProcess | undefined;
  #timer: NodeJS.Timeout | undefined;
  #failures = 0;
  #closed = false;
  /** Times the child was started again after it died. */
  restarts = 0;

  constructor(settings: SmiLoopSettings) {
    this.#settings = settings;
    this.#start();
  }

  /** The running child's process id, if one runs. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Stops the child (SIGTERM, then SIGKILL after 2 s) and any pending restart; resolves once it exited. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    const child = this.#child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
    child.kill('SIGTERM');
    const force = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    await exited;
    clearTimeout(force);
  }

  #start(): void {
    const { command, args } = this.#settings;
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    const run = this.restarts;
    let stderr = '';
    let pending = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop()!;
      for (const line of lines) this.#line(line, run);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_KEPT_CHARS);
    });
    let gone = false;
    const end = (why: string) => {
      if (gone) return;
      gone = true;
      this.#ended(child, why, stderr);
    };
    child.on('error', (error) => end(`could not run ${command}: ${error.message}`));
    child.on('close', (code, signal) =>
      end(`${command} exited ${signal === null ? `with code ${String(code)}` : `on ${signal}`}`),
    );
    // The child must not keep the process alive: `close()` is for a clean stop, not a requirement.
    child.unref();
    for (const stream of [child.stdout, child.stderr])
      (stream as { unref?: () => void } | null)?.unref?.();
  }

  #line(line: string, run: number): void {
    if (line.trim() === '') return;
    this.#failures = 0;
    this.#settings.onLine(line, run);
  }

  #ended(child: ChildProcess, why: string, stderr: string): void {
    if (this.#child === child) this.#child = undefined;
    if (this.#closed) return;
    const delayMs = Math.min(
      this.#settings.maxRestartDelayMs,
      this.#settings.restartDelayMs * 2 ** this.#failures,
    );
    this.#failures = Math.min(this.#failures + 1, 30);
    const detail = stderr.trim() === '' ? '' : `: ${stderr.trim()}`;
    this.#settings.onError(
      new GreensloError(
        'gpu_monitor_exited',
        `nvidiaGpuPowerSource: ${why}${detail}; restarting in ${delayMs} ms.`,
      ),
    );
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#closed) return;
      this.restarts++;
      this.#start();
    }, delayMs);
    this.#timer.unref();
  }
}
