import { describe, expect, it } from 'vitest';
import {
  createStatusPage,
  DEFAULT_STATUS_CHART_WINDOW_MS,
  DEFAULT_STATUS_REFRESH_SECONDS,
  DEFAULT_STATUS_TITLE,
  DEFAULT_STATUS_WARNING_RATIO,
  statusPageFormat,
} from '../../src/status/index.js';
import type { StatusPageFormat } from '../../src/status/index.js';
import { trackedService } from './support.js';

describe('createStatusPage: options', () => {
  it('applies the documented defaults, also for options given as undefined', () => {
    const snapshot = createStatusPage({
      title: undefined,
      refreshSeconds: undefined,
      warningRatio: undefined,
      chartWindowMs: undefined,
    }).snapshot();
    expect(snapshot).toMatchObject({
      title: DEFAULT_STATUS_TITLE,
      refreshSeconds: DEFAULT_STATUS_REFRESH_SECONDS,
      warningRatio: DEFAULT_STATUS_WARNING_RATIO,
      chartWindowMs: DEFAULT_STATUS_CHART_WINDOW_MS,
    });
    expect([
      DEFAULT_STATUS_TITLE,
      DEFAULT_STATUS_REFRESH_SECONDS,
      DEFAULT_STATUS_WARNING_RATIO,
      DEFAULT_STATUS_CHART_WINDOW_MS,
    ]).toEqual(['Service status', 10, 0.8, 3_600_000]);
  });

  it('rejects bad options at once, naming the option and the value', () => {
    const cases: [Record<string, unknown>, ErrorConstructor, string][] = [
      [
        { refreshSeconds: -1 },
        RangeError,
        'statusPage: `refreshSeconds` must be an integer >= 0, got -1.',
      ],
      [
        { refreshSeconds: 2.5 },
        RangeError,
        'statusPage: `refreshSeconds` must be an integer >= 0, got 2.5.',
      ],
      [
        { refreshSeconds: '10' },
        TypeError,
        'statusPage: `refreshSeconds` must be an integer >= 0, got "10".',
      ],
      [
        { warningRatio: 1.5 },
        RangeError,
        'statusPage: `warningRatio` must be a finite number from 0 to 1, got 1.5.',
      ],
      [
        { warningRatio: Number.NaN },
        RangeError,
        'statusPage: `warningRatio` must be a finite number from 0 to 1, got NaN.',
      ],
      [
        { chartWindowMs: 150_000 },
        RangeError,
        'statusPage: `chartWindowMs` must be whole minutes in milliseconds from 120000 to 21600000, got 150000.',
      ],
      [
        { chartWindowMs: 60_000 },
        RangeError,
        'statusPage: `chartWindowMs` must be whole minutes in milliseconds from 120000 to 21600000, got 60000.',
      ],
      [
        { chartWindowMs: 7 * 3_600_000 },
        RangeError,
        'statusPage: `chartWindowMs` must be whole minutes in milliseconds from 120000 to 21600000, got 25200000.',
      ],
      [
        { chartWindowMs: Infinity },
        RangeError,
        'statusPage: `chartWindowMs` must be whole minutes in milliseconds from 120000 to 21600000, got Infinity.',
      ],
      [
        { chartWindowMs: '1h' },
        TypeError,
        'statusPage: `chartWindowMs` must be whole minutes in milliseconds from 120000 to 21600000, got "1h".',
      ],
      [{ title: '' }, TypeError, 'statusPage: `title` must be a non-empty string, got "".'],
      [
        { clock: {} },
        TypeError,
        'statusPage: `clock` must be an object with a nowMs() method, got an object.',
      ],
      [{ slo: {} }, TypeError, 'statusPage: `slo` must be an SLOTracker, got an object.'],
      [{ energy: 42 }, TypeError, 'statusPage: `energy` must be an EnergyMonitor, got 42.'],
      [
        { limits: { decisionCounts: () => [] } },
        TypeError,
        'statusPage: `limits` must be an EndpointRateLimiter, got an object.',
      ],
      [{ lowPower: null }, TypeError, 'statusPage: `lowPower` must be a LowPowerMode, got null.'],
    ];
    for (const [options, kind, message] of cases) {
      expect(() => createStatusPage(options as never)).toThrow(kind);
      expect(() => createStatusPage(options as never)).toThrow(message);
    }
    expect(() => createStatusPage(null as never)).toThrow(
      new TypeError('statusPage: options must be an object, got null.'),
    );
  });

  it('answers only in the two formats', () => {
    const { clock, slo } = trackedService();
    const page = createStatusPage({ slo, clock });
    expect(() => page.respond('xml' as StatusPageFormat)).toThrow(
      new RangeError("statusPage.respond: `format` must be one of 'html', 'json', got \"xml\"."),
    );
    expect(() => page.respond(1 as unknown as StatusPageFormat)).toThrow(TypeError);
    expect(page.respond().headers['Content-Type']).toBe('text/html; charset=utf-8');
  });
});

describe('statusPageFormat', () => {
  it('reads ?format=json as JSON and anything else as HTML', () => {
    expect(statusPageFormat('json')).toBe('json');
    expect(statusPageFormat(['json', 'html'])).toBe('json');
    expect(statusPageFormat('html')).toBe('html');
    expect(statusPageFormat('JSON')).toBe('html');
    expect(statusPageFormat(undefined)).toBe('html');
    expect(statusPageFormat(null)).toBe('html');
    expect(statusPageFormat({ format: 'json' })).toBe('html');
  });
});
