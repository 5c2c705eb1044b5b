/**
 * Token buckets in Redis, shared by every process that uses the same server and prefix.
 */
import { GreensloError, isGreensloError } from '../core/errors.js';
import { nonEmptyString, numberInRange, oneOf, optionalFunction } from '../core/validate.js';
import type { RateLimitStore } from '../rate-limit/store.js';
import type { BucketPolicy, RateLimitDecision } from '../rate-limit/types.js';
import { BoundedCommands } from './bounded-commands.js';
import { BUCKET_SCRIPT_SHA1, decodeDecision, decodeRemaining } from './bucket-script.js';
import { commandSender, type RedisClientLike } from './redis-client.js';
import { DEFAULT_STORE_ERROR_POLICY, emptyBucketDecision, storeErrorPolicy, type Fallback, type RedisStoreErrorPolicy } from './store-error-policy.js';

const OWNER = 'RedisStore';
/** `setTimeout` holds at most a signed 32-bit number of milliseconds. */
const MAX_TIMEOUT_MS = 2_147_483_647;
const SCAN_COUNT = '500';

/**
 * Text put before every key the store writes.
 *
 * @defaultValue `'greenslo:'`
 */
export const DEFAULT_REDIS_PREFIX = 'greenslo:';

/**
 * Longest wait, in milliseconds, for Redis to answer one check before the failure policy decides.
 *
 * @defaultValue 200
 */
export const DEFAULT_REDIS_TIMEOUT_MS = 200;

/**
 * Whose clock times the buckets: `'server'` reads Redis' `TIME` inside the script, `'client'` uses
 * the `nowMs` the limiter passes (its `clock` option).
 */
export type RedisClockSource = 'server' | 'client';

/**
 * The clock used when none is given: the Redis server's, so that skew between application servers
 * cannot change decisions.
 *
 * @defaultValue `'server'`
 */
export const DEFAULT_REDIS_CLOCK: RedisClockSource = 'server';

/** Options of {@link RedisStore}. */
export interface RedisStoreOptions {
  /** A connected ioredis or node-redis (v4 or later) client; the store never connects or closes it. */
  readonly client: RedisClientLike;
  /** Text put before every key; a non-empty string. Defaults to {@link DEFAULT_REDIS_PREFIX}. */
  readonly prefix?: string;
  /**
   * Longest wait for one answer, in milliseconds (1 to 2^31 − 1); past it the failure policy decides
   * and `onError` receives a `store_timeout` error. Defaults to {@link DEFAULT_REDIS_TIMEOUT_MS}.
   */
  readonly timeoutMs?: number;
  /**
   * Receives every failure (a `GreensloError` coded as in {@link RedisStoreErrorCode}); it must not
   * throw (what it throws is ignored). Defaults to one `console.warn` per code.
   */
  readonly onError?: (error: GreensloError) => void;
  /** What to answer while Redis fails; defaults to {@link DEFAULT_STORE_ERROR_POLICY} (`'deny'`). */
  readonly onStoreError?: RedisStoreErrorPolicy;
  /** Whose clock times the buckets; defaults to {@link DEFAULT_REDIS_CLOCK} (`'server'`). */
  readonly clock?: RedisClockSource;
}

export type { RedisStoreErrorCode } from './bounded-commands.js';

/**
 * A `RateLimitStore` in Redis: every process whose `RateLimiter` or `EndpointRateLimiter` uses a
 * `RedisStore` on the same server and prefix shares one quota per key, with the decisions the
 * memory store would give.
 *
 * Each check is one round trip: one Lua script, run by `EVALSHA` (and by `EVAL` once after Redis
 * lost its scripts, as after a restart), that reads, decides and writes the bucket atomically with
 * the arithmetic of `decideBucket`. Buckets are timed by Redis' own clock unless `clock: 'client'`,
 * and each key expires (`SET ... PXAT`) when its bucket is full again, so idle clients cost Redis
 * nothing. Keys are `prefix + key`, each holding 24 bytes (three packed doubles); a bucket written
 * under another refill interval starts full.
 *
 * Methods never reject. When Redis is down, slower than `timeoutMs` or answers garbage, the error
 * goes to `onError` and `onStoreError` decides (`'deny'` by default); the next check asks Redis
 * again, so limiting resumes by itself once Redis answers. `reset` and `clear` are applied to the
 * insurance limiter or store as well. The deadlines cost one unref'd timer per store, not one per
 * check: it watches the oldest check in flight and stops once `timeoutMs` passes with none waiting.
 *
 * With `clock: 'client'`, keys still expire on the server's clock: a client clock behind the
 * server's makes buckets expire early. Use it for tests, with a clock at or ahead of real time.
 *
 * Needs Redis 6.2 or later (for `SET ... PXAT`; tested with 7.0) or a compatible server. The client's `error` events are
 * the application's to listen to (node-redis ends the process on an unheard one). While
 * disconnected, clients queue commands by default and send them on reconnection, after the failure
 * policy has already decided those checks: after a restart that lost the script they fail and change
 * nothing, but after a mere network break they take their tokens late. Set
 * `enableOfflineQueue: false` (ioredis) or `disableOfflineQueue: true` (node-redis) to fail fast
 * instead and never apply a late check.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { RateLimiter } from 'greenslo';
 * import { RedisStore } from 'greenslo/redis';
 *
 * const store = new RedisStore({
 *   client: new Redis(process.env.REDIS_URL),
 *   timeoutMs: 100,
 *   // While Redis is unreachable, each process admits its own share: 10 of the 60 per minute.
 *   onStoreError: new RateLimiter({ rate: 10, perSeconds: 60 }),
 *   onError: (error) => logger.warn({ code: error.code }, error.message),
 * });
 * const limiter = new RateLimiter({ rate: 60, perSeconds: 60, store });
 * if (!(await limiter.allowRequest(clientIp))) return tooManyRequests();
 * ```
 */
