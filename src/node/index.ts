/**
 * Node.js-only power sources (RAPL, CPU model, automatic choice). Not built yet: this entry exports nothing so far.
 *
 * @packageDocumentation
 * @module greenslo/node
 */
export {};
