export { systemClock, type Clock } from './clock.js';
export { GreensloError, isGreensloError } from './errors.js';
