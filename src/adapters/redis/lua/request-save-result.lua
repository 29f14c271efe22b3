-- Stores a host's result (KEYS[1] the request's hash, ARGV[1] `result:<host>`, ARGV[2] the result's JSON, ARGV[3] its
-- outcome) and returns how many hosts have a result now. The count (`results`) and the count per outcome
-- (`tally:<outcome>`) are kept beside the results, so that neither is read by scanning them: a redelivered result
-- replaces its host's, counted once. A hash without `results` (a request stored before the counts were kept) is
-- counted once by a scan, then kept.
local key, field, value, outcome = KEYS[1], ARGV[1], ARGV[2], ARGV[3]

local function outcome_of(json)
  local ok, decoded = pcall(cjson.decode, json)
  if ok and type(decoded) == 'table' and type(decoded.outcome) == 'string' then return decoded.outcome end
  return nil
end

if redis.call('HEXISTS', key, 'results') == 0 then
  local n = 0
  local fields = redis.call('HGETALL', key)
  for i = 1, #fields, 2 do
    if string.sub(fields[i], 1, 7) == 'result:' then
      n = n + 1
      local o = outcome_of(fields[i + 1])
      if o then redis.call('HINCRBY', key, 'tally:' .. o, 1) end
    end
  end
  redis.call('HSET', key, 'results', n)
end

local old = redis.call('HGET', key, field)
if old then
  local o = outcome_of(old)
  if o then redis.call('HINCRBY', key, 'tally:' .. o, -1) end
else
  redis.call('HINCRBY', key, 'results', 1)
end
redis.call('HSET', key, field, value)
if outcome ~= '' then redis.call('HINCRBY', key, 'tally:' .. outcome, 1) end
return tonumber(redis.call('HGET', key, 'results'))
