
local head = redis.call('LINDEX', KEYS[1], 0)
if head ~= ARGV[1] then
  if head ~= false and redis.call('LPOS', KEYS[1], ARGV[1]) ~= false then
    return {'behind', head}
  end
  redis.call('RPUSH', KEYS[1], ARGV[1])
  if head ~= false then
    return {'queued'}
  end
end
if not redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2], 'NX') then
  local holder = redis.call('GET', KEYS[2])
  if holder ~= ARGV[1] then
    return {'locked', holder or ''}
  end
end
local cancelled = redis.call('GET', KEYS[3])
if cancelled then
  return {'acquired', cancelled}
end
return {'acquired'}
