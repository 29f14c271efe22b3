-- Takes the lease KEYS[1] for token ARGV[1], ARGV[2] ms, if free or already this token's (then it lasts that long).
if redis.call('set', KEYS[1], ARGV[1], 'nx', 'px', ARGV[2]) then return 1 end
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
return 0
