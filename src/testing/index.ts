/**
 * Test helpers: a clock that moves only when told to, and a power source whose readings tests set
 * by hand, so that time- and energy-dependent code is tested without sleeping.
 *
 * @packageDocumentation
 * @module greenslo/testing
 */
export { ManualClock } from './manual-clock.js';
export { ManualPowerSource, type ManualPowerSourceOptions } from './manual-power-source.js';
