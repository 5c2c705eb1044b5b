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
 * (`SET ... PXAT`, Redis 6.2 or newer) when the bucket is full again, or at 2^52 ms (some 140 000 years) if that is later. A bucket written under another refill interval
 * (another policy) counts as missing: its scaled tokens mean something else.
 *
 * `KEYS[1]`: the bucket. `ARGV`: capacity, refillTokens, refillIntervalMs, cost (`''` asks for the
 * remaining tokens, taking none), and nowMs (absent: read the server's `TIME`). Replies, kept short
 * because every element costs the client time to read: an admitted cost gets
 * `{ remaining, resetAtMs }`, a refused one `{ remaining, resetAtMs, retryAfterMs }`; `''` gets the
 * remaining tokens.
 *
 * @internal
 */
import { GreensloError } from '../core/errors.js';
import type { RateLimitDecision } from '../rate-limit/types.js';

/** @internal */
export const BUCKET_SCRIPT = `
local MAX_SAFE = 9007199254740991
local TWO_POW_52 = 4503599627370496
local refill = tonumber(ARGV[2])
local interval = tonumber(ARGV[3])
local capacity = tonumber(ARGV[1]) * interval
local now
if ARGV[5] then
  now = tonumber(ARGV[5])
else
  local time = redis.call('TIME')
  now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end

local function ms_until_level(level, target)
  if level >= target then return 0 end
  local ms = math.ceil((target - level) / refill)
  if ms >= MAX_SAFE then return ms end
  while level + ms * refill < target do ms = ms + 1 end
  while ms > 1 and level + (ms - 1) * refill >= target do ms = ms - 1 end
  return ms
end

local function whole_tokens(level)
  local tokens = math.floor(level / interval)
  if tokens >= MAX_SAFE then return tokens end
  while tokens > 0 and tokens * interval > level do tokens = tokens - 1 end
  while (tokens + 1) * interval <= level do tokens = tokens + 1 end
  return tokens
end

local function reply(x)
  if x < TWO_POW_52 and x > -TWO_POW_52 and x == math.floor(x) then return x end
  if x == math.huge then return 'Infinity' end
  return string.format('%.17g', x)
end

local at, level = now, capacity
local stored = redis.call('GET', KEYS[1])
if stored and #stored == 24 then
  local s, u, i = struct.unpack('<ddd', stored)
  if i == interval then
    if u > now then at = u end
    local refilled = s + (at - u) * refill
    if refilled < capacity then level = refilled end
  end
end

if ARGV[4] == '' then return reply(whole_tokens(level)) end
local needed = ARGV[4] == '1' and interval or tonumber(ARGV[4]) * interval
if level < needed then
  local retry_after = at + ms_until_level(level, needed) - now
  return {reply(whole_tokens(level)), reply(at + ms_until_level(level, capacity)), reply(retry_after)}
end
level = level - needed
local reset_at = at + ms_until_level(level, capacity)
local expire_at = reset_at
if expire_at > TWO_POW_52 then expire_at = TWO_POW_52 elseif expire_at < 1 then expire_at = 1 end
redis.call('SET', KEYS[1], struct.pack('<ddd', level, at, interval), 'PXAT', string.format('%d', expire_at))
return {reply(whole_tokens(level)), reply(reset_at)}
`;

/**
 * SHA-1 of {@link BUCKET_SCRIPT}, the name `EVALSHA` runs it by (checked by a test).
 *
 * @internal
 */
export const BUCKET_SCRIPT_SHA1 = 'f506294e949ecd65dce2eacdfb3455409f488961';

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
