/**
 * Ready-made rate-limit client keys for the platforms Fetch handlers run on: each reads the client
 * address where that platform documents it and passes it through `normalizeClientAddress` (IPv4 as
 * is, IPv4-mapped IPv6 as IPv4, other IPv6 masked to its /56). Pure code, no `node:*` imports.
 *
 * A key that finds no address throws a `GreensloError` with code `'client_address_missing'`: the
 * guard reports it to `onError` (kind `'clientKey'`) and limits the request under the one shared key
 * `'unknown'`. Requests that arrive without the platform's header (for example sent to the origin
 * directly, around Cloudflare) therefore share one bucket rather than each getting a fresh one, and
 * a platform set up wrongly shows in the first warning instead of passing unnoticed.
 */
import { GreensloError } from '../core/errors.js';
import { normalizeClientAddress } from '../rate-limit/client-address.js';

/** A client-key function for the Fetch guard: the request, then what the runtime passes after it. */
export type FetchClientKey = (request: Request, platform?: unknown) => string;

/** The part of a Hono context a client key reads: the raw request and the runtime's `env`. */
export interface ClientKeyContext {
  /** Hono's request wrapper; `raw` is the Fetch `Request`. */
  readonly req: {
    /** The Fetch `Request`. */
    readonly raw: Request;
  };
  /** What the runtime passed after the request (`@hono/node-server`'s bindings, Bun's server, Deno's info). */
  readonly env: unknown;
}

/** A client-key function for the Hono guard, which receives the context. */
export type ContextClientKey = (c: ClientKeyContext) => string;

/** The client-key functions, one per platform, in the shape `F` of one adapter. */
export interface ClientKeys<F> {
  /** Cloudflare (Workers, or any origin behind Cloudflare's proxy): the `CF-Connecting-IP` header. */
  readonly cloudflare: F;
  /** Fly.io: the `Fly-Client-IP` header its proxy sets. */
  readonly fly: F;
  /** Node with `@hono/node-server`: the socket's `remoteAddress` from the bindings (`env.incoming`). */
  readonly node: F;
  /** Bun: `server.requestIP(request)`, with the server Bun passes after the request (or `env.server`). */
  readonly bun: F;
  /** Deno: `info.remoteAddr.hostname`, with the `info` `Deno.serve` passes after the request. */
  readonly deno: F;
}

const MISSING = 'client_address_missing';

function missing(platform: string, where: string): never {
  throw new GreensloError(
    MISSING,
    `clientKeys.${platform}: the request carries no client address in ${where}; it is limited under the shared key 'unknown'.`,
  );
}

function fromHeader(platform: string, header: string): FetchClientKey {
  return (request) => {
    const value = request.headers.get(header)?.trim();
    if (!value)
      missing(
        platform,
        `the ${header} header (is the service behind ${platform === 'fly' ? 'Fly.io' : 'Cloudflare'}'s proxy?)`,
      );
    return normalizeClientAddress(value);
  };
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)[name]
    : undefined;
}

const node: FetchClientKey = (_request, bindings) => {
  // `env.server` when the bindings were nested, as @hono/node-server's own getConnInfo allows.
  const incoming = field(field(bindings, 'server') ?? bindings, 'incoming');
  const address = field(field(incoming, 'socket'), 'remoteAddress');
  if (typeof address !== 'string')
    missing('node', "the socket (pass @hono/node-server's bindings after the request)");
  return normalizeClientAddress(address);
};

const bun: FetchClientKey = (request, server) => {
  const target = field(server, 'server') ?? server;
  const requestIP = field(target, 'requestIP');
  if (typeof requestIP !== 'function')
    missing('bun', "the server (pass Bun's server after the request)");
  const address = field(requestIP.call(target, request), 'address');
  if (typeof address !== 'string') missing('bun', 'server.requestIP(request)');
  return normalizeClientAddress(address);
};

const deno: FetchClientKey = (_request, info) => {
  const hostname = field(field(info, 'remoteAddr'), 'hostname');
  if (typeof hostname !== 'string')
    missing('deno', "info.remoteAddr (pass Deno.serve's info after the request)");
  return normalizeClientAddress(hostname);
};

/**
 * Client keys for the Fetch guard, `(request, platform) => key`, where `platform` is what the
 * runtime passes after the request.
 *
 * @example
 * ```ts
 * import { SLOTracker, EndpointRateLimiter } from 'greenslo';
 * import { clientKeys, guard } from 'greenslo/fetch';
 *
 * const handler = guard((request: Request) => new Response('hello'), {
 *   slo: new SLOTracker(),
 *   limits: new EndpointRateLimiter(),
 *   clientKey: clientKeys.cloudflare,
 * });
 * ```
 */
export const fetchClientKeys: ClientKeys<FetchClientKey> = Object.freeze<
  ClientKeys<FetchClientKey>
>({
  cloudflare: /* @__PURE__ */ fromHeader('cloudflare', 'CF-Connecting-IP'),
  fly: /* @__PURE__ */ fromHeader('fly', 'Fly-Client-IP'),
  node,
  bun,
  deno,
});

/**
 * Client keys for the Hono guard, `(c) => key`: the same as {@link fetchClientKeys}, reading
 * `c.req.raw` and `c.env`.
 */
export const contextClientKeys: ClientKeys<ContextClientKey> = Object.freeze<
  ClientKeys<ContextClientKey>
>({
  cloudflare: (c) => fetchClientKeys.cloudflare(c.req.raw, c.env),
  fly: (c) => fetchClientKeys.fly(c.req.raw, c.env),
  node: (c) => node(c.req.raw, c.env),
  bun: (c) => bun(c.req.raw, c.env),
  deno: (c) => deno(c.req.raw, c.env),
});
