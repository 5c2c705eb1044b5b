/**
 * The Redis Cluster hash slot of a key: CRC16 (XMODEM: polynomial 0x1021, initial value 0) of the
 * key's UTF-8 bytes, or of its hash tag (the text between the first `{` and the next `}`, when not
 * empty), modulo 16384.
 *
 * Internal module: its names are not part of the public API unless an entry exports them.
 */

const TABLE = crcTable();

function crcTable(): Uint16Array {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[byte] = crc;
  }
  return table;
}

const encoder = new TextEncoder();

/** CRC16 of `key`'s UTF-8 bytes: read from the char codes while they are ASCII (no allocation). */
function crc16(key: string): number {
  let crc = 0;
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    if (code > 0x7f) return crc16Bytes(encoder.encode(key));
    crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ code) & 0xff]!;
  }
  return crc;
}

function crc16Bytes(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ byte) & 0xff]!;
  return crc;
}

/**
 * The hash slot, 0 to 16383, that Redis Cluster assigns to `key`.
 *
 * @param key - the full key, prefix included
 * @example `clusterSlot('123456789')` is 12739 (CRC16/XMODEM of those digits is 0x31C3).
 * @internal
 */
export function clusterSlot(key: string): number {
  const open = key.indexOf('{');
  if (open !== -1) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) key = key.slice(open + 1, close);
  }
  return crc16(key) & 0x3fff;
}
