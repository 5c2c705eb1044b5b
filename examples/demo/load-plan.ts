/**
 * The load the demo puts on the example service: ramp, steady and spike phases of health and
 * metrics probes plus API clients (each with its own address, so each has its own rate-limit
 * buckets), then two equal phases of embedding requests, the second in low-power mode, to measure
 * what low-power mode saves.
 */

/** The demo's length unless `--duration` says otherwise, in seconds. */
export const DEFAULT_DURATION_S = 20;
/** Concurrent connections unless `--connections` says otherwise: 2 probe connections, 4 API clients. */
export const DEFAULT_CONNECTIONS = 6;
/** Bounds of `--duration` (s) and `--connections`, so that the demo neither saturates nor lasts. */
export const DURATION_RANGE_S = [5, 45] as const;
export const CONNECTIONS_RANGE = [2, 16] as const;

/**
 * Health and metrics probes per second in the steady phase, whatever the number of connections.
 * At a few hundred per second the service stays far from saturation on two cores, so the latency
 * measured is the service's own, not a queue's.
 */
const STEADY_PROBE_RATE = 200;
/** Requests per second of each API client in the steady phase: it spends its 60-request embedding burst within seconds. */
const STEADY_CLIENT_RATE = 30;
/** How much busier the spike is than the steady phase: probes, then API clients. */
const SPIKE_PROBE_FACTOR = 3;
const SPIKE_CLIENT_FACTOR = 2;
/** Embedding requests per second of each client in the energy phases: within the 60-request burst of a fresh client. */
const ENERGY_CLIENT_RATE = 15;
/** Share of the duration of each phase; ramp, steady, spike, then the two energy phases. */
const SHARES = { ramp: 0.2, steady: 0.35, spike: 0.15, energy: 0.15 } as const;
const MAX_RAMP_STEPS = 4;
/** See {@link sendingSeconds}. */
const QUOTA_MARGIN_S = 0.3;

/** What a client sends in a loop: the API mix (embeddings and agents) or embeddings only. */
export type ClientMix = 'api' | 'embed';

/** One simulated client: its address (sent as `X-Forwarded-For`), its request mix and its rate. */
export interface ClientLoad {
  readonly address: string;
  readonly mix: ClientMix;
  readonly ratePerSecond: number;
}

/** The kinds of phase, in the order they run. */
export type PhaseKind = 'ramp' | 'steady' | 'spike' | 'normal' | 'low-power';

/** One phase of the demo's load. */
export interface LoadPhase {
  readonly name: string;
  readonly kind: PhaseKind;
  readonly durationS: number;
  /** Health and metrics requests per second, shared by the probe connections. */
  readonly probeRatePerSecond: number;
  readonly probeConnections: number;
  readonly clients: readonly ClientLoad[];
  /** Whether the service runs in low-power mode during the phase. */
  readonly lowPower: boolean;
}

/**
 * How long the clients of a phase send: its duration less 0.3 s. With a rate, autocannon sends
 * each connection's quota for a second at the start of that second; stopping 0.3 s before a
 * second starts keeps the number of quotas, so of requests, the same from run to run.
 */
export function sendingSeconds(phase: Pick<LoadPhase, 'durationS'>): number {
  return Math.max(0.5, phase.durationS - QUOTA_MARGIN_S);
}

/** The whole load: its phases and the settings they came from. */
export interface LoadPlan {
  /** The phases' durations added up. */
  readonly durationS: number;
  /** How long clients send in all (see {@link sendingSeconds}). */
  readonly sendingS: number;
  readonly connections: number;
  readonly probeConnections: number;
  readonly apiClients: number;
  readonly phases: readonly LoadPhase[];
}

const round1 = (value: number): number => Math.round(value * 10) / 10;

function clients(
  count: number,
  prefix: string,
  mix: ClientMix,
  ratePerSecond: number,
): ClientLoad[] {
  return Array.from({ length: count }, (_, index) => ({
    address: `${prefix}.${index + 1}`,
    mix,
    ratePerSecond: Math.max(1, Math.round(ratePerSecond)),
  }));
}

