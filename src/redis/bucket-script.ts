/**
 * The Lua script that decides token-bucket checks inside Redis, atomically, with the arithmetic
 * of `decideBucket` (`src/rate-limit/bucket-math.ts`) written out operation by operation in the same
 * order, so that Redis and the memory store reach identical decisions. Lua numbers are IEEE-754
 * doubles, as JavaScript's are, and every value crosses over exactly: arguments as `String(x)`, the
 * stored state as raw doubles, replies as integers when whole and below 2^52 (ioredis and node-redis
 * misread some integer replies just below 2^53), otherwise as text with 17 significant digits.
 *
 * A bucket is one string key holding three little-endian doubles (24 bytes, packed with the
 * `struct` library that Redis bundles with Lua): scaled tokens, update time and refill interval.
 * Packing keeps the state exact and costs far less than formatting and parsing text. The key expires
 * (`SET ... PXAT`, Redis 6.2 or newer) when the bucket is full again, or at 2^52 ms (some 140 000
 * years) if it would be full only later. A bucket written under another refill interval (another
 * policy) counts as missing: its scaled tokens mean something else. A key that holds anything else
 * (another type, another length, a NaN) is healed: read as a full bucket, overwritten or deleted,
 * and its check's index listed in the reply so that the store reports it once.
 *
 * One run decides a whole batch of checks, in order, so that checks of one key apply exactly as
 * if sent one by one. `KEYS`: the buckets, one per check (a key may repeat). `ARGV[1]`: the time
 * in ms, or `''` to read the server's `TIME` once for the batch. Then four arguments per check:
 * capacity, refillTokens, refillIntervalMs, cost (`''` asks for the remaining tokens, taking none;
 * a negative cost gives tokens back, up to the capacity: a refund). The reply holds one entry per
 * check: an admitted cost (or a refund) gets `{ remaining, resetAtMs }`, a refused one
 * `{ remaining, resetAtMs, retryAfterMs }`, `''` the remaining tokens; after them, only when some
 * key was healed, the list of those checks' 1-based indexes. Numbers are integers when whole and
 * below 2^52 (ioredis and node-redis misread some integer replies just below 2^53), otherwise text
 * with 17 significant digits.
 *
 * The script runs on every batch, so it is written for Redis' CPU: one `TIME` per batch, one `GET`
 * and at most one `SET` per check; one function defined per run, none per check; arguments turned
 * into numbers by arithmetic (`x * 1` parses the text once, `tonumber` twice).
 *
 * Internal module: its names are not part of the public API unless an entry exports them.
 */
import { GreensloError } from '../core/errors.js';
import type { RateLimitDecision } from '../rate-limit/types.js';

/** @internal */
export const BUCKET_SCRIPT = `
local MAX_SAFE, TWO_POW_52 = 9007199254740991, 4503599627370496
local floor, ceil = math.floor, math.ceil
local now = ARGV[1]
if now ~= '' then
  now = now * 1
else
  local time = redis.call('TIME')
  now = time[1] * 1000 + floor(time[2] / 1000)
end
-- numbers that are not whole or not below 2^52 go as text
local function reply(x)
  if x < TWO_POW_52 and x > -TWO_POW_52 and x % 1 == 0 then return x end
  if x == math.huge then return 'Infinity' end
  return string.format('%.17g', x)
end

local results, healed = {}, nil
for i = 1, #KEYS do
  local key, a = KEYS[i], i * 4 - 2
  local refill = ARGV[a + 1] * 1
  local interval = ARGV[a + 2] * 1
  local capacity = ARGV[a] * interval
  local at, level, bad = now, capacity, false
  local stored = redis.pcall('GET', key)
  if type(stored) == 'string' and #stored == 24 then
    local s, u, iv = struct.unpack('<ddd', stored)
    if not (s >= 0 and s < math.huge and u > -math.huge and u < math.huge) then
      bad = true
    elseif iv == interval then
      if u > now then at = u end
      local refilled = s + (at - u) * refill
      if refilled < capacity then level = refilled end
    end
  elseif stored then
    bad = true
  end

  -- needed is false when the cost is '' (the remaining tokens are asked), below 0 for a refund
  local cost = ARGV[a + 3]
  local needed = cost == '1' and interval or cost ~= '' and cost * interval
  local allowed = needed and level >= needed
  if allowed then
    level = level - needed
    if level > capacity then level = capacity end
  end

  -- whole tokens in level: the largest k with k * interval <= level
  local tokens = floor(level / interval)
  if not (tokens >= MAX_SAFE) then
    while tokens > 0 and tokens * interval > level do tokens = tokens - 1 end
    while (tokens + 1) * interval <= level do tokens = tokens + 1 end
  end

  if not needed then
    results[i] = reply(tokens)
    if bad then redis.call('DEL', key) end
  else
    -- whole ms until level + ms * refill >= capacity
    local full_ms = 0
    if not (level >= capacity) then
      full_ms = ceil((capacity - level) / refill)
      if not (full_ms >= MAX_SAFE) then
        while level + full_ms * refill < capacity do full_ms = full_ms + 1 end
        while full_ms > 1 and level + (full_ms - 1) * refill >= capacity do full_ms = full_ms - 1 end
      end
    end
    local reset_at = at + full_ms
    if allowed then
      local expire_at = reset_at
      if expire_at > TWO_POW_52 then expire_at = TWO_POW_52 elseif expire_at < 1 then expire_at = 1 end
      redis.call('SET', key, struct.pack('<ddd', level, at, interval), 'PXAT', string.format('%d', expire_at))
      results[i] = {reply(tokens), reply(reset_at)}
    else
      if bad then redis.call('DEL', key) end
      -- whole ms until level + ms * refill >= needed
      local wait_ms = 0
      if not (level >= needed) then
        wait_ms = ceil((needed - level) / refill)
        if not (wait_ms >= MAX_SAFE) then
          while level + wait_ms * refill < needed do wait_ms = wait_ms + 1 end
          while wait_ms > 1 and level + (wait_ms - 1) * refill >= needed do wait_ms = wait_ms - 1 end
        end
      end
      results[i] = {reply(tokens), reply(reset_at), reply(at + wait_ms - now)}
    end
  end
  if bad then
    healed = healed or {}
    healed[#healed + 1] = i
  end
end
if healed then results[#KEYS + 1] = healed end
return results
`;

