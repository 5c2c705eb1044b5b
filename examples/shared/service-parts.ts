/**
 * The greenslo objects every example service is wired with: an SLO tracker on the default
 * objectives, the default rate limits, an energy monitor on the best power source of this machine,
 * and a low-power mode that the embedding endpoint reads.
 */
import {
  DEFAULT_RATE_LIMITS,
  DEFAULT_SLOS,
  EndpointRateLimiter,
  EnergyMonitor,
  LowPowerMode,
  SLOTracker,
  type PowerSource,
} from '../../src/index.js';
import { autoPowerSource, type AutoPowerSource } from '../../src/node/index.js';

/** What {@link createServiceParts} builds; pass it to an example's `createApp`. */
export interface ServiceParts {
  readonly slo: SLOTracker;
  readonly limits: EndpointRateLimiter;
  readonly energy: EnergyMonitor;
  readonly lowPower: LowPowerMode;
  /** The power source chosen, with `choice` and `reason` when it came from `autoPowerSource()`. */
  readonly powerSource: PowerSource | AutoPowerSource;
}

/** Options of {@link createServiceParts}. */
export interface ServicePartsOptions {
  /**
   * Latest requests per endpoint the SLO verdicts cover.
   * @defaultValue 1000 (the tracker's default)
   */
  readonly sloWindowSize?: number;
  /**
   * Where energy figures come from.
   * @defaultValue `autoPowerSource()`: RAPL, else the CPU model, else a constant
   */
  readonly powerSource?: PowerSource;
  /**
   * Minimum time between two readings of the power source, in ms.
   * @defaultValue 1000 (the monitor's default)
   */
  readonly energySampleIntervalMs?: number;
}

/** Builds the tracker, limits, energy monitor and low-power mode of one example service. */
export function createServiceParts(options: ServicePartsOptions = {}): ServiceParts {
  const powerSource = options.powerSource ?? autoPowerSource();
  const energy = new EnergyMonitor({
    powerSource,
    ...(options.energySampleIntervalMs === undefined
      ? {}
      : { sampleIntervalMs: options.energySampleIntervalMs }),
  });
  energy.startTracking();
  return {
    slo: new SLOTracker({
      objectives: DEFAULT_SLOS,
      ...(options.sloWindowSize === undefined ? {} : { windowSize: options.sloWindowSize }),
    }),
    limits: new EndpointRateLimiter({ rules: DEFAULT_RATE_LIMITS }),
    energy,
    // Normal: batches of 32 in fp32; low power: batches of 8, fp16, quantized (the defaults).
    lowPower: new LowPowerMode({ energy }),
    powerSource,
  };
}

/** Whether a power source says which source it chose and why (as `autoPowerSource()` does). */
export function isAutoPowerSource(source: PowerSource): source is AutoPowerSource {
  return (
    typeof (source as Partial<AutoPowerSource>).choice === 'string' &&
    typeof (source as Partial<AutoPowerSource>).reason === 'string'
  );
}

/** The address and port an example's `main` listens on: `HOST` (127.0.0.1) and `PORT` (3000). */
export function listenAddress(env: NodeJS.ProcessEnv = process.env): {
  host: string;
  port: number;
} {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new RangeError(`PORT must be an integer 0..65535, got ${env.PORT}.`);
  return { host: env.HOST ?? '127.0.0.1', port };
}
