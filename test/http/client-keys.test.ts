import { describe, expect, it } from 'vitest';
import { isGreensloError } from '../../src/core/errors.js';
import {
  contextClientKeys,
  fetchClientKeys,
  type ClientKeyContext,
} from '../../src/http/client-keys.js';
import { EndpointRateLimiter } from '../../src/index.js';
import { UNKNOWN_CLIENT } from '../../src/http/index.js';
import { guard } from '../../src/adapters/fetch.js';
import { ManualClock } from '../../src/testing/manual-clock.js';

const request = (headers: Record<string, string> = {}) =>
  new Request('http://localhost/x', { headers });

/** The error a key throws, checked to be the documented `client_address_missing`. */
function missingError(read: () => string): Error {
  try {
    read();
  } catch (error) {
    expect(isGreensloError(error)).toBe(true);
    expect((error as { code: string }).code).toBe('client_address_missing');
    return error as Error;
  }
  throw new Error('expected the key to throw');
}

describe('fetchClientKeys', () => {
  it.each([
    ['cloudflare', 'CF-Connecting-IP'],
    ['fly', 'Fly-Client-IP'],
  ] as const)('%s reads %s, normalized like a socket address', (platform, header) => {
    const key = fetchClientKeys[platform];
    expect(key(request({ [header]: '203.0.113.7' }))).toBe('203.0.113.7');
    expect(key(request({ [header]: ' 203.0.113.7 ' }))).toBe('203.0.113.7');
    expect(key(request({ [header]: '::ffff:203.0.113.7' }))).toBe('203.0.113.7');
    // Two addresses of one /56 share a key; the next /56 does not.
    expect(key(request({ [header]: '2001:db8:1234:56ff:1::1' }))).toBe('2001:db8:1234:5600::/56');
    expect(key(request({ [header]: '2001:DB8:1234:5601::9' }))).toBe('2001:db8:1234:5600::/56');
    expect(key(request({ [header]: '2001:db8:1234:5700::1' }))).toBe('2001:db8:1234:5700::/56');
    // A header some other platform sets is not read.
    expect(
      missingError(() => key(request({ 'X-Forwarded-For': '203.0.113.7' }))).message,
    ).toContain(header);
    missingError(() => key(request({ [header]: '' })));
    expect(() => key(request({ [header]: 'not-an-address' }))).toThrow(RangeError);
  });

  it("node reads the socket address from @hono/node-server's bindings, also when nested under server", () => {
    const bindings = (remoteAddress: string | undefined) => ({
      incoming: { socket: { remoteAddress } },
      outgoing: {},
    });
    expect(fetchClientKeys.node(request(), bindings('127.0.0.1'))).toBe('127.0.0.1');
    expect(fetchClientKeys.node(request(), bindings('::ffff:10.0.0.2'))).toBe('10.0.0.2');
    expect(fetchClientKeys.node(request(), bindings('::1'))).toBe('::/56');
    expect(fetchClientKeys.node(request(), { server: bindings('192.0.2.9') })).toBe('192.0.2.9');
    // A socket already destroyed has no remoteAddress.
    missingError(() => fetchClientKeys.node(request(), bindings(undefined)));
    missingError(() => fetchClientKeys.node(request()));
    missingError(() => fetchClientKeys.node(request(), null));
  });

  it("bun asks the server Bun passes after the request (or env.server, as hono/bun allows) for the request's address", () => {
    class FakeBunServer {
      readonly asked: Request[] = [];
      constructor(private readonly address: string | null) {}
      // A method that needs its receiver, as Bun's does.
      requestIP(request: Request) {
        this.asked.push(request);
        return this.address === null
          ? null
          : {
              address: this.address,
              family: this.address.includes(':') ? 'IPv6' : 'IPv4',
              port: 50_000,
            };
      }
    }
    const server = new FakeBunServer('198.51.100.4');
    const incoming = request();
    expect(fetchClientKeys.bun(incoming, server)).toBe('198.51.100.4');
    expect(server.asked).toEqual([incoming]);
    expect(fetchClientKeys.bun(request(), { server: new FakeBunServer('2001:db8::1') })).toBe(
      '2001:db8::/56',
    );
    // A Unix-socket client has no IP address: requestIP answers null.
    missingError(() => fetchClientKeys.bun(request(), new FakeBunServer(null)));
    missingError(() => fetchClientKeys.bun(request(), {}));
  });

  it("deno reads info.remoteAddr.hostname from Deno.serve's info", () => {
    expect(
      fetchClientKeys.deno(request(), {
        remoteAddr: { transport: 'tcp', hostname: '192.0.2.1', port: 4000 },
      }),
    ).toBe('192.0.2.1');
    expect(
      fetchClientKeys.deno(request(), {
        remoteAddr: { transport: 'tcp', hostname: '2001:db8:ff::1', port: 4000 },
      }),
    ).toBe('2001:db8:ff::/56');
    // A Unix socket's address has a path, not a hostname.
    missingError(() =>
      fetchClientKeys.deno(request(), { remoteAddr: { transport: 'unix', path: '/tmp/s' } }),
    );
  });
});

describe('contextClientKeys', () => {
  const context = (raw: Request, env: unknown): ClientKeyContext => ({ req: { raw }, env });

  it("read the same places through a Hono context's raw request and env", () => {
    expect(
      contextClientKeys.cloudflare(context(request({ 'CF-Connecting-IP': '203.0.113.1' }), {})),
    ).toBe('203.0.113.1');
    expect(contextClientKeys.fly(context(request({ 'Fly-Client-IP': '203.0.113.2' }), {}))).toBe(
      '203.0.113.2',
    );
    expect(
      contextClientKeys.node(
        context(request(), { incoming: { socket: { remoteAddress: '203.0.113.3' } } }),
      ),
    ).toBe('203.0.113.3');
    expect(
      contextClientKeys.bun(context(request(), { requestIP: () => ({ address: '203.0.113.4' }) })),
    ).toBe('203.0.113.4');
    expect(
      contextClientKeys.deno(context(request(), { remoteAddr: { hostname: '203.0.113.5' } })),
    ).toBe('203.0.113.5');
    missingError(() => contextClientKeys.cloudflare(context(request(), {})));
  });
});

describe('a client key inside the Fetch guard', () => {
  it('limits each Cloudflare client on its own, and requests without the header together under the shared key, reported once each', () => {
    const clock = new ManualClock(0);
    const limits = new EndpointRateLimiter({ clock, default: { rate: 1, perSeconds: 60 } });
    const failures: [unknown, string][] = [];
    const handler = guard(() => new Response('ok'), {
      limits,
      clock,
      clientKey: fetchClientKeys.cloudflare,
      onError: (error, kind) => failures.push([error, kind]),
    });
    const status = (headers: Record<string, string> = {}) =>
      (handler(request(headers)) as Response).status;
    expect([
      status({ 'CF-Connecting-IP': '203.0.113.1' }),
      status({ 'CF-Connecting-IP': '203.0.113.1' }),
    ]).toEqual([200, 429]);
    expect(status({ 'CF-Connecting-IP': '203.0.113.2' })).toBe(200);
    expect([status(), status()]).toEqual([200, 429]);
    expect(failures.map(([, kind]) => kind)).toEqual(['clientKey', 'clientKey']);
    expect(failures.every(([error]) => isGreensloError(error))).toBe(true);
    expect(limits.check('/x', UNKNOWN_CLIENT)).toMatchObject({ allowed: false });
  });
});
