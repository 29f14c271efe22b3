import { createHash } from 'node:crypto';

/**
 * Appends one sealed record, atomically: checks that the head is still what the record chains to (seq and hash),
 * then XADDs the record, moves the head, and adds the new stream id to the record's indexes (scored by seq).
 * A head that is missing while the stream has records (deleted by hand) is rebuilt from the last record.
 *
 * KEYS: stream, head, index sorted sets... ARGV: expected seq, expected hash, new seq, new hash, body.
 * Returns `{1, id}` when appended, `{0, seq, hash}` (the current head) when the chain moved on meanwhile.
 * Every check comes before the first write, so a refused write (OOM, READONLY, NOREPLICAS) leaves nothing behind.
 */
export const APPEND_SCRIPT = `
local head = redis.call('HMGET', KEYS[2], 'seq', 'hash')
local seq, hash = head[1], head[2]
if not seq then
  seq, hash = '0', string.rep('0', 64)
  local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
  if #last > 0 then
    local fields = last[1][2]
    local body
    for i = 1, #fields, 2 do
      if fields[i] == 'r' then body = fields[i + 1] elseif fields[i] == 'h' then hash = fields[i + 1] end
    end
    seq = string.format('%d', cjson.decode(body).seq)
  end
end
if seq ~= ARGV[1] or hash ~= ARGV[2] then return {0, seq, hash} end
local id = redis.call('XADD', KEYS[1], '*', 'r', ARGV[5], 'h', ARGV[4])
redis.call('HSET', KEYS[2], 'seq', ARGV[3], 'hash', ARGV[4], 'id', id)
for i = 3, #KEYS do redis.call('ZADD', KEYS[i], ARGV[3], id) end
return {1, id}
`;

/** SHA-1 of {@link APPEND_SCRIPT}, for EVALSHA. */
export const APPEND_SCRIPT_SHA = createHash('sha1').update(APPEND_SCRIPT).digest('hex');
