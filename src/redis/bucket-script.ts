/**
 * The Lua script that decides one token-bucket check inside Redis, atomically, with the arithmetic
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
 * policy) counts as missing: its scaled tokens mean something else.
 *
 * `KEYS[1]`: the bucket. `ARGV`: capacity, refillTokens, refillIntervalMs, then cost (absent: 1;
 * `''` asks for the remaining tokens, taking none), then nowMs (absent: read the server's `TIME`;
 * cost must then be given). Replies, kept short because every element costs the client time to
 * read: an admitted cost gets `{ remaining, resetAtMs }`, a refused one
 * `{ remaining, resetAtMs, retryAfterMs }`; `''` gets the remaining tokens.
 *
 * The script runs on every check, so it is written for Redis' CPU: one `TIME`, one `GET` and at
 * most one `SET`; no function defined on the common paths (a closure is created on each run);
 * arguments turned into numbers by arithmetic (`x * 1` parses the text once, `tonumber` twice).
 *
 * @internal
 */
import { GreensloError } from '../core/errors.js';
import type { RateLimitDecision } from '../rate-limit/types.js';

/** @internal */
export const BUCKET_SCRIPT = `
local MAX_SAFE, TWO_POW_52 = 9007199254740991, 4503599627370496
local floor = math.floor
local key = KEYS[1]
local refill = ARGV[2] * 1
local interval = ARGV[3] * 1
local capacity = ARGV[1] * interval
local now = ARGV[5]
if now then
  now = now * 1
else
  local time = redis.call('TIME')
  now = time[1] * 1000 + floor(time[2] / 1000)
end

local at, level = now, capacity
local stored = redis.call('GET', key)
if stored and #stored == 24 then
  local s, u, i = struct.unpack('<ddd', stored)
  if i == interval then
    if u > now then at = u end
    local refilled = s + (at - u) * refill
    if refilled < capacity then level = refilled end
  end
end

-- needed is false when the cost is '': the remaining tokens are asked, none taken
local cost = ARGV[4]
local needed = (not cost or cost == '1') and interval or cost ~= '' and cost * interval
local allowed = needed and level >= needed
if allowed then level = level - needed end

-- whole tokens in level: the largest k with k * interval <= level
local tokens = floor(level / interval)
if not (tokens >= MAX_SAFE) then
  while tokens > 0 and tokens * interval > level do tokens = tokens - 1 end
  while (tokens + 1) * interval <= level do tokens = tokens + 1 end
end
local exact = tokens < TWO_POW_52 and tokens > -TWO_POW_52
if not needed and exact then return tokens end

-- whole ms until level + ms * refill >= capacity
local full_ms = 0
if not (level >= capacity) then
  full_ms = math.ceil((capacity - level) / refill)
  if not (full_ms >= MAX_SAFE) then
    while level + full_ms * refill < capacity do full_ms = full_ms + 1 end
    while full_ms > 1 and level + (full_ms - 1) * refill >= capacity do full_ms = full_ms - 1 end
  end
end
local reset_at = at + full_ms
exact = exact and reset_at < TWO_POW_52 and reset_at > -TWO_POW_52 and reset_at % 1 == 0

local retry_after
if allowed then
  local expire_at = reset_at
  if expire_at > TWO_POW_52 then expire_at = TWO_POW_52 elseif expire_at < 1 then expire_at = 1 end
  redis.call('SET', key, struct.pack('<ddd', level, at, interval), 'PXAT', string.format('%d', expire_at))
  if exact then return {tokens, reset_at} end
elseif needed then
  -- whole ms until level + ms * refill >= needed
  local wait_ms = 0
  if not (level >= needed) then
    wait_ms = math.ceil((needed - level) / refill)
    if not (wait_ms >= MAX_SAFE) then
      while level + wait_ms * refill < needed do wait_ms = wait_ms + 1 end
      while wait_ms > 1 and level + (wait_ms - 1) * refill >= needed do wait_ms = wait_ms - 1 end
    end
  end
  retry_after = at + wait_ms - now
  if exact and retry_after < TWO_POW_52 and retry_after > -TWO_POW_52 and retry_after % 1 == 0 then
    return {tokens, reset_at, retry_after}
  end
end

-- the rare replies with a number that is not whole or not below 2^52: such numbers go as text
local function reply(x)
  if x < TWO_POW_52 and x > -TWO_POW_52 and x % 1 == 0 then return x end
  if x == math.huge then return 'Infinity' end
  return string.format('%.17g', x)
end
if not needed then return reply(tokens) end
if allowed then return {reply(tokens), reply(reset_at)} end
return {reply(tokens), reply(reset_at), reply(retry_after)}
`;

/**
 * SHA-1 of {@link BUCKET_SCRIPT}, the name `EVALSHA` runs it by (checked by a test).
 *
 * @internal
 */
export const BUCKET_SCRIPT_SHA1 = '1f2bb730dab0c42903d3b333819cf90dd8af02b0';

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

/** A number the script replied, as an integer or as text (`Infinity` included), else NaN. */
function replyNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  return typeof value === 'string' && value.length > 0 ? Number(value) : NaN;
}

function invalidReply(reply: unknown): GreensloError {
  const shown = typeof reply === 'string' ? JSON.stringify(reply.slice(0, 80)) : Array.isArray(reply) ? `an array of ${reply.length}` : String(reply);
  return new GreensloError('store_invalid_reply', `RedisStore: Redis answered ${shown}, not a rate-limit decision.`);
}
