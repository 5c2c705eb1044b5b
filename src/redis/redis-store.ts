/**
 * Token buckets in Redis, shared by every process that uses the same server and prefix.
 */
import { GreensloError, isGreensloError } from '../core/errors.js';
import {
  clockReading,
  describeValue,
  nonEmptyString,
  numberInRange,
  oneOf,
  optionalFunction,
  rejectUnknownKeys,
} from '../core/validate.js';
import type { RateLimitStore } from '../rate-limit/store.js';
import type { BucketPolicy, RateLimitDecision } from '../rate-limit/types.js';
import { ConsumeEntry, RefundEntry, RemainingEntry, type EntryHost } from './batch-entries.js';
import { BoundedCommands } from './bounded-commands.js';
import {
  Breaker,
  breakerSettings,
  type BreakerTransition,
  type RedisBreakerOptions,
  type RedisBreakerState,
} from './breaker.js';
import { DenyCache } from './deny-cache.js';
import {
  redisConnection,
  type RedisClientLike,
  type RedisConnection,
  type SendCommand,
} from './redis-client.js';
import { ScriptBatcher } from './script-batcher.js';
import {
  DEFAULT_STORE_ERROR_POLICY,
  emptyBucketDecision,
  storeErrorPolicy,
  type Fallback,
  type RedisStoreErrorPolicy,
} from './store-error-policy.js';

const OWNER = 'RedisStore';
/** `setTimeout` holds at most a signed 32-bit number of milliseconds. */
const MAX_TIMEOUT_MS = 2_147_483_647;
const SCAN_COUNT = '500';
const BREAKER_OPEN = 'store_breaker_open';

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

/**
 * Most checks one script call carries: past it a batch is sent at once, and the next one starts.
 *
 * @defaultValue 128
 */
export const DEFAULT_REDIS_MAX_BATCH = 128;

/** The largest `maxBatch` accepted. */
const MAX_BATCH_LIMIT = 4096;

/**
 * Batches one store keeps in flight on a single node: two, so that Redis runs one while the process
 * reads the other's reply and fills the next. Checks made meanwhile wait, unsent and untimed, in the
 * next batch.
 */
const MAX_BATCHES_IN_FLIGHT = 2;

const OPTION_NAMES = [
  'client',
  'prefix',
  'timeoutMs',
  'onError',
  'onStoreError',
  'clock',
  'maxBatch',
  'denyCache',
  'breaker',
] as const;

/** What to use here for the options of rate-limiter-flexible's `RateLimiterRedis`. */
const OPTION_HINTS = Object.freeze({
  storeClient: 'use `client`',
  keyPrefix: 'use `prefix`',
  insuranceLimiter: 'use `onStoreError` with an in-memory RateLimiter',
  useRedisPackage: 'not needed: node-redis clients are recognised',
  rejectIfRedisNotReady: 'use `timeoutMs` and `breaker`',
});

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
  /**
   * Most checks one script call carries (an integer from 1 to 4096): checks made in the same tick of
   * the event loop share one call (one per hash slot on a cluster). Defaults to
   * {@link DEFAULT_REDIS_MAX_BATCH}.
   */
  readonly maxBatch?: number;
  /**
   * Whether a client known to be refused is refused in process until its `retryAfterMs`, without
   * asking Redis (exact: see the class documentation). Defaults to `true`.
   */
  readonly denyCache?: boolean;
  /**
   * The circuit breaker: `true` (the default) for {@link RedisBreakerOptions}' defaults, an object
   * to tune it, or `false` to always wait for Redis.
   */
  readonly breaker?: boolean | RedisBreakerOptions;
}

export type { RedisStoreErrorCode } from './bounded-commands.js';

