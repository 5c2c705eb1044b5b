/**
 * Prometheus exposition and SLO alert rules. Not built yet: this entry exports nothing so far.
 *
 * @packageDocumentation
 * @module greenslo/prometheus
 */
export {};
