/**
 * Client keys from IP addresses, for adapters: one canonical text per client or IPv6 network.
 * Pure string code (no `node:net`), so it runs in any Fetch runtime.
 */
import { describeValue, optionsObject } from '../core/validate.js';

const OWNER = 'normalizeClientAddress';
const GROUPS = 8;

/**
 * IPv6 prefix length clients are grouped by unless told otherwise: a /56, the smallest network
 * commonly delegated to one customer, so that one client cannot rotate through its addresses.
 *
 * @defaultValue 56
 */
export const DEFAULT_IPV6_PREFIX_LENGTH = 56;

/** Options of {@link normalizeClientAddress}. */
export interface ClientAddressOptions {
  /** Leading bits of an IPv6 address kept, an integer `0..128`; defaults to {@link DEFAULT_IPV6_PREFIX_LENGTH}. */
  readonly ipv6PrefixLength?: number;
}

const NO_OPTIONS: ClientAddressOptions = Object.freeze({});

/**
 * Turns an IP address into a rate-limit client key.
 *
 * - IPv4 (`203.0.113.7`) is checked and returned as is (four decimal numbers 0–255, no leading zeros).
 * - IPv4-mapped IPv6 (`::ffff:203.0.113.7`, `::FFFF:cb00:7107`) becomes the IPv4 address, so a
 *   dual-stack server keys IPv4 clients by their own address.
 * - Other IPv6 text (any case, compressed or not, with an embedded IPv4 tail, in brackets, with a
 *   zone id such as `%eth0`, which is dropped) is masked to `ipv6PrefixLength` bits and written in
 *   the RFC 5952 form followed by the prefix length: `2001:db8:1234:5600::/56`
 *   (without a suffix for 128).
 *
 * @param address - the address text, for example from the socket or a trusted proxy header
 * @param options - `ipv6PrefixLength`
 * @returns the client key
 * @throws TypeError when `address` is not a string or `ipv6PrefixLength` not a number
 * @throws RangeError when `address` is not an IPv4 or IPv6 address, or `ipv6PrefixLength` is not an
 *   integer from 0 to 128
 * @example
 * ```ts
 * normalizeClientAddress('::ffff:192.0.2.1'); // '192.0.2.1'
 * normalizeClientAddress('2001:DB8:0:0:1::1'); // '2001:db8::/56'
 * normalizeClientAddress('2001:db8::1', { ipv6PrefixLength: 64 }); // '2001:db8::/64'
 * ```
 */
export function normalizeClientAddress(
  address: string,
  options: ClientAddressOptions = NO_OPTIONS,
): string {
  if (options !== NO_OPTIONS) optionsObject(OWNER, options, ['ipv6PrefixLength']);
  const prefixLength = prefixLengthOption(options.ipv6PrefixLength ?? DEFAULT_IPV6_PREFIX_LENGTH);
  if (typeof address !== 'string')
    throw new TypeError(`${OWNER}: \`address\` must be a string, got ${describeValue(address)}.`);
  if (!address.includes(':')) {
    if (!isIpv4(address)) failAddress(address);
    return address;
  }
  const groups = parseIpv6(address);
  if (groups === undefined) failAddress(address);
  if (isIpv4Mapped(groups))
    return `${groups[6]! >> 8}.${groups[6]! & 0xff}.${groups[7]! >> 8}.${groups[7]! & 0xff}`;
  maskGroups(groups, prefixLength);
  const text = formatIpv6(groups);
  return prefixLength === 128 ? text : `${text}/${prefixLength}`;
}

function failAddress(address: string): never {
  throw new RangeError(
    `${OWNER}: \`address\` must be an IPv4 or IPv6 address, got ${describeValue(address)}.`,
  );
}

function prefixLengthOption(value: unknown): number {
  const rule = 'an integer from 0 to 128';
  if (typeof value !== 'number')
    throw new TypeError(
      `${OWNER}: \`ipv6PrefixLength\` must be ${rule}, got ${describeValue(value)}.`,
    );
  if (!Number.isInteger(value) || value < 0 || value > 128)
    throw new RangeError(
      `${OWNER}: \`ipv6PrefixLength\` must be ${rule}, got ${describeValue(value)}.`,
    );
  return value;
}

/** The four bytes of a dotted-quad IPv4 address, or undefined when `text` is not one. */
/**
 * Whether `text` is a dotted-quad IPv4 address (no leading zeros), checked character by character:
 * it runs on every request, so it allocates nothing.
 */
function isIpv4(text: string): boolean {
  let octets = 0;
  let digits = 0;
  let value = 0;
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : DOT;
    if (code === DOT) {
      if (digits === 0 || value > 255 || ++octets > 4) return false;
      digits = 0;
      value = 0;
    } else if (code >= ZERO && code <= ZERO + 9) {
      if (digits === 1 && value === 0) return false;
      if (++digits > 3) return false;
      value = value * 10 + (code - ZERO);
    } else {
      return false;
    }
  }
  return octets === 4;
}

const DOT = 46;
const ZERO = 48;

function parseIpv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const bytes: number[] = [];
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return undefined;
    const value = Number(part);
    if (value > 255) return undefined;
    bytes.push(value);
  }
  return bytes;
}

/** The eight 16-bit groups of an IPv6 address, or undefined when `text` is not one. */
function parseIpv6(text: string): number[] | undefined {
  let body = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const zoneAt = body.indexOf('%');
  if (zoneAt >= 0) {
    if (!/^[0-9A-Za-z._~-]+$/.test(body.slice(zoneAt + 1))) return undefined;
    body = body.slice(0, zoneAt);
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0]!, halves.length === 1);
  const tail = halves.length === 2 ? parseGroups(halves[1]!, true) : [];
  if (head === undefined || tail === undefined) return undefined;
  if (halves.length === 1) return head.length === GROUPS ? head : undefined;
  if (head.length + tail.length > GROUPS - 1) return undefined;
  return [...head, ...new Array<number>(GROUPS - head.length - tail.length).fill(0), ...tail];
}

/** Colon-separated hex groups; an IPv4 tail (two groups) only where `ipv4Last` allows it. */
function parseGroups(text: string, ipv4Last: boolean): number[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (ipv4Last && i === parts.length - 1 && part.includes('.')) {
      const bytes = parseIpv4(part);
      if (bytes === undefined) return undefined;
      groups.push((bytes[0]! << 8) | bytes[1]!, (bytes[2]! << 8) | bytes[3]!);
    } else {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(part)) return undefined;
      groups.push(Number.parseInt(part, 16));
    }
  }
  return groups;
}

function isIpv4Mapped(groups: readonly number[]): boolean {
  return (
    groups[0] === 0 &&
    groups[1] === 0 &&
    groups[2] === 0 &&
    groups[3] === 0 &&
    groups[4] === 0 &&
    groups[5] === 0xffff
  );
}

function maskGroups(groups: number[], prefixLength: number): void {
  for (let i = 0; i < GROUPS; i++) {
    const bits = Math.min(16, Math.max(0, prefixLength - 16 * i));
    groups[i] = groups[i]! & ((0xffff << (16 - bits)) & 0xffff);
  }
}

/** RFC 5952 text: lowercase, no leading zeros, the first longest run of two or more zero groups as `::`. */
function formatIpv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < GROUPS;) {
    let end = i;
    while (end < GROUPS && groups[end] === 0) end++;
    if (end - i > bestLength) {
      bestStart = i;
      bestLength = end - i;
    }
    i = end === i ? i + 1 : end;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
