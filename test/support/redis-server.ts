import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './ports.js';

/** A real redis-server on a loopback port, with no persistence, for one test file. */
export class RedisServer {
  readonly port: number;
  #process: ChildProcess | undefined;
  readonly #program: string;
  readonly #extraArgs: readonly string[];

  private constructor(program: string, port: number, extraArgs: readonly string[]) {
    this.#program = program;
    this.port = port;
    this.#extraArgs = extraArgs;
  }

  /**
   * Starts redis-server (`program` is its path) on a free port and waits until it accepts connections.
   * `extraArgs` are added to the command line, such as `['--enable-debug-command', 'local']` for
   * `DEBUG SLEEP`.
   */
  static async start(program: string, extraArgs: readonly string[] = []): Promise<RedisServer> {
    const server = new RedisServer(program, await freePort(), extraArgs);
    await server.restart();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.#process !== undefined;
  }

  /** Starts the server again on the same port (a restart flushes its script cache and data). */
  async restart(): Promise<void> {
    if (this.#process) return;
    const child = spawn(
      this.#program,
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--protected-mode',
        'yes',
        ...this.#extraArgs,
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.#process = child;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`redis-server did not start on port ${this.port} within 10 s`)),
        10_000,
      );
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${code}: ${output}`));
      });
    });
  }

  /** Stops the server and waits for the process to end. */
  async stop(): Promise<void> {
    const child = this.#process;
    if (!child) return;
    this.#process = undefined;
    if (child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}
