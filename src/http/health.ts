/**
 * The health endpoints of a service: `health` (status and uptime), `live` (no I/O) and `ready`
 * (runs the application's checks, each with a timeout).
 */
import { systemClock, type Clock } from '../core/clock.js';
import {
  clockOption,
  clockReading,
  describeValue,
  optionsObject,
  positiveNumber,
} from '../core/validate.js';
import type { LowPowerMode } from '../energy/low-power-mode.js';
import { jsonResult, type HttpResult } from './http-result.js';

/** A readiness check: resolves (any value) when ready; throws or rejects when not. */
export type ReadinessCheck = () => unknown;

/** Options of the health endpoints (`healthHandlers` in every adapter). */
export interface HealthOptions {
  /** Readiness checks by name, such as `{ database: () => pool.query('select 1') }`. */
  readonly checks?: Readonly<Record<string, ReadinessCheck>> | undefined;
  /**
   * How long each readiness check may take before it counts as failed, in milliseconds.
   * @defaultValue 2000
   */
  readonly timeoutMs?: number | undefined;
  /** A low-power mode whose state `ready` reports. */
  readonly lowPower?: LowPowerMode | undefined;
  /** Source of time for the uptime; defaults to `systemClock`. */
  readonly clock?: Clock | undefined;
}

/** Default time a readiness check may take. @defaultValue 2000 */
export const DEFAULT_READINESS_TIMEOUT_MS = 2000;

/** The three health endpoints as framework-free responses. */
export interface HealthEndpoints {
  /** `200 { status: 'ok', uptimeMs }`. */
  health(): HttpResult;
  /** `200 { status: 'ok' }` without any I/O: the process is alive. */
  live(): HttpResult;
  /** `200` when every check passes within the timeout, else `503` naming the failing checks. */
  ready(): Promise<HttpResult>;
}

interface CheckOutcome {
  readonly name: string;
  readonly ok: boolean;
  readonly error?: string;
}

async function runCheck(
  name: string,
  check: ReadinessCheck,
  timeoutMs: number,
): Promise<CheckOutcome> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([Promise.resolve().then(check), timeout]);
    return { name, ok: true };
  } catch (error) {
    return { name, ok: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Builds the health endpoints. Adapters wrap it as `healthHandlers(options)`.
 *
 * @param options - readiness checks, their timeout, a low-power mode and a clock
 * @throws TypeError when `options` holds an unknown key or `checks` is not an object of functions
 * @throws RangeError when `timeoutMs` is not a finite number > 0
 */
export function createHealthEndpoints(options: HealthOptions = {}): HealthEndpoints {
  const owner = 'healthHandlers';
  optionsObject(owner, options, ['checks', 'timeoutMs', 'lowPower', 'clock']);
  const clock = clockOption(owner, options.clock ?? systemClock);
  const timeoutMs = positiveNumber(
    owner,
    'timeoutMs',
    options.timeoutMs ?? DEFAULT_READINESS_TIMEOUT_MS,
  );
  const checks = Object.entries(options.checks ?? {});
  for (const [name, check] of checks) {
    if (typeof check !== 'function')
      throw new TypeError(
        `${owner}: \`checks.${name}\` must be a function, got ${describeValue(check)}.`,
      );
  }
  const startedAtMs = clockReading(owner, clock.nowMs());
  const lowPower = options.lowPower;
  return {
    health: () =>
      jsonResult(200, {
        status: 'ok',
        uptimeMs: Math.round(clockReading(owner, clock.nowMs()) - startedAtMs),
      }),
    live: () => jsonResult(200, { status: 'ok' }),
    ready: async () => {
      const outcomes = await Promise.all(
        checks.map(([name, check]) => runCheck(name, check, timeoutMs)),
      );
      const failing = outcomes.filter((outcome) => !outcome.ok);
      const body = {
        status: failing.length === 0 ? 'ready' : 'not_ready',
        checks: Object.fromEntries(
          outcomes.map((outcome) => [outcome.name, outcome.ok ? 'ok' : outcome.error]),
        ),
        ...(failing.length === 0 ? {} : { failing: failing.map((outcome) => outcome.name) }),
        ...(lowPower === undefined
          ? {}
          : { lowPower: { enabled: lowPower.enabled, reason: lowPower.reason ?? null } }),
      };
      return jsonResult(failing.length === 0 ? 200 : 503, body);
    },
  };
}
