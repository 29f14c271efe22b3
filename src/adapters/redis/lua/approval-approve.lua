
if redis.call('EXISTS', KEYS[1]) == 0 then return {'unknown'} end
if redis.call('HGET', KEYS[1], 'state') ~= 'pending' then return {'not_pending'} end
if tonumber(ARGV[3]) >= tonumber(redis.call('HGET', KEYS[1], 'expiresAt')) then return {'expired'} end
if redis.call('HGET', KEYS[1], 'hash') ~= ARGV[2] then return {'plan_mismatch'} end
if redis.call('LPOS', KEYS[2], ARGV[1]) then return {'duplicate'} end
for i = 6, #ARGV do redis.call('LREM', KEYS[2], 0, ARGV[i]) end
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[5])
local by = redis.call('LRANGE', KEYS[2], 0, -1)
local status = 'added'
if #by >= tonumber(redis.call('HGET', KEYS[1], 'required')) then
  status = 'complete'
  redis.call('HSET', KEYS[1], 'state', 'approved', 'decidedAt', ARGV[3])
  redis.call('ZREM', KEYS[3], ARGV[4])
  redis.call('ZADD', KEYS[4], ARGV[3], ARGV[4])
end
table.insert(by, 1, status)
return by