/**
 * SHA-1 of {@link BUCKET_SCRIPT}, the name `EVALSHA` runs it by (checked by a test).
 *
 * @internal
 */
export const BUCKET_SCRIPT_SHA1 = '8c0584c3e437af7c26ee5f65c35fb71569b83f33';

/**
 * Reads the script's reply to a check (`[remaining, resetAtMs]` when admitted,
 * `[remaining, resetAtMs, retryAfterMs]` when refused) as a decision, or throws a `GreensloError`
 * with code `store_invalid_reply` when it is anything else.
 *
 * @internal
 */
export function decodeDecision(reply: unknown, limit: number): RateLimitDecision {
  if (Array.isArray(reply) && (reply.length === 2 || reply.length === 3)) {
    const allowed = reply.length === 2;
    const remaining = replyNumber(reply[0]);
    const resetAtMs = replyNumber(reply[1]);
    const retryAfterMs = allowed ? 0 : replyNumber(reply[2]);
    if (remaining === remaining && resetAtMs === resetAtMs && retryAfterMs === retryAfterMs) {
      return { allowed, limit, remaining, resetAtMs, retryAfterMs };
    }
  }
  throw invalidReply(reply);
}

/**
 * Reads the script's reply to `remaining`, or throws a `GreensloError` with code
 * `store_invalid_reply` when it is not a number.
 *
 * @internal
 */
export function decodeRemaining(reply: unknown): number {
  const remaining = replyNumber(reply);
  if (remaining === remaining) return remaining;
  throw invalidReply(reply);
}

/**
 * The healed keys' check indexes (0-based) of a batch reply of `count` checks, and the replies: a
 * reply of `count` entries, or one more listing healed keys. Throws a `store_invalid_reply`
 * `GreensloError` when the reply has another shape.
 *
 * @internal
 */
export function batchReplies(
  reply: unknown,
  count: number,
): { readonly replies: readonly unknown[]; readonly healed: readonly number[] } {
  if (!Array.isArray(reply) || (reply.length !== count && reply.length !== count + 1))
    throw invalidReply(reply);
  if (reply.length === count) return { replies: reply, healed: NO_HEALED };
  const listed: unknown = reply[count];
  if (!Array.isArray(listed)) throw invalidReply(reply);
  const healed = listed
    .map((index) => replyNumber(index) - 1)
    .filter((index) => index >= 0 && index < count);
  return { replies: reply.slice(0, count), healed };
}

const NO_HEALED: readonly number[] = Object.freeze([]);

/** A number the script replied, as an integer or as text (`Infinity` included), else NaN. */
function replyNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  return typeof value === 'string' && value.length > 0 ? Number(value) : NaN;
}

function invalidReply(reply: unknown): GreensloError {
  const shown =
    typeof reply === 'string'
      ? JSON.stringify(reply.slice(0, 80))
      : Array.isArray(reply)
        ? `an array of ${reply.length}`
        : String(reply);
  return new GreensloError(
    'store_invalid_reply',
    `RedisStore: Redis answered ${shown}, not a rate-limit decision.`,
  );
}
