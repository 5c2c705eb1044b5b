/**
 * Test helpers: a clock that moves only when told to.
 *
 * @packageDocumentation
 * @module greenslo/testing
 */
export { ManualClock } from './manual-clock.js';
export { ManualPowerSource, type ManualPowerSourceOptions } from './manual-power-source.js';
