/**
 * Redis store for rate limiting across processes. Not built yet: this entry exports nothing so far.
 *
 * @packageDocumentation
 * @module greenslo/redis
 */
export {};