export class RedisStore implements RateLimitStore {
  /** Always `false`: every method returns a Promise. */
  readonly synchronous = false as const;
  /** Text put before every key. */
  readonly prefix: string;
  /** Longest wait for one answer, in milliseconds. */
  readonly timeoutMs: number;
  /** Whose clock times the buckets. */
  readonly clock: RedisClockSource;
  readonly #commands: BoundedCommands;
  readonly #fallback: Fallback;
  readonly #onError: (error: GreensloError) => void;
  /** The last policy seen and its numbers as text: limiters pass the same policy object every time. */
  #policy: BucketPolicy | undefined;
  #policyText: readonly [string, string, string] = ['', '', ''];
  #failureCount = 0;

  /**
   * @param options - client, prefix, timeout, error callback, failure policy, clock
   * @throws TypeError when an option has the wrong type (`client` without `call` or `sendCommand`)
   * @throws RangeError when `timeoutMs` is not a number from 1 to 2^31 − 1, or `clock` or
   *   `onStoreError` is an unknown string
   */
  constructor(options: RedisStoreOptions) {
    if (typeof options !== 'object' || options === null) throw new TypeError(`${OWNER}: \`options\` must be an object with a \`client\`, got ${String(options)}.`);
    const send = commandSender(OWNER, options.client);
    this.prefix = nonEmptyString(OWNER, 'prefix', options.prefix ?? DEFAULT_REDIS_PREFIX);
    this.timeoutMs = numberInRange(OWNER, 'timeoutMs', options.timeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS, 1, MAX_TIMEOUT_MS);
    this.clock = oneOf(OWNER, 'clock', options.clock ?? DEFAULT_REDIS_CLOCK, ['server', 'client']);
    this.#fallback = storeErrorPolicy(OWNER, options.onStoreError ?? DEFAULT_STORE_ERROR_POLICY);
    this.#onError = optionalFunction(OWNER, 'onError', options.onError) ?? warnOncePerCode();
    this.#commands = new BoundedCommands(send, this.timeoutMs);
  }

  /**
   * Failures reported to `onError` since the store was created (each one a check or command that
   * Redis did not answer properly), for monitoring: for example the `storeFaults` source of
   * `renderPrometheus` in `greenslo/prometheus`.
   */
  get failureCount(): number {
    return this.#failureCount;
  }

