import { describe, expect, it } from 'vitest';
import { attributeName, instrumentName } from '../../src/otel/instrument-names.js';

describe('OpenTelemetry names of families the table does not know yet', () => {
  it('drops the prefix and _total and moves the unit suffix into the unit', () => {
    expect(instrumentName('greenslo_gpu_energy_joules_total')).toEqual({
      name: 'greenslo.gpu_energy',
      unit: 'J',
    });
    expect(instrumentName('greenslo_fan_power_watts')).toEqual({
      name: 'greenslo.fan_power',
      unit: 'W',
    });
    expect(instrumentName('greenslo_queue_wait_seconds')).toEqual({
      name: 'greenslo.queue_wait',
      unit: 's',
    });
    expect(instrumentName('greenslo_cache_hit_ratio')).toEqual({
      name: 'greenslo.cache_hit',
      unit: '1',
    });
    expect(instrumentName('greenslo_retries_total')).toEqual({
      name: 'greenslo.retries',
      unit: '1',
    });
  });

  it('names the endpoint http.route, as the HTTP semantic conventions do, and other labels greenslo.*', () => {
    expect(attributeName('endpoint')).toBe('http.route');
    expect(attributeName('rule')).toBe('greenslo.rule');
  });
});
