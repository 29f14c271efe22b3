-- Extends the job's slot leases (KEYS: each group's slots) it still holds. ARGV: job id, lease (ms).
-- Returns how many it held.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local held = 0
for _, k in ipairs(KEYS) do
  if redis.call('ZSCORE', k, ARGV[1]) then
    redis.call('ZADD', k, 'XX', now + tonumber(ARGV[2]), ARGV[1])
    held = held + 1
  end
end
return held
