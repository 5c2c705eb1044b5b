import { defineConfig } from 'vitest/config';
import SummaryReporter from './test/support/summary-reporter.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', new SummaryReporter()],
    // Integration suites start real servers (redis-server, HTTP) on loopback ports.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
