
local state = redis.call('HGET', KEYS[1], 'state')
if not state then redis.call('ZREM', KEYS[2], ARGV[5]) return 0 end
if state ~= 'pending' then return 0 end
redis.call('HSET', KEYS[1], 'state', ARGV[1], 'decidedBy', ARGV[2], 'reason', ARGV[3], 'decidedAt', ARGV[4])
redis.call('ZREM', KEYS[2], ARGV[5])
return 1
