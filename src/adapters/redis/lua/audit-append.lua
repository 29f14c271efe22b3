
local head = redis.call('HMGET', KEYS[2], 'seq', 'hash')
local seq, hash = head[1], head[2]
local rebuilt
if not seq then
  seq, hash = '0', string.rep('0', 64)
  if redis.call('EXISTS', KEYS[1]) == 1 then
    local info = redis.call('XINFO', 'STREAM', KEYS[1])
    local length, added = 0, 0
    for i = 1, #info, 2 do
      if info[i] == 'length' then length = info[i + 1] elseif info[i] == 'entries-added' then added = info[i + 1] end
    end
    if added < length then added = length end
    local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
    if #last > 0 then
      local fields = last[1][2]
      local body
      for i = 1, #fields, 2 do
        if fields[i] == 'r' then body = fields[i + 1] elseif fields[i] == 'h' then hash = fields[i + 1] end
      end
      seq = string.format('%d', cjson.decode(body).seq)
    end
    if added > 0 then rebuilt = {'rebuiltFrom', seq, 'rebuiltAdded', added, 'rebuiltLength', length} end
  end
end
if seq ~= ARGV[1] or hash ~= ARGV[2] then return {0, seq, hash} end
local id = redis.call('XADD', KEYS[1], '*', 'r', ARGV[5], 'h', ARGV[4])
redis.call('HSET', KEYS[2], 'seq', ARGV[3], 'hash', ARGV[4], 'id', id)
if rebuilt then
  redis.call('HSET', KEYS[2], rebuilt[1], rebuilt[2], rebuilt[3], rebuilt[4], rebuilt[5], rebuilt[6], 'rebuiltId', id)
end
for i = 3, #KEYS do redis.call('ZADD', KEYS[i], ARGV[3], id) end
return {1, id}