/**
 * A `RateLimitStore` in Redis: every process whose `RateLimiter` or `EndpointRateLimiter` uses a
 * `RedisStore` on the same server and prefix shares one quota per key, with the decisions the
 * memory store would give.
 *
 * The checks made in one tick of the event loop share one round trip: one Lua script, run by
 * `EVALSHA`, that reads, decides and writes each bucket atomically, in the order the checks were made,
 * with the arithmetic of `decideBucket` (at most `maxBatch` checks per call, one call per hash slot on
 * a cluster, at most two calls in flight on a single node). After Redis lost its scripts (a restart,
 * `SCRIPT FLUSH`) one call loads the script by `EVAL` and the others wait for it. Buckets are timed
 * by Redis' own clock unless `clock: 'client'`, and each key expires (`SET ... PXAT`) when its bucket
 * is full again, so idle clients cost Redis nothing. Keys are `prefix + key`, each holding 24 bytes
 * (three packed doubles); a bucket written under another refill interval starts full, and a key
 * holding anything else is replaced by a full bucket (reported once, `store_key_healed`).
 *
 * Methods never reject. When Redis is down, slower than `timeoutMs` (counted from when a call is
 * sent) or answers garbage, the error goes to `onError` and `onStoreError` decides (`'deny'` by
 * default); a check so decided that Redis applies late gets its tokens back. After repeated failures
 * the breaker sends checks straight to `onStoreError` and probes Redis now and then
 * (`breakerState`); limiting resumes by itself once Redis answers. A client refused by Redis is
 * refused in process until its `retryAfterMs` (the deny cache, exact because refill cannot bring a
 * token sooner). `reset` and `clear` are applied to the deny cache and the insurance limiter or store
 * as well. The deadlines cost one unref'd timer per store, not one per check.
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
  /** Most checks one script call carries. */
  readonly maxBatch: number;
  readonly #connection: RedisConnection;
  readonly #commands: BoundedCommands;
  readonly #batcher: ScriptBatcher;
  readonly #fallback: Fallback;
  readonly #onError: (error: GreensloError) => void;
  readonly #denyCache: DenyCache | undefined;
  readonly #breaker: Breaker | undefined;
  readonly #host: EntryHost;
  /** The last policy seen and its numbers as text: limiters pass the same policy object every time. */
  #policy: BucketPolicy | undefined;
  #policyText: readonly [string, string, string] = ['', '', ''];
  #failureCount = 0;

  /**
   * @param options - client, prefix, timeout, error callback, failure policy, clock, batch size,
   *   deny cache, breaker
   * @throws TypeError when an option is unknown or has the wrong type (`client` without `call` or
   *   `sendCommand`)
   * @throws RangeError when `timeoutMs` is not a number from 1 to 2^31 − 1, `maxBatch` not an
   *   integer from 1 to 4096, or `clock` or `onStoreError` is an unknown string
   */
  constructor(options: RedisStoreOptions) {
    if (typeof options !== 'object' || options === null)
      throw new TypeError(
        `${OWNER}: \`options\` must be an object with a \`client\`, got ${String(options)}.`,
      );
    rejectUnknownKeys(OWNER, options, OPTION_NAMES, OPTION_HINTS);
    this.#connection = redisConnection(OWNER, options.client);
    this.prefix = nonEmptyString(OWNER, 'prefix', options.prefix ?? DEFAULT_REDIS_PREFIX);
    this.timeoutMs = numberInRange(
      OWNER,
      'timeoutMs',
      options.timeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS,
      1,
      MAX_TIMEOUT_MS,
    );
    this.clock = oneOf(OWNER, 'clock', options.clock ?? DEFAULT_REDIS_CLOCK, ['server', 'client']);
    this.maxBatch = batchSize(options.maxBatch ?? DEFAULT_REDIS_MAX_BATCH);
    this.#fallback = storeErrorPolicy(OWNER, options.onStoreError ?? DEFAULT_STORE_ERROR_POLICY);
    this.#onError = optionalFunction(OWNER, 'onError', options.onError) ?? warnOncePerCode();
    this.#denyCache = booleanOption('denyCache', options.denyCache ?? true)
      ? new DenyCache()
      : undefined;
    const breaker = breakerSettings(OWNER, options.breaker);
    this.#breaker =
      breaker &&
      new Breaker(breaker.failures, breaker.openMs, (transition) => this.#breakerMoved(transition));
    this.#commands = new BoundedCommands(this.#connection.send, this.timeoutMs);
    const { cluster } = this.#connection;
    const maxInFlight = cluster ? Infinity : MAX_BATCHES_IN_FLIGHT;
    this.#batcher = new ScriptBatcher(this.#commands, {
      maxBatch: this.maxBatch,
      maxInFlight,
      cluster,
      onOutcome: (answered) => this.#outcome(answered),
    });
    this.#host = this.#entryHost();
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
   * The circuit breaker's state: `'closed'` while checks go to Redis (always, with `breaker: false`),
   * `'open'` while they go straight to `onStoreError`, `'half-open'` while one probe is under way.
   * For monitoring: the `redisBreaker` source of `renderPrometheus` and of the status page.
   */
  get breakerState(): RedisBreakerState {
    return this.#breaker?.state ?? 'closed';
  }

  /**
   * Takes `cost` tokens from the bucket at `prefix + key` if it holds that many, in one atomic script
   * run shared with the other checks of this tick, and returns the decision `decideBucket` would
   * give. Never rejects: when Redis fails, the failure goes to `onError` and `onStoreError` decides.
   *
   * @param key - the bucket's key (the limiter's key prefix and client id)
   * @param policy - the bucket's parameters
   * @param cost - tokens to take, `0 < cost <= policy.capacity`
   * @param nowMs - the limiter's time, whole epoch milliseconds (used with `clock: 'client'`)
   * @throws RangeError with `clock: 'client'` when `nowMs` is not a clock reading
   */
  consume(
    key: string,
    policy: BucketPolicy,
    cost: number,
    nowMs: number,
  ): Promise<RateLimitDecision> {
    const localMs = this.#localNowMs(nowMs);
    const bucket = this.prefix + key;
    const cached = this.#denyCache?.lookup(bucket, policy, cost, localMs);
    if (cached !== undefined) return Promise.resolve(cached);
    if (this.#breaker?.admits() === false)
      return Promise.resolve(this.#fallbackDecision(key, policy, cost, nowMs));
    const policyText = this.#textOf(policy);
    return new Promise((resolve) => {
      this.#batcher.add(
        new ConsumeEntry(
          this.#host,
          bucket,
          key,
          policy,
          policyText,
          cost,
          nowMs,
          localMs,
          resolve,
        ),
        this.#timeArgument(nowMs),
      );
    });
  }

  /**
   * Whole tokens the bucket at `prefix + key` holds now, without taking any; `onStoreError` answers
   * when Redis fails (`0` for `'deny'`, the capacity for `'allow'`).
   *
   * @param key - the bucket's key
   * @param policy - the bucket's parameters
   * @param nowMs - the limiter's time, whole epoch milliseconds (used with `clock: 'client'`)
   * @throws RangeError with `clock: 'client'` when `nowMs` is not a clock reading
   */
  remaining(key: string, policy: BucketPolicy, nowMs: number): Promise<number> {
    this.#localNowMs(nowMs);
    if (this.#breaker?.admits() === false)
      return Promise.resolve(
        this.#guarded(
          () => this.#fallback.remaining(key, policy, nowMs),
          () => 0,
        ),
      );
    const policyText = this.#textOf(policy);
    return new Promise((resolve) => {
      this.#batcher.add(
        new RemainingEntry(this.#host, this.prefix + key, key, policy, policyText, nowMs, resolve),
        this.#timeArgument(nowMs),
      );
    });
  }

  /**
   * Gives `cost` tokens back to the bucket at `prefix + key` (a refunded request), capped at the
   * capacity, atomically and without moving the bucket's time; a missing bucket is full already and
   * stays missing. Shares a script call with the checks of the same tick. Resolves also when Redis
   * fails, after reporting to `onError` (the tokens are then not given back).
   *
   * @param key - the bucket's key
   * @param policy - the bucket's parameters
   * @param cost - tokens to give back, as the admitted `consume` took them
   */
  refund(key: string, policy: BucketPolicy, cost: number): Promise<void> {
    const policyText = this.#textOf(policy);
    return new Promise((resolve) =>
      this.#refund(new RefundEntry(this.#host, this.prefix + key, policyText, cost, resolve)),
    );
  }

  /** Sends a refund (time `0`: the script then keeps the bucket's own time), past the breaker. */
  #refund(entry: RefundEntry): void {
    this.#denyCache?.forget(entry.key);
    this.#batcher.add(entry, '0');
  }

  /**
   * Deletes the bucket at `prefix + key` (and forgets it in the deny cache and in the insurance
   * limiter or store), which is full again afterwards. Resolves also when Redis fails, after
   * reporting to `onError`.
   *
   * @param key - the bucket's key
   */
  async reset(key: string): Promise<void> {
    this.#guarded(
      () => this.#fallback.reset(key),
      () => undefined,
    );
    this.#denyCache?.forget(this.prefix + key);
    try {
      await this.#commands.command('DEL', [this.prefix + key]);
    } catch (error) {
      this.#report(error);
    }
  }

  /**
   * Deletes every bucket whose key starts with `prefix + keyPrefix` (and forgets them in the deny
   * cache and in the insurance limiter or store). Walks the keys with `SCAN` (never `KEYS`), on
   * every master of a cluster, and deletes them with `UNLINK` (one key per call on a cluster), some
   * hundreds at a time. Resolves also when Redis fails, after reporting to `onError`.
   *
   * @param keyPrefix - the prefix, after the store's own, of the keys to delete; `''` for all of this store's keys
   */
  async clear(keyPrefix: string): Promise<void> {
    this.#guarded(
      () => this.#fallback.clear(keyPrefix),
      () => undefined,
    );
    this.#denyCache?.forgetPrefix(this.prefix + keyPrefix);
    const pattern = `${escapeGlob(this.prefix + keyPrefix)}*`;
    try {
      for (const master of await this.#connection.masters()) await this.#clearOn(master, pattern);
    } catch (error) {
      this.#report(error);
    }
  }

  async #clearOn(master: SendCommand, pattern: string): Promise<void> {
    let cursor = '0';
    do {
      const [next, keys] = scanReply(
        await this.#commands.command(
          'SCAN',
          [cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT],
          master,
        ),
      );
      if (this.#connection.cluster)
        await Promise.all(keys.map((key) => this.#commands.command('UNLINK', [key])));
      else if (keys.length > 0) await this.#commands.command('UNLINK', keys);
      cursor = next;
    } while (cursor !== '0');
  }

  /** The deny cache's time: the client's reading (checked) with the client clock, else the process's monotonic ms. */
  #localNowMs(nowMs: number): number {
    if (this.clock === 'client') return clockReading(`${OWNER} (clock: 'client')`, nowMs);
    return performance.now();
  }

  #timeArgument(nowMs: number): string {
    return this.clock === 'client' ? String(nowMs) : '';
  }

  /** The policy's numbers as script arguments, cached for the last policy seen. */
  #textOf(policy: BucketPolicy): readonly [string, string, string] {
    if (policy !== this.#policy) {
      this.#policy = policy;
      this.#policyText = [
        String(policy.capacity),
        String(policy.refillTokens),
        String(policy.refillIntervalMs),
      ];
    }
    return this.#policyText;
  }

  #entryHost(): EntryHost {
    return {
      report: (error) => this.#report(error),
      healed: (bucket) =>
        this.#report(
          new GreensloError(
            'store_key_healed',
            `${OWNER}: the key ${JSON.stringify(bucket)} held no bucket (another type or unreadable bytes); it was replaced by a full bucket.`,
          ),
        ),
      consumeInstead: (error, key, policy, cost, nowMs) => {
        if (error.code !== BREAKER_OPEN) this.#report(error);
        return this.#fallbackDecision(key, policy, cost, nowMs);
      },
      remainingInstead: (error, key, policy, nowMs) => {
        if (error.code !== BREAKER_OPEN) this.#report(error);
        return this.#guarded(
          () => this.#fallback.remaining(key, policy, nowMs),
          () => 0,
        );
      },
      decided: (check, decision) => this.#rememberRefusal(check, decision),
      refund: (check) =>
        this.#refund(new RefundEntry(this.#host, check.key, check.policyText, check.cost)),
    };
  }

  /**
   * Remembers a refusal in the deny cache. With the client clock, only at whole ms (Redis decides
   * on the same integers, so the cache ends exactly when Redis would admit). With the server clock,
   * Redis' whole ms may lag the real time by under 1 ms: the refusal is held 1 ms less.
   */
  #rememberRefusal(check: ConsumeEntry, decision: RateLimitDecision): void {
    const cache = this.#denyCache;
    if (cache === undefined) return;
    if (decision.allowed) return cache.forget(check.key);
    if (this.clock === 'client') {
      if (Number.isInteger(check.nowMs))
        cache.remember(check.key, check.policy, check.cost, decision, check.nowMs, check.nowMs);
      return;
    }
    cache.remember(
      check.key,
      check.policy,
      check.cost,
      decision,
      check.madeAtMs - 1,
      performance.now(),
    );
  }

  #fallbackDecision(
    key: string,
    policy: BucketPolicy,
    cost: number,
    nowMs: number,
  ): RateLimitDecision {
    return this.#guarded(
      () => this.#fallback.consume(key, policy, cost, nowMs),
      () => emptyBucketDecision(policy, cost, nowMs),
    );
  }

  #outcome(answered: boolean): void {
    if (answered) this.#breaker?.answered();
    else this.#breaker?.failed();
  }

  #breakerMoved(transition: BreakerTransition): void {
    const message =
      transition === 'open'
        ? `${OWNER}: Redis failed repeatedly; checks go to \`onStoreError\` without waiting, and Redis is probed now and then.`
        : `${OWNER}: Redis answered a probe; checks go to Redis again.`;
    const error = new GreensloError(`store_breaker_${transition}`, message);
    this.#report(error, false);
    if (transition === 'open') this.#batcher.failWaiting(error);
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

  #report(error: unknown, failure = true): void {
    if (failure) this.#failureCount += 1;
    try {
      this.#onError(asStoreError(error));
    } catch {
      // The callback's own failure must not turn a decision into a rejection.
    }
  }
}

