/**
 * greenslo: latency SLOs, energy and carbon accounting, and rate limiting for any Node.js or
 * Fetch-runtime service. This entry imports nothing from `node:*` or any framework.
 *
 * @packageDocumentation
 * @module greenslo
 */
export * from './core/index.js';
export * from './slo/index.js';
export * from './rate-limit/index.js';
export * from './energy/index.js';
export * from './http/index.js';
export * from './status/index.js';
