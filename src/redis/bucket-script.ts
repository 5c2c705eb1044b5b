/**
 * The Lua script that decides one token-bucket check inside Redis, atomically, with the arithmetic
 * of `decideBucket` (`src/rate-limit/bucket-math.ts`) written out operation by operation in the same
 * order, so that Redis and the memory store reach identical decisions. Lua numbers are IEEE-754
 * doubles, as JavaScript's are; values cross the wire as text written with 17 significant digits
 * (or `String(x)` from JavaScript), which reads back as the very same double.
 *
 * A bucket is one string key holding `"<scaledTokens> <updatedAtMs> <refillIntervalMs>"`, written
 * with `SET ... PXAT resetAtMs` so that it expires when the bucket is full again. A bucket written
 * under another refill interval (another policy) counts as missing: its scaled tokens mean
 * something else.
 *
 * `KEYS[1]`: the bucket. `ARGV`: operation (`consume` or `remaining`), capacity, refillTokens,
 * refillIntervalMs, cost (`''` for `remaining`), nowMs (`''` to read the server's `TIME`).
 * Replies: `consume` -> `{ allowed (1|0), remaining, resetAtMs, retryAfterMs }`; `remaining` ->
 * remaining; numbers as text.
 *
 * @internal
 */
import { GreensloError } from '../core/errors.js';
import type { RateLimitDecision } from '../rate-limit/types.js';

/** @internal */
export const BUCKET_SCRIPT = `
local MAX_SAFE = 9007199254740991
local refill = tonumber(ARGV[3])
local interval = tonumber(ARGV[4])
local capacity = tonumber(ARGV[2]) * interval
local now = tonumber(ARGV[6])
if now == nil then
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

local function text(x)
  if x == math.huge then return 'Infinity' end
  return string.format('%.17g', x)
end

local at, level = now, capacity
local stored = redis.call('GET', KEYS[1])
if stored then
  local s, u, i = string.match(stored, '^(%S+) (%S+) (%S+)$')
  if i == ARGV[4] then
    s, u = tonumber(s), tonumber(u)
    if u > now then at = u end
    local refilled = s + (at - u) * refill
    if refilled < capacity then level = refilled end
  end
end

if ARGV[1] == 'remaining' then return text(whole_tokens(level)) end

local needed = tonumber(ARGV[5]) * interval
if level < needed then
  local retry_after = at + ms_until_level(level, needed) - now
  return {0, text(whole_tokens(level)), text(at + ms_until_level(level, capacity)), text(retry_after)}
end
level = level - needed
local reset_at = at + ms_until_level(level, capacity)
local expire_at = reset_at
if expire_at > MAX_SAFE then expire_at = MAX_SAFE elseif expire_at < 1 then expire_at = 1 end
redis.call('SET', KEYS[1], string.format('%.17g %.17g %s', level, at, ARGV[4]), 'PXAT', string.format('%.0f', expire_at))
return {1, text(whole_tokens(level)), text(reset_at), '0'}
`;

/**
 * SHA-1 of {@link BUCKET_SCRIPT}, the name `EVALSHA` runs it by (checked by a test).
 *
 * @internal
 */
export const BUCKET_SCRIPT_SHA1 = '776041eeb2c0dc207ca47f0c370316f79fcfaa6b';

/**
 * Reads the script's reply to `consume` as a decision, or throws a `GreensloError` with code
 * `store_invalid_reply` when it is anything else.
 *
 * @internal
 */
export function decodeDecision(reply: unknown, limit: number): RateLimitDecision {
  if (Array.isArray(reply) && reply.length === 4 && (reply[0] === 1 || reply[0] === 0)) {
    const remaining = numberText(reply[1]);
    const resetAtMs = numberText(reply[2]);
    const retryAfterMs = numberText(reply[3]);
    if (remaining === remaining && resetAtMs === resetAtMs && retryAfterMs === retryAfterMs) {
      return { allowed: reply[0] === 1, limit, remaining, resetAtMs, retryAfterMs };
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
  const remaining = numberText(reply);
  if (remaining === remaining) return remaining;
  throw invalidReply(reply);
}

/** A number written as text by the script (`Infinity` included), else NaN. */
function numberText(value: unknown): number {
  return typeof value === 'string' && value.length > 0 ? Number(value) : NaN;
}

function invalidReply(reply: unknown): GreensloError {
  const shown = typeof reply === 'string' ? JSON.stringify(reply.slice(0, 80)) : Array.isArray(reply) ? `an array of ${reply.length}` : String(reply);
  return new GreensloError('store_invalid_reply', `RedisStore: Redis answered ${shown}, not a rate-limit decision.`);
}
