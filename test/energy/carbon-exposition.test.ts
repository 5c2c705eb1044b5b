import { describe, expect, it } from 'vitest';
import {
  constantPower,
  EnergyMonitor,
  generateSustainabilityReport,
  type PowerSource,
} from '../../src/energy/index.js';
import { sumPowerSources } from '../../src/node/index.js';
import { renderPrometheus } from '../../src/prometheus/index.js';
import { ManualClock } from '../../src/testing/index.js';
import { parseExposition, samplesOf, valueOf } from '../prometheus/exposition-parser.js';

/** A stand-in GPU source reporting its draw, as `nvidiaGpuPowerSource` does. */
function gpuLike(watts: number): PowerSource {
  const inner = constantPower(watts, { name: 'nvidia-gpu' });
  return { name: 'nvidia-gpu', powerW: watts, readJoules: (nowMs) => inner.readJoules(nowMs) };
}

function monitorWithGpu() {
  const clock = new ManualClock(0);
  const powerSource = sumPowerSources(constantPower(50, { name: 'rapl' }), gpuLike(300));
  const monitor = new EnergyMonitor({
    powerSource,
    clock,
    carbonIntensityGPerKWh: 200,
    embodiedGPerHour: 72,
  });
  monitor.startTracking();
  for (let i = 0; i < 5; i++) {
    const handle = monitor.beginRequest();
    clock.advanceMs(1000);
    handle.end();
  }
  return monitor;
}

describe('Software Carbon Intensity and GPU power in the figures', () => {
  it('lists each part of a summed source with the power it reports', () => {
    const metrics = monitorWithGpu().metrics();
    expect(metrics.powerSource).toBe('rapl+nvidia-gpu');
    expect(metrics.powerSources).toEqual([
      { name: 'rapl', powerW: undefined },
      { name: 'nvidia-gpu', powerW: 300 },
    ]);
  });

  it('writes GPU power, the intensity and its source, embodied emissions and SCI per request to Prometheus', () => {
    const monitor = monitorWithGpu();
    const metrics = monitor.metrics();
    const parsed = parseExposition(renderPrometheus({ energy: monitor }));
    expect(valueOf(parsed, 'greenslo_power_source_watts', { source: 'nvidia-gpu' })).toBe(300);
    expect(samplesOf(parsed, 'greenslo_power_source_watts', { source: 'rapl' })).toEqual([]);
    expect(valueOf(parsed, 'greenslo_carbon_intensity_grams_per_kwh', { source: 'fixed' })).toBe(
      200,
    );
    const embodiedG = 72 * (5000 / 3_600_000);
    expect(valueOf(parsed, 'greenslo_embodied_emissions_grams_total')).toBeCloseTo(embodiedG, 12);
    const operationalG = ((350 * 5) / 3.6e6) * 200;
    expect(valueOf(parsed, 'greenslo_sci_grams_per_request')).toBeCloseTo(
      (operationalG + embodiedG) / 5,
      12,
    );
    expect(metrics.sciGPerRequest).toBeCloseTo((operationalG + embodiedG) / 5, 12);
  });

  it('puts them in the sustainability report', () => {
    const report = generateSustainabilityReport({ monitor: monitorWithGpu() });
    expect(report.energy.powerSources.find((part) => part.name === 'nvidia-gpu')?.powerW).toBe(300);
    expect(report.energy.carbonIntensitySource).toBe('fixed');
    expect(report.energy.sciGPerRequest).toBeGreaterThan(0);
  });
});

describe('status page', () => {
  it('shows GPU power, where the intensity comes from and SCI per request', async () => {
    const { createStatusPage } = await import('../../src/status/status-page.js');
    const monitor = monitorWithGpu();
    const body = String(createStatusPage({ energy: monitor }).respond('html').body);
    expect(body).toContain('Power now, nvidia-gpu</dt><dd>300');
    expect(body).toContain('(fixed figure)');
    expect(body).toMatch(
      /SCI per request<\/dt><dd>[^<]*g <span class="target">with 72\u00A0g\/h embodied<\/span>/,
    );
    expect(createStatusPage({ energy: monitor }).snapshot().energy?.sciGPerRequest).toBeCloseTo(
      monitor.metrics().sciGPerRequest,
      12,
    );
  });
});
