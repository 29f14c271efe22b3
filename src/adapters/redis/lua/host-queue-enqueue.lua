-- Appends jobs to their hosts' FIFO lines (see host-queue.ts), each once: a job already in its line, or already known
-- to BullMQ (queued before and taken, or run), is left as it is, so queueing a job again never queues it twice.
-- Fan-out mode ('fanout'): the chunk of a fan-out is refused when the fan-out was cancelled, and refused when the
-- fan-out's ledger does not have the length the expander expects (another expander got ahead); otherwise its hosts
-- are appended to the ledger in the same step, so a cancel that reads the ledger sees every host ever queued.
-- KEYS: queue details hash; in fan-out mode the fan-out's cancel flag and ledger; then per job: host line, BullMQ job.
-- ARGV: mode ('plain' or 'fanout'), expected ledger length, ledger time-to-live (s); then per job: id, host, details.
-- Returns {'queued', ahead...} (jobs ahead of each in its line), {'cancelled'} or {'moved', ledger length}.
local fanout = ARGV[1] == 'fanout'
local first = 2
if fanout then
  first = 4
  if redis.call('EXISTS', KEYS[2]) == 1 then
    return {'cancelled'}
  end
  local length = redis.call('LLEN', KEYS[3])
  if length ~= tonumber(ARGV[2]) then
    return {'moved', length}
  end
end
local reply = {'queued'}
local n = (#ARGV - 3) / 3
for i = 0, n - 1 do
  local line = KEYS[first + 2 * i]
  local job = ARGV[4 + 3 * i]
  local pos = redis.call('LPOS', line, job)
  if pos then
    reply[#reply + 1] = pos
  elseif redis.call('EXISTS', KEYS[first + 2 * i + 1]) == 1 then
    reply[#reply + 1] = 0
  else
    reply[#reply + 1] = redis.call('RPUSH', line, job) - 1
    redis.call('HSET', KEYS[1], job, ARGV[6 + 3 * i])
  end
  if fanout then
    redis.call('RPUSH', KEYS[3], ARGV[5 + 3 * i])
  end
end
if fanout and n > 0 then
  redis.call('EXPIRE', KEYS[3], ARGV[3])
end
return reply