function batchSize(value: unknown): number {
  if (Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_BATCH_LIMIT)
    return value as number;
  const Kind = typeof value === 'number' ? RangeError : TypeError;
  throw new Kind(
    `${OWNER}: \`maxBatch\` must be an integer from 1 to ${MAX_BATCH_LIMIT}, got ${describeValue(value)}.`,
  );
}

function booleanOption(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean')
    throw new TypeError(
      `${OWNER}: \`${name}\` must be true or false, got ${describeValue(value)}.`,
    );
  return value;
}

/** Reports the first failure of each code with `console.warn`, the default `onError`. */
function warnOncePerCode(): (error: GreensloError) => void {
  const warned = new Set<string>();
  return (error) => {
    if (warned.has(error.code)) return;
    warned.add(error.code);
    console.warn(
      `${error.message} (${error.code}; reported once per code: pass \`onError\` to see every failure)`,
    );
  };
}

function asStoreError(error: unknown): GreensloError {
  if (isGreensloError(error)) return error;
  return new GreensloError('store_command_failed', `${OWNER}: ${String(error)}`, { cause: error });
}

function fallbackFailed(error: unknown): GreensloError {
  const reason = error instanceof Error ? error.message : String(error);
  return new GreensloError(
    'store_fallback_failed',
    `${OWNER}: the \`onStoreError\` limiter or store failed (${reason}); the check was denied.`,
    { cause: error },
  );
}

/** Escapes the characters `SCAN ... MATCH` treats as glob syntax. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/** Reads a `SCAN` reply, `[cursor, keys]`; throws a `store_invalid_reply` error otherwise. */
function scanReply(reply: unknown): [string, string[]] {
  if (
    Array.isArray(reply) &&
    reply.length === 2 &&
    typeof reply[0] === 'string' &&
    Array.isArray(reply[1])
  ) {
    const keys = reply[1] as unknown[];
    if (keys.every((key) => typeof key === 'string')) return [reply[0], keys];
  }
  throw new GreensloError(
    'store_invalid_reply',
    `${OWNER}: Redis answered SCAN with something other than a cursor and keys.`,
  );
}
