import { afterEach, describe, expect, it, vi } from 'vitest';
import { LowPowerMode } from '../../src/index.js';
import { createHealthEndpoints } from '../../src/http/health.js';
import { ManualClock } from '../../src/testing/manual-clock.js';

describe('health endpoints', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reports status and uptime from the injected clock', () => {
    const clock = new ManualClock(5_000);
    const endpoints = createHealthEndpoints({ clock });
    clock.advanceMs(1_234);
    const result = endpoints.health();
    expect(result.status).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ status: 'ok', uptimeMs: 1_234 });
    expect(result.headers['Content-Type']).toBe('application/json; charset=utf-8');
  });

  it('answers liveness without running any check', () => {
    let calls = 0;
    const endpoints = createHealthEndpoints({ checks: { database: () => calls++ } });
    expect(JSON.parse(endpoints.live().body)).toEqual({ status: 'ok' });
    expect(calls).toBe(0);
  });

  it('is ready when every check passes, sync or async', async () => {
    const endpoints = createHealthEndpoints({
      checks: { cache: () => true, database: () => Promise.resolve('ok') },
    });
    const result = await endpoints.ready();
    expect(result.status).toBe(200);
    expect(JSON.parse(result.body)).toEqual({
      status: 'ready',
      checks: { cache: 'ok', database: 'ok' },
    });
  });

  it('answers 503 naming the checks that threw, rejected or timed out, with the low-power state', async () => {
    vi.useFakeTimers();
    const lowPower = new LowPowerMode();
    lowPower.enable('carbon intensity high');
    const endpoints = createHealthEndpoints({
      timeoutMs: 20,
      lowPower,
      checks: {
        cache: () => true,
        queue: () => {
          throw new Error('queue unreachable');
        },
        database: () => Promise.reject(new Error('connection refused')),
        search: () => new Promise(() => undefined),
      },
    });
    const pending = endpoints.ready();
    await vi.advanceTimersByTimeAsync(19);
    let settled = false;
    void pending.then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const result = await pending;
    expect(result.status).toBe(503);
    expect(JSON.parse(result.body)).toEqual({
      status: 'not_ready',
      checks: {
        cache: 'ok',
        queue: 'queue unreachable',
        database: 'connection refused',
        search: 'timed out after 20 ms',
      },
      failing: ['queue', 'database', 'search'],
      lowPower: { enabled: true, reason: 'carbon intensity high' },
    });
  });

  it('rejects bad options at once', () => {
    expect(() => createHealthEndpoints({ timeoutMs: 0 })).toThrow(
      'healthHandlers: `timeoutMs` must be a finite number > 0, got 0.',
    );
    expect(() => createHealthEndpoints({ checks: { db: 'select 1' as never } })).toThrow(
      'healthHandlers: `checks.db` must be a function, got "select 1".',
    );
  });
});
