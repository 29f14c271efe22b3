-- A job's slots in its groups' limits of hosts changing at once (see group-slots-take.ts), all or nothing.
-- KEYS: per group, 5 keys (line, wait lease, slots, hosts, told); then the ticket counter.
-- ARGV: job id, slot lease (ms), wait lease (ms), host, then each group's limit (in the KEYS' order).
local job = ARGV[1]
local slotTtl = tonumber(ARGV[2])
local waitTtl = tonumber(ARGV[3])
local host = ARGV[4]
local n = #ARGV - 4
local ticketKey = KEYS[5 * n + 1]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function key(i, j)
  return KEYS[5 * (i - 1) + j]
end

-- Lapsed leases go: a holder whose worker stopped renewing, a waiter that stopped asking.
for i = 1, n do
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', key(i, 3), '-inf', now)) do
    redis.call('ZREM', key(i, 3), id)
    if not redis.call('ZSCORE', key(i, 1), id) then
      redis.call('HDEL', key(i, 4), id)
    end
  end
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', key(i, 2), '-inf', now)) do
    redis.call('ZREM', key(i, 1), id)
    redis.call('ZREM', key(i, 2), id)
    redis.call('SREM', key(i, 5), id)
    if not redis.call('ZSCORE', key(i, 3), id) then
      redis.call('HDEL', key(i, 4), id)
    end
  end
end

-- Holding every slot already (taken again after a stall): the leases are renewed.
local holdsAll = true
for i = 1, n do
  if not redis.call('ZSCORE', key(i, 3), job) then
    holdsAll = false
  end
end
if holdsAll then
  for i = 1, n do
    redis.call('ZADD', key(i, 3), now + slotTtl, job)
  end
  return {'acquired'}
end

-- All or nothing: a slot held in some groups only is given back, and the job stands in every line, with one ticket
-- (the one it has, or a new one), so that any two jobs stand in the same order in every group they share.
local ticket = false
for i = 1, n do
  redis.call('ZREM', key(i, 3), job)
  ticket = ticket or redis.call('ZSCORE', key(i, 1), job)
end
if not ticket then
  ticket = redis.call('INCR', ticketKey)
end
for i = 1, n do
  redis.call('ZADD', key(i, 1), 'NX', ticket, job)
  redis.call('ZADD', key(i, 2), now + waitTtl, job)
  redis.call('HSET', key(i, 4), job, host)
end

-- FIFO per group: with `free` slots left, only the first `free` jobs of the line may take one.
local blocked = {}
for i = 1, n do
  local rank = redis.call('ZRANK', key(i, 1), job)
  local free = tonumber(ARGV[4 + i]) - redis.call('ZCARD', key(i, 3))
  if rank >= free then
    blocked[#blocked + 1] = {i, rank}
  end
end
if #blocked == 0 then
  for i = 1, n do
    redis.call('ZREM', key(i, 1), job)
    redis.call('ZREM', key(i, 2), job)
    redis.call('SREM', key(i, 5), job)
    redis.call('ZADD', key(i, 3), now + slotTtl, job)
  end
  return {'acquired'}
end

-- Waiting: per group in the way, its index, the job's rank (0: first), whether this is the first report of the wait,
-- the holders and their hosts, and the first jobs ahead in line.
local out = {'waiting'}
for _, b in ipairs(blocked) do
  local i, rank = b[1], b[2]
  local holders = redis.call('ZRANGE', key(i, 3), 0, -1)
  local hosts = {}
  for h, id in ipairs(holders) do
    hosts[h] = redis.call('HGET', key(i, 4), id) or ''
  end
  local ahead = {}
  if rank > 0 then
    ahead = redis.call('ZRANGE', key(i, 1), 0, math.min(rank, 5) - 1)
  end
  out[#out + 1] = {i, rank, redis.call('SADD', key(i, 5), job), holders, hosts, ahead}
end
return out
