/**
 * Number formatting for the status page: at most three significant digits, a unit prefix that
 * keeps small energies readable, and a no-break space between number and unit.
 *
 * Internal module: its names are not part of the public API unless an entry exports them.
 */

const NBSP = '\u00A0';

/** `value` with `digits` significant digits (whole numbers from 10^digits up), never in exponent notation. */
export function significant(value: number, digits = 3): string {
  if (value === 0 || !Number.isFinite(value)) return value === 0 ? '0' : String(value);
  if (digits === 3 && value >= 1 && value < 1000) return threeDigits(value);
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  const decimals = Math.max(0, digits - 1 - magnitude);
  const rounded = value.toFixed(Math.min(decimals, 20));
  return decimals > 0 ? rounded.replace(/\.?0+$/, '') : groupThousands(rounded);
}

/**
 * The common case, 1 <= value < 1000, in whole-number arithmetic: integers print much faster than
 * fractions, and a page of 200 endpoints prints some 4,000 figures.
 */
function threeDigits(value: number): string {
  if (value >= 99.95) return value >= 999.5 ? '1,000' : String(Math.round(value));
  if (value >= 9.995) {
    const tenths = Math.round(value * 10);
    const whole = Math.floor(tenths / 10);
    const decimal = tenths - whole * 10;
    return decimal === 0 ? String(whole) : `${whole}.${decimal}`;
  }
  const hundredths = Math.round(value * 100);
  const whole = Math.floor(hundredths / 100);
  const decimals = hundredths - whole * 100;
  if (decimals === 0) return String(whole);
  return decimals % 10 === 0
    ? `${whole}.${decimals / 10}`
    : `${whole}.${decimals < 10 ? '0' : ''}${decimals}`;
}

function groupThousands(integer: string): string {
  return integer.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Milliseconds, as `4.21 ms`, `421 ms` or `12.3 s`. */
export function formatMs(ms: number): string {
  return ms >= 10_000 ? `${significant(ms / 1000)}${NBSP}s` : `${significant(ms)}${NBSP}ms`;
}

/** A ratio as a percentage: `0.0123` as `1.23 %`. */
export function formatPercent(ratio: number): string {
  return `${significant(ratio * 100)}${NBSP}%`;
}

const PREFIXES = [
  [1e3, 'k'],
  [1, ''],
  [1e-3, 'm'],
  [1e-6, '\u00B5'],
  [1e-9, 'n'],
] as const;

/** A quantity with the SI prefix that puts it between 1 and 1000: `0.0000123` Wh as `12.3 µWh`. */
export function formatWithPrefix(value: number, unit: string): string {
  if (value === 0 || !Number.isFinite(value)) return `${significant(value)}${NBSP}${unit}`;
  const [scale, prefix] =
    PREFIXES.find(([scale]) => Math.abs(value) >= scale) ?? PREFIXES[PREFIXES.length - 1]!;
  return `${significant(value / scale)}${NBSP}${prefix}${unit}`;
}

/** Watts, as `42.5 W`. */
export function formatWatts(powerW: number): string {
  return `${significant(powerW)}${NBSP}W`;
}

/** A burn rate, as `2.5x` (`∞x` for an infinite one). */
export function formatBurnRate(burnRate: number): string {
  return burnRate === Infinity ? '\u221Ex' : `${significant(burnRate, 2)}x`;
}

/** A duration in whole units: `45 s`, `12 min`, `3 h 5 min`. */
export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}${NBSP}s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes}${NBSP}min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours}${NBSP}h` : `${hours}${NBSP}h ${minutes % 60}${NBSP}min`;
}

/** An epoch time as `2023-11-14 22:13:20 UTC`. */
export function formatUtc(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
