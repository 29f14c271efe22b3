-- Frees the lease KEYS[1] if token ARGV[1] holds it.
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
