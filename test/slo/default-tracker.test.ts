import { beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_SLOS,
  generateSloReport,
  getDefaultSloTracker,
  getP95Latency,
  trackEndpointLatency,
} from '../../src/slo/index.js';
import { sortedPercentile } from './reference.js';

describe('module-level functions on the default tracker', () => {
  beforeEach(() => getDefaultSloTracker().reset());

  it('share one lazily created tracker with the default objectives', () => {
    expect(getDefaultSloTracker()).toBe(getDefaultSloTracker());
    expect(getDefaultSloTracker().objectives).toEqual(DEFAULT_SLOS);
  });

  it('track latencies and give the P95', () => {
    const samples = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3];
    for (const ms of samples) trackEndpointLatency('/health', ms);
    trackEndpointLatency('/health', 2, { error: true });
    expect(getP95Latency('/health')).toBe(sortedPercentile([...samples, 2], 95));
    expect(getP95Latency('/never')).toBeUndefined();
  });

  it('generate the report of the default tracker', () => {
    trackEndpointLatency('/health', 50);
    const report = generateSloReport();
    expect(report.endpoints.map((endpoint) => [endpoint.endpoint, endpoint.compliant])).toEqual([
      ['/health', false],
    ]);
    expect(report.overallCompliance).toBe(0);
    expect(Number.isNaN(Date.parse(report.generatedAt))).toBe(false);
  });

  it('reject bad input like the tracker does', () => {
    expect(() => trackEndpointLatency('/health', -5)).toThrow(RangeError);
    expect(getDefaultSloTracker().endpoints()).toEqual([]);
  });
});
