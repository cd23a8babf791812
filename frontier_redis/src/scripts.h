// The Lua scripts of the Redis frontier, each run atomically by Redis. Ported from the prototype
// that lost nothing under SIGKILL (../shared/redis-frontier/frontier_lua.py: ADD, CLAIM, COMPLETE,
// REAP; design in ../shared/DISTRIBUTED.md §2), with what that design lists "before production":
// the time comes from Redis (TIME), so worker clocks cannot reap early; RETRY, UNPOP and RELEASE;
// the connection a lease holds is tracked apart from the lease (adw:hold), so a host is freed
// when its fetch ends while the page is still processed; CLAIM reaps first and answers the
// global counts; stale ends are counted in adw:stats. Private to frontier_redis/.
//
// Keys (one Redis, not Cluster: the scripts build key names from ARGV):
//   adw:q:{host}     LIST  queued tasks (EncodeTask), head first
//   adw:ready        ZSET  host → its next allowed fetch (ms): hosts with work and a free
//   connection adw:busy         HASH  host → connections held adw:next         HASH  host → no
//   fetch before this (ms): delay after the last fetch, holds adw:cfg:{host}   HASH  conc
//   (connections, 1), delay_ms (the last delay a worker gave) adw:lease        ZSET
//   "tok\thost\ttask" → deadline (ms); tok = INCR adw:tok adw:hold         SET   toks of leases
//   that still hold their host's connection adw:seen:{b}     SET   the seen-set: 64-bit URL hash,
//   top 16 bits pick the bucket (hex),
//                          the low 48 bits (decimal) are an intset member
//   adw:robots:{host} STRING robots.txt record, EX robots TTL
//   adw:results      STREAM one entry per finished lease; group "store" (the ingest)
//   adw:stats        HASH  queued, added, claimed, done, stale, reaped
#ifndef ADWATCH_FRONTIER_REDIS_SRC_SCRIPTS_H_
#define ADWATCH_FRONTIER_REDIS_SRC_SCRIPTS_H_

namespace adwatch::frontier_redis::internal {

// Shared by every script below.
inline constexpr const char* kLuaCommon = R"lua(
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function conc(h)
  return tonumber(redis.call('HGET', 'adw:cfg:' .. h, 'conc') or '1')
end
-- In the ready schedule at its next allowed time while it has work and a free connection.
local function schedule(h)
  if redis.call('LLEN', 'adw:q:' .. h) > 0 and
     tonumber(redis.call('HGET', 'adw:busy', h) or '0') < conc(h) then
    redis.call('ZADD', 'adw:ready', tonumber(redis.call('HGET', 'adw:next', h) or '0'), h)
  else
    redis.call('ZREM', 'adw:ready', h)
  end
end
-- Gives back the connection of lease `tok` (once): no fetch of h before now + delay (delay < 0:
-- the schedule stays as it was) nor before `hold` (absolute ms, 0 for none).
local function release(tok, h, now, delay, hold)
  if redis.call('SREM', 'adw:hold', tok) == 0 then return end
  if redis.call('HINCRBY', 'adw:busy', h, -1) <= 0 then redis.call('HDEL', 'adw:busy', h) end
  local t = 0
  if delay >= 0 then
    t = now + delay
    redis.call('HSET', 'adw:cfg:' .. h, 'delay_ms', delay)
  end
  if hold > t then t = hold end
  if t > tonumber(redis.call('HGET', 'adw:next', h) or '0') then
    redis.call('HSET', 'adw:next', h, t)
  end
end
local function parse(m)
  return string.match(m, '^(%d+)\t([^\t]+)\t(.*)$')
end
local function rel_hold(now, rel)
  if rel > 0 then return now + rel end
  return 0
end
-- Expired leases go back to the head of their host's queue; their hosts are freed after the
-- host's last known delay.
local function reap(now, limit, dflt)
  local ms = redis.call('ZRANGE', 'adw:lease', '-inf', now, 'BYSCORE', 'LIMIT', 0, limit)
  for _, m in ipairs(ms) do
    redis.call('ZREM', 'adw:lease', m)
    local tok, h, task = parse(m)
    redis.call('LPUSH', 'adw:q:' .. h, task)
    local d = tonumber(redis.call('HGET', 'adw:cfg:' .. h, 'delay_ms') or dflt)
    release(tok, h, now, d, 0)
    schedule(h)
  end
  if #ms > 0 then
    redis.call('HINCRBY', 'adw:stats', 'queued', #ms)
    redis.call('HINCRBY', 'adw:stats', 'reaped', #ms)
  end
  return #ms
end
)lua";

// ARGV: mode ("new" | "again"), then groups of four: host, bucket, low48, task.
// A URL not in the seen-set (or any, with "again") is queued: at the tail, or at the head with
// "again" (submissions go first). Returns how many were queued.
inline constexpr const char* kLuaAdd = R"lua(
local again = ARGV[1] == 'again'
local added = 0
for i = 2, #ARGV, 4 do
  local h, b, f, task = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local new = redis.call('SADD', 'adw:seen:' .. b, f) == 1
  if new or again then
    if again then redis.call('LPUSH', 'adw:q:' .. h, task)
    else redis.call('RPUSH', 'adw:q:' .. h, task) end
    added = added + 1
    schedule(h)
  end
end
if added > 0 then
  redis.call('HINCRBY', 'adw:stats', 'queued', added)
  redis.call('HINCRBY', 'adw:stats', 'added', added)
end
return added
)lua";

// ARGV: groups of two: bucket, low48. Adds them to the seen-set without queueing anything
// (`adwatch frontier import`). Returns how many were new.
inline constexpr const char* kLuaSeen = R"lua(
local n = 0
for i = 1, #ARGV, 2 do
  n = n + redis.call('SADD', 'adw:seen:' .. ARGV[i], ARGV[i + 1])
end
return n
)lua";

