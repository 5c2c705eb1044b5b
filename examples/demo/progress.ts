/**
 * The progress line on stderr while the load runs: rewritten in place on a terminal, one line per
 * phase otherwise (so that logs stay readable).
 */

/** What the progress line shows. */
export interface ProgressState {
  readonly phase: string;
  readonly lowPower: boolean;
  readonly elapsedS: number;
  readonly plannedS: number;
  readonly responses: number;
  readonly limited: number;
}

const integer = new Intl.NumberFormat('en-US');
const BAR_WIDTH = 20;

function line(state: ProgressState): string {
  const done = Math.min(BAR_WIDTH, Math.round((state.elapsedS / state.plannedS) * BAR_WIDTH));
  const bar = `${'#'.repeat(done)}${'.'.repeat(BAR_WIDTH - done)}`;
  const mode = state.lowPower ? 'low-power mode' : 'normal mode';
  return `[${bar}] ${state.elapsedS.toFixed(1).padStart(4)}/${state.plannedS.toFixed(0)} s  ${state.phase.padEnd(21)} ${integer.format(state.responses).padStart(7)} responses, ${integer.format(state.limited).padStart(6)} limited (429)  ${mode}`;
}

/** Writes progress to a stream; `update` as often as wanted, `finish` once at the end. */
export class ProgressLine {
  readonly #stream: NodeJS.WriteStream;
  readonly #interactive: boolean;
  #lastPhase = '';
  #width = 0;

  constructor(stream: NodeJS.WriteStream = process.stderr) {
    this.#stream = stream;
    this.#interactive = stream.isTTY === true;
  }

  update(state: ProgressState): void {
    const text = line(state);
    if (this.#interactive) {
      this.#stream.write(`\r${text.padEnd(this.#width)}`);
      this.#width = text.length;
      return;
    }
    if (state.phase === this.#lastPhase) return;
    this.#lastPhase = state.phase;
    this.#stream.write(`${text}\n`);
  }

  finish(): void {
    if (this.#interactive && this.#width > 0) this.#stream.write('\n');
  }
}
