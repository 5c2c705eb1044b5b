/**
 * Fetch-handler adapter (Hono, Bun, Deno, Workers). Not built yet: this entry exports nothing so far.
 *
 * @packageDocumentation
 * @module greenslo/fetch
 */
export {};