// ARGV: host, connections. The host's connection cap.
inline constexpr const char* kLuaSetConc = R"lua(
redis.call('HSET', 'adw:cfg:' .. ARGV[1], 'conc', ARGV[2])
schedule(ARGV[1])
return 1
)lua";

// ARGV: lease_ms, max, reap_limit, default_delay_ms, max_backlog.
// Reaps, then hands out up to `max` leases, due hosts with the earliest time first; none while
// the results stream holds more than max_backlog entries (0: no cap).
// Returns {now, earliest ready time or -1, queued, leases out, hosts active, backlogged, member…}.
inline constexpr const char* kLuaClaim = R"lua(
local lease, maxn = tonumber(ARGV[1]), tonumber(ARGV[2])
local now = now_ms()
reap(now, tonumber(ARGV[3]), tonumber(ARGV[4]))
local max_backlog = tonumber(ARGV[5])
local backlogged = 0
if max_backlog > 0 and redis.call('XLEN', 'adw:results') > max_backlog then backlogged = 1 end
local out = {}
if backlogged == 0 then
  for tries = 1, maxn * 4 do
    if #out >= maxn then break end
    local h = redis.call('ZRANGE', 'adw:ready', '-inf', now, 'BYSCORE', 'LIMIT', 0, 1)[1]
    if not h then break end
    local task = redis.call('LPOP', 'adw:q:' .. h)
    if not task then
      redis.call('ZREM', 'adw:ready', h)
    else
      redis.call('HINCRBY', 'adw:busy', h, 1)
      local tok = redis.call('INCR', 'adw:tok')
      redis.call('SADD', 'adw:hold', tok)
      local m = tok .. '\t' .. h .. '\t' .. task
      redis.call('ZADD', 'adw:lease', now + lease, m)
      schedule(h)
      out[#out + 1] = m
    end
  end
  if #out > 0 then
    redis.call('HINCRBY', 'adw:stats', 'queued', -#out)
    redis.call('HINCRBY', 'adw:stats', 'claimed', #out)
  end
end
local first = redis.call('ZRANGE', 'adw:ready', 0, 0, 'WITHSCORES')[2]
local head = {now, tonumber(first or '-1'), tonumber(redis.call('HGET', 'adw:stats', 'queued') or '0'),
              redis.call('ZCARD', 'adw:lease'),
              redis.call('ZCARD', 'adw:ready') + redis.call('HLEN', 'adw:busy'), backlogged}
for _, m in ipairs(out) do head[#head + 1] = m end
return head
)lua";

// ARGV: member, delay_ms (-1: keep the schedule), hold_ms (relative; 0: none).
// Gives the lease's connection back; the lease stays. Returns 0 when the lease was reaped.
inline constexpr const char* kLuaRelease = R"lua(
local now = now_ms()
if not redis.call('ZSCORE', 'adw:lease', ARGV[1]) then return 0 end
local tok, h = parse(ARGV[1])
release(tok, h, now, tonumber(ARGV[2]), rel_hold(now, tonumber(ARGV[3])))
schedule(h)
return 1
)lua";

// ARGV: member, delay_ms, hold_ms, then field/value pairs of the result.
// Ends the lease and sends its result to the one writer. Returns 0, sending nothing, when the
// lease was reaped meanwhile (another worker has or will have the URL): one result per URL.
inline constexpr const char* kLuaComplete = R"lua(
local now = now_ms()
if redis.call('ZREM', 'adw:lease', ARGV[1]) == 0 then
  redis.call('HINCRBY', 'adw:stats', 'stale', 1)
  return 0
end
local tok, h = parse(ARGV[1])
release(tok, h, now, tonumber(ARGV[2]), rel_hold(now, tonumber(ARGV[3])))
schedule(h)
local fields = {}
for i = 4, #ARGV do fields[#fields + 1] = ARGV[i] end
if #fields > 0 then redis.call('XADD', 'adw:results', '*', unpack(fields)) end
redis.call('HINCRBY', 'adw:stats', 'done', 1)
return 1
)lua";

// ARGV: member, task, delay_ms, hold_ms. Ends the lease by queueing `task` (its next attempt) at
// the tail of its host's queue. Returns 0 when the lease was reaped meanwhile.
inline constexpr const char* kLuaRetry = R"lua(
local now = now_ms()
if redis.call('ZREM', 'adw:lease', ARGV[1]) == 0 then
  redis.call('HINCRBY', 'adw:stats', 'stale', 1)
  return 0
end
local tok, h = parse(ARGV[1])
redis.call('RPUSH', 'adw:q:' .. h, ARGV[2])
redis.call('HINCRBY', 'adw:stats', 'queued', 1)
release(tok, h, now, tonumber(ARGV[3]), rel_hold(now, tonumber(ARGV[4])))
schedule(h)
return 1
)lua";

// ARGV: member, delay_ms, hold_ms. Ends the lease by putting its task back at the head of its
// host's queue. Returns 0 when the lease was reaped meanwhile (the task is back already).
inline constexpr const char* kLuaUnpop = R"lua(
local now = now_ms()
if redis.call('ZREM', 'adw:lease', ARGV[1]) == 0 then
  redis.call('HINCRBY', 'adw:stats', 'stale', 1)
  return 0
end
local tok, h, task = parse(ARGV[1])
redis.call('LPUSH', 'adw:q:' .. h, task)
redis.call('HINCRBY', 'adw:stats', 'queued', 1)
release(tok, h, now, tonumber(ARGV[2]), rel_hold(now, tonumber(ARGV[3])))
schedule(h)
return 1
)lua";

// ARGV: limit, default_delay_ms. Reaps expired leases; returns how many.
inline constexpr const char* kLuaReap = R"lua(
return reap(now_ms(), tonumber(ARGV[1]), tonumber(ARGV[2]))
)lua";

}  // namespace adwatch::frontier_redis::internal

#endif  // ADWATCH_FRONTIER_REDIS_SRC_SCRIPTS_H_