function rampPhases(rampS: number, probeConnections: number, apiClients: number): LoadPhase[] {
  const steps = Math.min(MAX_RAMP_STEPS, Math.max(1, Math.floor(rampS)));
  return Array.from({ length: steps }, (_, index) => {
    const share = (index + 1) / (steps + 1);
    return {
      name: `ramp ${index + 1}/${steps}`,
      kind: 'ramp',
      durationS: round1(rampS / steps),
      probeRatePerSecond: Math.round(STEADY_PROBE_RATE * share),
      probeConnections,
      // The API clients keep their addresses from phase to phase, so their buckets run dry.
      clients: clients(apiClients, '198.51.100', 'api', STEADY_CLIENT_RATE * share),
      lowPower: false,
    };
  });
}

function energyPhase(
  kind: 'normal' | 'low-power',
  durationS: number,
  probeConnections: number,
  apiClients: number,
): LoadPhase {
  // Fresh addresses: every embedding of the phase is served, none refused, so both phases do equal work.
  const prefix = kind === 'normal' ? '203.0.113' : '192.0.2';
  return {
    name: kind === 'normal' ? 'embed, normal mode' : 'embed, low-power mode',
    kind,
    durationS,
    probeRatePerSecond: STEADY_PROBE_RATE,
    probeConnections,
    clients: clients(apiClients, prefix, 'embed', ENERGY_CLIENT_RATE),
    lowPower: kind === 'low-power',
  };
}

/**
 * Splits `durationS` into the demo's phases and `connections` into probe connections (a third) and
 * API clients (the rest, one connection and one address each).
 *
 * @throws RangeError when `durationS` or `connections` is out of its range
 */
export function planLoad(
  durationS: number = DEFAULT_DURATION_S,
  connections: number = DEFAULT_CONNECTIONS,
): LoadPlan {
  if (!(durationS >= DURATION_RANGE_S[0] && durationS <= DURATION_RANGE_S[1])) {
    throw new RangeError(
      `--duration must be ${DURATION_RANGE_S[0]}..${DURATION_RANGE_S[1]} seconds, got ${durationS}.`,
    );
  }
  if (
    !Number.isInteger(connections) ||
    connections < CONNECTIONS_RANGE[0] ||
    connections > CONNECTIONS_RANGE[1]
  ) {
    throw new RangeError(
      `--connections must be an integer ${CONNECTIONS_RANGE[0]}..${CONNECTIONS_RANGE[1]}, got ${connections}.`,
    );
  }
  const probeConnections = Math.max(1, Math.round(connections / 3));
  const apiClients = connections - probeConnections;
  const seconds = (share: number): number => Math.max(1, round1(durationS * share));
  const phases: LoadPhase[] = [
    ...rampPhases(seconds(SHARES.ramp), probeConnections, apiClients),
    {
      name: 'steady',
      kind: 'steady',
      durationS: seconds(SHARES.steady),
      probeRatePerSecond: STEADY_PROBE_RATE,
      probeConnections,
      clients: clients(apiClients, '198.51.100', 'api', STEADY_CLIENT_RATE),
      lowPower: false,
    },
    {
      name: 'spike',
      kind: 'spike',
      durationS: seconds(SHARES.spike),
      probeRatePerSecond: STEADY_PROBE_RATE * SPIKE_PROBE_FACTOR,
      probeConnections,
      clients: clients(apiClients, '198.51.100', 'api', STEADY_CLIENT_RATE * SPIKE_CLIENT_FACTOR),
      lowPower: false,
    },
    energyPhase('normal', seconds(SHARES.energy), probeConnections, apiClients),
    energyPhase('low-power', seconds(SHARES.energy), probeConnections, apiClients),
  ];
  const total = (seconds: (phase: LoadPhase) => number): number =>
    round1(phases.reduce((sum, phase) => sum + seconds(phase), 0));
  return {
    durationS: total((phase) => phase.durationS),
    sendingS: total(sendingSeconds),
    connections,
    probeConnections,
    apiClients,
    phases,
  };
}
