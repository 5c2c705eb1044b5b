/**
 * The arithmetic of per-request energy attribution, in joules and milliseconds, with O(1) work per
 * request.
 *
 * Time is cut into sampled intervals, from one reading of the power source to the next. Within an
 * interval, power is taken as constant (the interval's energy / its duration), and at every instant
 * it is split evenly among the requests in flight; while none is in flight it is unattributed.
 *
 * Two running integrals make each request O(1):
 * - `shareMs`, the "share-time" integral of `1 / inFlight` over busy time: a request's share of an
 *   interval is the growth of `shareMs` while it was in flight;
 * - `perRequestJ`, the energy one request in flight since the start would have received: it grows
 *   by `rate x share-time` and is settled at each sample.
 *
 * A request that ends between two samples gets its share up to the last sample exactly, plus its
 * share since then estimated at the previous interval's rate (`estimateRateJPerMs`). When the next
 * sample settles that interval, every share-time (ended, still in flight, idle) is charged at the
 * interval's true rate; what the ended requests were charged too much or too little goes into
 * `correctionJ`. Hence, at every sample:
 * `attributedJ + unattributedJ = totalJ` and `completedJ + inFlight shares + correctionJ = attributedJ`.
 *
 * Internal module: its names are not part of the public API unless an entry exports them.
 */

/** One sampled interval, from one reading of the power source to the next. */
export class LedgerInterval {
  // Fields set in the constructor are `declare`d, so that bundles carry no field declarations.
  declare readonly startMs: number;
  declare readonly startShareMs: number;
  declare readonly startPerRequestJ: number;
  /** Time without any request in flight, in ms. */
  idleMs = 0;
  /** Share-time, in ms, that requests which ended within this interval held in it. */
  endedShareMs = 0;
  /** The interval's energy rate in joules per ms, once settled; NaN while it is open. */
  rateJPerMs = Number.NaN;

  constructor(startMs: number, startShareMs: number, startPerRequestJ: number) {
    this.startMs = startMs;
    this.startShareMs = startShareMs;
    this.startPerRequestJ = startPerRequestJ;
  }
}

/** Per-request attribution over one tracking session. */
export class AttributionLedger {
  // Fields set in the constructor are `declare`d, so that bundles carry no field declarations.
  /** Latest time seen, in epoch ms; time never runs backwards here. */
  declare lastMs: number;
  declare interval: LedgerInterval;
  inFlight = 0;
  shareMs = 0;
  /** Rate used for the part of a request since the last sample: the last settled interval's rate. */
  estimateRateJPerMs = 0;
  /** Whether an interval of non-zero length has been settled, so that `estimateRateJPerMs` is measured. */
  rateKnown = false;
  totalJ = 0;
  attributedJ = 0;
  unattributedJ = 0;
  /** Sum of the energies returned to ended requests. */
  completedJ = 0;
  completedCount = 0;
  /** Settled share of ended requests minus what they were charged (signed). */
  correctionJ = 0;

  constructor(startMs: number) {
    this.lastMs = startMs;
    this.interval = new LedgerInterval(startMs, 0, 0);
  }

  /** Moves time forward to `nowMs` (ignored if earlier), growing share-time or idle time. */
  advance(nowMs: number): void {
    const elapsedMs = nowMs - this.lastMs;
    if (!(elapsedMs > 0)) return;
    if (this.inFlight > 0) this.shareMs += elapsedMs / this.inFlight;
    else this.interval.idleMs += elapsedMs;
    this.lastMs = nowMs;
  }

  /**
   * Closes the open interval at `lastMs` with the energy the source reported for it, and opens the
   * next one. Call {@link advance} first.
   */
  settle(energyJ: number): void {
    const open = this.interval;
    const durationMs = this.lastMs - open.startMs;
    const intervalShareMs = this.shareMs - open.startShareMs;
    let endPerRequestJ: number;
    if (durationMs > 0) {
      const rateJPerMs = energyJ / durationMs;
      open.rateJPerMs = rateJPerMs;
      this.attributedJ += rateJPerMs * (durationMs - open.idleMs);
      this.unattributedJ += rateJPerMs * open.idleMs;
      this.correctionJ += (rateJPerMs - this.estimateRateJPerMs) * open.endedShareMs;
      this.estimateRateJPerMs = rateJPerMs;
      this.rateKnown = true;
      endPerRequestJ = open.startPerRequestJ + rateJPerMs * intervalShareMs;
    } else {
      // Energy reported within an instant goes to the requests in flight at that instant.
      open.rateJPerMs = 0;
      endPerRequestJ = this.settleInstant(open, energyJ);
    }
    this.totalJ += energyJ;
    this.interval = new LedgerInterval(this.lastMs, this.shareMs, endPerRequestJ);
  }

  private settleInstant(open: LedgerInterval, energyJ: number): number {
    if (this.inFlight === 0) {
      this.unattributedJ += energyJ;
      return open.startPerRequestJ;
    }
    this.attributedJ += energyJ;
    return open.startPerRequestJ + energyJ / this.inFlight;
  }

  /** Registers a request beginning at `lastMs`; returns its share-time origin. */
  begin(): number {
    this.inFlight++;
    return this.shareMs;
  }

  /**
   * Ends a request that began in `beganIn` at share-time `beginShareMs`, at `lastMs`.
   *
   * @returns the request's energy in joules: exact up to the last sample, estimated since
   */
  finish(beganIn: LedgerInterval, beginShareMs: number): number {
    const open = this.interval;
    let settledJ = 0;
    let tailShareMs: number;
    if (beganIn === open) {
      tailShareMs = this.shareMs - beginShareMs;
    } else {
      const settledAtBeginJ =
        beganIn.startPerRequestJ + beganIn.rateJPerMs * (beginShareMs - beganIn.startShareMs);
      settledJ = open.startPerRequestJ - settledAtBeginJ;
      tailShareMs = this.shareMs - open.startShareMs;
    }
    open.endedShareMs += tailShareMs;
    this.inFlight--;
    const energyJ = settledJ + this.estimateRateJPerMs * tailShareMs;
    this.completedJ += energyJ;
    this.completedCount++;
    return energyJ;
  }

  /** Energy held so far by the requests still in flight; exact right after {@link settle}. */
  inFlightJ(): number {
    return this.attributedJ - this.completedJ - this.correctionJ;
  }
}
