-- Books one call against every key at once (GCRA, see src/core/pacing/gcra.ts: keep both in step), on the Redis clock.
-- KEYS[2i-1]: the key's theoretical arrival time (ms); KEYS[2i]: until when a 429 holds it (ms).
-- ARGV[2i-1], ARGV[2i]: the key's interval (ms) and burst. Returns the wait in ms before the call may go.
local t = redis.call('time')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local n = #KEYS / 2
local at = now
local tats = {}
for i = 1, n do
  local interval = tonumber(ARGV[2 * i - 1])
  local burst = tonumber(ARGV[2 * i])
  local tat = tonumber(redis.call('get', KEYS[2 * i - 1]) or now)
  local held = tonumber(redis.call('get', KEYS[2 * i]) or now)
  tats[i] = tat
  at = math.max(at, tat - (burst - 1) * interval, held)
end
for i = 1, n do
  local nextTat = math.max(tats[i], at) + tonumber(ARGV[2 * i - 1])
  redis.call('set', KEYS[2 * i - 1], nextTat, 'px', nextTat - now + 1000)
end
return at - now
