/**
 * A bounded history of an {@link EndpointRateLimiter}'s decision counts. The limiter keeps running
 * totals only; the status page samples them when it renders (no timer) and shows the differences
 * between samples as allowed and limited checks over recent time.
 *
 * Internal module: its names are not part of the public API unless an entry exports them.
 */
import type {
  EndpointDecisionCount,
  EndpointRateLimiter,
} from '../rate-limit/endpoint-rate-limiter.js';
import type { RateLimitStore } from '../rate-limit/store.js';
import type { RateLimitInterval, RateLimitRuleStatus, RateLimitsStatus } from './types.js';

/** Samples kept per chart window: one per 1/60 of the window at most, plus the base before it. */
const SAMPLES_PER_WINDOW = 60;

interface Sample {
  readonly atMs: number;
  readonly counts: readonly EndpointDecisionCount[];
}

/** Decision counts sampled on each render, at most one per `chartWindowMs / 60`, over the chart window. */
export class RateLimitHistory {
  readonly #limits: EndpointRateLimiter<RateLimitStore>;
  readonly #windowMs: number;
  readonly #spacingMs: number;
  readonly #limitTexts = new Map<string, string>();
  readonly #samples: Sample[] = [];

  constructor(limits: EndpointRateLimiter<RateLimitStore>, chartWindowMs: number, nowMs: number) {
    this.#limits = limits;
    this.#windowMs = chartWindowMs;
    this.#spacingMs = chartWindowMs / SAMPLES_PER_WINDOW;
    this.sample(nowMs);
  }

  /**
   * Takes a sample. The newest interval stays open, its sample replaced, until it spans the spacing,
   * so intervals are at least `chartWindowMs / 60` long whatever the number of viewers; a sample at
   * the same instant as the newest replaces it.
   */
  sample(nowMs: number): void {
    const samples = this.#samples;
    const newest = samples[samples.length - 1];
    const atMs = newest === undefined ? nowMs : Math.max(nowMs, newest.atMs);
    const sample = { atMs, counts: this.#limits.decisionCounts() };
    const previous = samples[samples.length - 2];
    const open =
      newest !== undefined &&
      (atMs === newest.atMs ||
        (previous !== undefined && newest.atMs - previous.atMs < this.#spacingMs));
    if (open) samples[samples.length - 1] = sample;
    else samples.push(sample);
    // Keep one sample at or before the window's start, so the window is covered from its start.
    while (samples.length > 2 && samples[1]!.atMs <= atMs - this.#windowMs) samples.shift();
    while (samples.length > SAMPLES_PER_WINDOW + 2) samples.shift();
  }

  /** Shortest interval between closed samples, in milliseconds. */
  get spacingMs(): number {
    return this.#spacingMs;
  }

  /** Totals, recent counts and intervals per rule, from the samples kept. */
  status(): RateLimitsStatus {
    const samples = this.#samples;
    const oldest = samples[0]!;
    const newest = samples[samples.length - 1]!;
    const rules = newest.counts.map((count, ruleIndex): RateLimitRuleStatus => {
      const intervals: RateLimitInterval[] = [];
      for (let i = 1; i < samples.length; i++)
        intervals.push(intervalOf(samples[i - 1]!, samples[i]!, ruleIndex));
      const base = oldest.counts[ruleIndex];
      return {
        rule: count.rule,
        // Rules are matched by their pattern: a named rule's name is no endpoint.
        limit: this.#limitText(count.pattern),
        allowedTotal: count.allowed,
        limitedTotal: count.limited,
        recentAllowed: Math.max(0, count.allowed - (base?.allowed ?? 0)),
        recentLimited: Math.max(0, count.limited - (base?.limited ?? 0)),
        intervals,
      };
    });
    return { sinceMs: oldest.atMs, sampleSpacingMs: this.#spacingMs, rules };
  }

  #limitText(rule: string): string {
    let text = this.#limitTexts.get(rule);
    if (text === undefined) {
      const match = this.#limits.match(rule).rule;
      text =
        match === 'unlimited'
          ? 'unlimited'
          : `${match.rate} per ${match.perSeconds}\u00A0s${match.burst === match.rate ? '' : `, burst ${match.burst}`}`;
      this.#limitTexts.set(rule, text);
    }
    return text;
  }
}

function intervalOf(start: Sample, end: Sample, ruleIndex: number): RateLimitInterval {
  const before = start.counts[ruleIndex];
  const after = end.counts[ruleIndex]!;
  return {
    startMs: start.atMs,
    endMs: end.atMs,
    allowed: Math.max(0, after.allowed - (before?.allowed ?? 0)),
    limited: Math.max(0, after.limited - (before?.limited ?? 0)),
  };
}
