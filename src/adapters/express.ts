/**
 * Express adapter. Not built yet: this entry exports nothing so far.
 *
 * @packageDocumentation
 * @module greenslo/express
 */
export {};
