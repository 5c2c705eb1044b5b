import { describe, expect, it } from 'vitest';
import { normalizeClientAddress } from '../../src/rate-limit/client-address.js';

describe('normalizeClientAddress', () => {
  it('keeps IPv4 addresses as they are', () => {
    for (const address of ['203.0.113.7', '0.0.0.0', '255.255.255.255', '10.0.0.1'])
      expect(normalizeClientAddress(address)).toBe(address);
  });

  it.each([
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['::FFFF:192.0.2.1', '192.0.2.1'],
    ['0:0:0:0:0:ffff:c000:0201', '192.0.2.1'],
    ['::ffff:cb00:7107', '203.0.113.7'],
    ['[::ffff:10.1.2.3]', '10.1.2.3'],
  ])('maps the IPv4-mapped address %s to IPv4 %s', (address, expected) => {
    expect(normalizeClientAddress(address)).toBe(expected);
  });

  it('keeps distinct IPv4 clients distinct through the mapping', () => {
    expect(normalizeClientAddress('::ffff:1.2.3.4')).not.toBe(
      normalizeClientAddress('::ffff:1.2.3.5'),
    );
  });

  it.each([
    ['2001:db8:abcd:12ff:1:2:3:4', '2001:db8:abcd:1200::/56'],
    ['2001:DB8:ABCD:12FF::1', '2001:db8:abcd:1200::/56'],
    ['2001:0db8:abcd:1234:0000:0000:0000:0001', '2001:db8:abcd:1200::/56'],
    ['fe80::1%eth0', 'fe80::/56'],
    ['[2001:db8::1]', '2001:db8::/56'],
    ['::1', '::/56'],
    ['::', '::/56'],
    ['64:ff9b::192.0.2.1', '64:ff9b::/56'],
  ])('masks %s to its /56: %s', (address, expected) => {
    expect(normalizeClientAddress(address)).toBe(expected);
  });

  it('groups every address of one /56 under one key and separates neighbouring /56s', () => {
    const key = normalizeClientAddress('2001:db8:1:ab00::1');
    expect(normalizeClientAddress('2001:db8:1:abff:ffff:ffff:ffff:ffff')).toBe(key);
    expect(normalizeClientAddress('2001:db8:1:ac00::1')).not.toBe(key);
  });

  it.each([
    [64, '2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    [48, '2001:db8:1:2:3:4:5:6', '2001:db8:1::/48'],
    [60, '2001:db8:1:2ff:3:4:5:6', '2001:db8:1:2f0::/60'],
    [0, '2001:db8:1:2:3:4:5:6', '::/0'],
    [128, '2001:DB8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    [128, '2001:db8:0:0:1:1:0:0', '2001:db8::1:1:0:0'],
    [128, '1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    [128, '1:0:2:3:4:5:6:7', '1:0:2:3:4:5:6:7'],
  ])(
    'masks to a configurable prefix of %s bits in RFC 5952 form',
    (ipv6PrefixLength, address, expected) => {
      expect(normalizeClientAddress(address, { ipv6PrefixLength })).toBe(expected);
    },
  );

  it.each([
    '',
    'localhost',
    '1.2.3',
    '1.2.3.4.5',
    '256.1.1.1',
    '01.2.3.4',
    '1.2.3.-4',
    ' 1.2.3.4',
    '1.2.3.4 ',
    '1.2.3.4%eth0',
    '[1.2.3.4]',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8:9',
    '1::2::3',
    ':::',
    ':1::',
    '1:2:3:4:5:6:7:8::',
    '12345::',
    'g::1',
    '::ffff:1.2.3.256',
    '1.2.3.4::',
    '::1.2.3.4:5',
    'fe80::1%',
    'fe80::1%eth 0',
    '[::1',
  ])('rejects %j with a RangeError', (address) => {
    expect(() => normalizeClientAddress(address)).toThrow(RangeError);
  });

  it('rejects values that are not strings and bad prefix lengths', () => {
    expect(() => normalizeClientAddress(123 as unknown as string)).toThrow(
      new TypeError('normalizeClientAddress: `address` must be a string, got 123.'),
    );
    expect(() => normalizeClientAddress(undefined as unknown as string)).toThrow(TypeError);
    expect(() => normalizeClientAddress('::1', { ipv6PrefixLength: 129 })).toThrow(
      new RangeError(
        'normalizeClientAddress: `ipv6PrefixLength` must be an integer from 0 to 128, got 129.',
      ),
    );
    expect(() => normalizeClientAddress('::1', { ipv6PrefixLength: 56.5 })).toThrow(RangeError);
    expect(() =>
      normalizeClientAddress('::1', { ipv6PrefixLength: '56' as unknown as number }),
    ).toThrow(TypeError);
  });
});
