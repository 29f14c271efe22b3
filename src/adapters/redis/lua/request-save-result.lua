
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
local n = 0
for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
  if string.sub(field, 1, 7) == 'result:' then n = n + 1 end
end
return n
