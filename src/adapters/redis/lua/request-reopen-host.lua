-- Forgets a host's result (KEYS[1] the request's hash, ARGV[1] the host) and reopens the request: the counts kept by
-- request-save-result.lua drop the host's result, so the new result for it counts again.
local key, host = KEYS[1], ARGV[1]
local old = redis.call('HGET', key, 'result:' .. host)
if old and redis.call('HEXISTS', key, 'results') == 1 then
  redis.call('HINCRBY', key, 'results', -1)
  local ok, decoded = pcall(cjson.decode, old)
  if ok and type(decoded) == 'table' and type(decoded.outcome) == 'string' then
    redis.call('HINCRBY', key, 'tally:' .. decoded.outcome, -1)
  end
end
redis.call('HDEL', key, 'result:' .. host, 'posted:' .. host, 'done')
return 0
