import { describe, expect, it } from 'vitest';
import { renderPrometheus } from '../../src/prometheus/index.js';
import { createStatusPage } from '../../src/status/index.js';
import { RateLimiter } from '../../src/rate-limit/rate-limiter.js';
import { RedisStore } from '../../src/redis/index.js';

/** An ioredis-shaped client whose every command fails at once. */
const refusing = { call: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379')) };

function breakerLines(exposition: string): string[] {
  return exposition.split('\n').filter((line) => line.includes('rate_limit_store_breaker_state'));
}

describe('the store breaker in renderPrometheus', () => {
  it('writes one gauge per state, 1 for the state the store is in', async () => {
    const store = new RedisStore({
      client: refusing,
      breaker: { failures: 2, openMs: 60_000 },
      onError: () => undefined,
    });
    const limiter = new RateLimiter({ rate: 1, perSeconds: 1, store });
    expect(breakerLines(renderPrometheus({ storeBreaker: () => store.breakerState }))).toEqual([
      '# HELP greenslo_rate_limit_store_breaker_state Circuit breaker of the rate-limit store: 1 for its current state (closed: checks go to the store; open: to its failure policy; half-open: one probe).',
      '# TYPE greenslo_rate_limit_store_breaker_state gauge',
      'greenslo_rate_limit_store_breaker_state{state="closed"} 1',
      'greenslo_rate_limit_store_breaker_state{state="open"} 0',
      'greenslo_rate_limit_store_breaker_state{state="half-open"} 0',
    ]);
    await limiter.check('a');
    await limiter.check('a');
    expect(store.breakerState).toBe('open');
    expect(
      breakerLines(
        renderPrometheus({ storeBreaker: () => store.breakerState, prefix: 'app_' }),
      ).slice(2),
    ).toEqual([
      'app_rate_limit_store_breaker_state{state="closed"} 0',
      'app_rate_limit_store_breaker_state{state="open"} 1',
      'app_rate_limit_store_breaker_state{state="half-open"} 0',
    ]);
  });

  it('refuses a source that is not a function or returns another state', () => {
    expect(() => renderPrometheus({ storeBreaker: 'open' as unknown as () => 'open' })).toThrow(
      new TypeError('renderPrometheus: `storeBreaker` must be a function, got "open".'),
    );
    expect(() => renderPrometheus({ storeBreaker: () => 'broken' as 'open' })).toThrow(
      new TypeError(
        "renderPrometheus: `storeBreaker()` must return 'closed', 'open' or 'half-open', got \"broken\".",
      ),
    );
  });
});

describe('the store breaker on the status page', () => {
  it('shows the state in the JSON snapshot and as a line of the HTML page', async () => {
    const store = new RedisStore({
      client: refusing,
      breaker: { failures: 1, openMs: 60_000 },
      onError: () => undefined,
    });
    const page = createStatusPage({ storeBreaker: () => store.breakerState });
    expect(page.snapshot().storeBreaker).toBe('closed');
    await new RateLimiter({ rate: 1, perSeconds: 1, store }).check('a');
    expect(page.snapshot().storeBreaker).toBe('open');
    expect(JSON.parse(page.respond('json').body).storeBreaker).toBe('open');
    expect(page.respond('html').body).toContain(
      "Rate-limit store circuit breaker: <strong>open</strong> (checks are answered by the store's failure policy).",
    );
    expect(createStatusPage().snapshot().storeBreaker).toBeNull();
    expect(createStatusPage().respond('html').body).not.toContain('circuit breaker');
  });

  it('refuses a source that is not a function or returns another state', () => {
    expect(() => createStatusPage({ storeBreaker: 'open' as unknown as () => 'open' })).toThrow(
      new TypeError('statusPage: `storeBreaker` must be a function, got "open".'),
    );
    expect(() => createStatusPage({ storeBreaker: () => 'shut' as 'open' }).snapshot()).toThrow(
      new TypeError(
        "statusPage: `storeBreaker()` must return 'closed', 'open' or 'half-open', got \"shut\".",
      ),
    );
  });
});
