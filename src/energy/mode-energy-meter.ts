import type { EnergyMonitor } from './energy-monitor.js';

/** A reading of the monitor's session totals. */
interface Reading {
  readonly startedAtMs: number | undefined;
  readonly durationMs: number;
  readonly energyWh: number;
}

/** Time and energy accumulated in one mode. */
export interface ModeTotals {
  readonly ms: number;
  readonly wh: number;
}

/**
 * Splits an `EnergyMonitor`'s measured time and energy between the two modes of a `LowPowerMode`,
 * from the monitor's totals read at each switch. A new tracking session counts from its own start.
 *
 * @internal
 */
export class ModeEnergyMeter {
  readonly #monitor: EnergyMonitor;
  #origin: Reading;
  #enabled: ModeTotals = { ms: 0, wh: 0 };
  #disabled: ModeTotals = { ms: 0, wh: 0 };

  constructor(monitor: EnergyMonitor) {
    this.#monitor = monitor;
    this.#origin = this.#read();
  }

  /** Closes the running segment into the totals of the mode it ran in. */
  close(ranEnabled: boolean): void {
    const now = this.#read();
    const segment = difference(this.#origin, now);
    if (ranEnabled) this.#enabled = add(this.#enabled, segment);
    else this.#disabled = add(this.#disabled, segment);
    this.#origin = now;
  }

  /** Totals per mode, the running segment included. */
  totals(runningEnabled: boolean): { enabled: ModeTotals; disabled: ModeTotals } {
    const segment = difference(this.#origin, this.#read());
    return runningEnabled
      ? { enabled: add(this.#enabled, segment), disabled: this.#disabled }
      : { enabled: this.#enabled, disabled: add(this.#disabled, segment) };
  }

  #read(): Reading {
    const metrics = this.#monitor.metrics();
    return {
      startedAtMs: metrics.startedAtMs,
      durationMs: metrics.durationMs,
      energyWh: metrics.totalEnergyWh,
    };
  }
}

function difference(from: Reading, to: Reading): ModeTotals {
  if (from.startedAtMs !== to.startedAtMs) return { ms: to.durationMs, wh: to.energyWh };
  return { ms: to.durationMs - from.durationMs, wh: to.energyWh - from.energyWh };
}

function add(a: ModeTotals, b: ModeTotals): ModeTotals {
  return { ms: a.ms + b.ms, wh: a.wh + b.wh };
}
