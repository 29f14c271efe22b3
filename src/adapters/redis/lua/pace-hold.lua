-- A 429's Retry-After: nothing books a turn on these keys before now + ARGV[1] ms (Redis clock). KEYS: the hold keys.
local t = redis.call('time')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ms = tonumber(ARGV[1])
for i = 1, #KEYS do
  local held = tonumber(redis.call('get', KEYS[i]) or 0)
  if now + ms > held then redis.call('set', KEYS[i], now + ms, 'px', ms + 1000) end
end
return 1
