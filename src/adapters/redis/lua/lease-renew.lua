-- Extends the lease KEYS[1] by ARGV[2] ms if token ARGV[1] still holds it.
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
return 0