  /**
   * Takes `cost` tokens from the bucket at `prefix + key` if it holds that many, in one atomic script
   * run, and returns the decision `decideBucket` would give. Never rejects: when Redis fails, the
   * failure goes to `onError` and `onStoreError` decides.
   *
   * @param key - the bucket's key (the limiter's key prefix and client id)
   * @param policy - the bucket's parameters
   * @param cost - tokens to take, `0 < cost <= policy.capacity`
   * @param nowMs - the limiter's time, whole epoch milliseconds (used with `clock: 'client'`)
   */
  consume(key: string, policy: BucketPolicy, cost: number, nowMs: number): Promise<RateLimitDecision> {
    const args = this.#scriptArguments(key, policy, cost, nowMs);
    return this.#commands.runScript(
      args,
      (reply) => decodeDecision(reply, policy.capacity),
      (error) => this.#consumeInstead(error, key, policy, cost, nowMs),
    );
  }

  /**
   * Whole tokens the bucket at `prefix + key` holds now, without taking any; `onStoreError` answers
   * when Redis fails (`0` for `'deny'`, the capacity for `'allow'`).
   *
   * @param key - the bucket's key
   * @param policy - the bucket's parameters
   * @param nowMs - the limiter's time, whole epoch milliseconds (used with `clock: 'client'`)
   */
  remaining(key: string, policy: BucketPolicy, nowMs: number): Promise<number> {
    const args = this.#scriptArguments(key, policy, '', nowMs);
    return this.#commands.runScript(args, decodeRemaining, (error) => {
      this.#report(error);
      return this.#guarded(() => this.#fallback.remaining(key, policy, nowMs), () => 0);
    });
  }

  /**
   * Deletes the bucket at `prefix + key` (and forgets it in the insurance limiter or store), which
   * is full again afterwards. Resolves also when Redis fails, after reporting to `onError`.
   *
   * @param key - the bucket's key
   */
  async reset(key: string): Promise<void> {
    this.#guarded(() => this.#fallback.reset(key), () => undefined);
    try {
      await this.#commands.command('DEL', [this.prefix + key]);
    } catch (error) {
      this.#report(error);
    }
  }

  /**
   * Deletes every bucket whose key starts with `prefix + keyPrefix` (and forgets them in the
   * insurance limiter or store). Walks the keys with `SCAN` (never `KEYS`) and deletes them with
   * `UNLINK`, some hundreds at a time. Resolves also when Redis fails, after reporting to `onError`.
   *
   * @param keyPrefix - the prefix, after the store's own, of the keys to delete; `''` for all of this store's keys
   */
  async clear(keyPrefix: string): Promise<void> {
    this.#guarded(() => this.#fallback.clear(keyPrefix), () => undefined);
    const pattern = `${escapeGlob(this.prefix + keyPrefix)}*`;
    try {
      let cursor = '0';
      do {
        const [next, keys] = scanReply(await this.#commands.command('SCAN', [cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT]));
        if (keys.length > 0) await this.#commands.command('UNLINK', keys);
        cursor = next;
      } while (cursor !== '0');
    } catch (error) {
      this.#report(error);
    }
  }

  /**
   * The script's SHA-1, `numkeys`, the key, then ARGV: the policy, the cost (left out when it is 1
   * and the server clock is used, the most common check) and the time only with the client clock.
   */
  #scriptArguments(key: string, policy: BucketPolicy, cost: number | '', nowMs: number): string[] {
    if (policy !== this.#policy) {
      this.#policy = policy;
      this.#policyText = [String(policy.capacity), String(policy.refillTokens), String(policy.refillIntervalMs)];
    }
    const [capacity, refillTokens, refillIntervalMs] = this.#policyText;
    const bucket = this.prefix + key;
    if (this.clock === 'client') return [BUCKET_SCRIPT_SHA1, '1', bucket, capacity, refillTokens, refillIntervalMs, String(cost), String(nowMs)];
    if (cost === 1) return [BUCKET_SCRIPT_SHA1, '1', bucket, capacity, refillTokens, refillIntervalMs];
    return [BUCKET_SCRIPT_SHA1, '1', bucket, capacity, refillTokens, refillIntervalMs, String(cost)];
  }

  #consumeInstead(error: GreensloError, key: string, policy: BucketPolicy, cost: number, nowMs: number): RateLimitDecision {
    this.#report(error);
    return this.#guarded(() => this.#fallback.consume(key, policy, cost, nowMs), () => emptyBucketDecision(policy, cost, nowMs));
  }

  /** Runs a failure policy's answer; should it throw, reports that and answers `otherwise()`. */
  #guarded<T>(answer: () => T, otherwise: () => T): T {
    try {
      return answer();
    } catch (error) {
      this.#report(fallbackFailed(error));
      return otherwise();
    }
  }

  #report(error: unknown): void {
    this.#failureCount += 1;
    try {
      this.#onError(asStoreError(error));
    } catch {
      // The callback's own failure must not turn a decision into a rejection.
    }
  }
}

/** Reports the first failure of each code with `console.warn`, the default `onError`. */
function warnOncePerCode(): (error: GreensloError) => void {
  const warned = new Set<string>();
  return (error) => {
    if (warned.has(error.code)) return;
    warned.add(error.code);
    console.warn(`${error.message} (${error.code}; reported once per code: pass \`onError\` to see every failure)`);
  };
}

function asStoreError(error: unknown): GreensloError {
  if (isGreensloError(error)) return error;
  return new GreensloError('store_command_failed', `${OWNER}: ${String(error)}`, { cause: error });
}

function fallbackFailed(error: unknown): GreensloError {
  const reason = error instanceof Error ? error.message : String(error);
  return new GreensloError('store_fallback_failed', `${OWNER}: the \`onStoreError\` limiter or store failed (${reason}); the check was denied.`, { cause: error });
}

/** Escapes the characters `SCAN ... MATCH` treats as glob syntax. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/** Reads a `SCAN` reply, `[cursor, keys]`; throws a `store_invalid_reply` error otherwise. */
function scanReply(reply: unknown): [string, string[]] {
  if (Array.isArray(reply) && reply.length === 2 && typeof reply[0] === 'string' && Array.isArray(reply[1])) {
    const keys = reply[1] as unknown[];
    if (keys.every((key) => typeof key === 'string')) return [reply[0], keys];
  }
  throw new GreensloError('store_invalid_reply', `${OWNER}: Redis answered SCAN with something other than a cursor and keys.`);
}
