import { loadLua } from '../redis/lua/load-lua';

const SCRIPT = loadLua('audit-append');

/**
 * The script's text (src/adapters/redis/lua/audit-append.lua), for SCRIPT LOAD.
 * Appends one sealed record, atomically: checks that the head is still what the record chains to (seq and hash),
 * then XADDs the record, moves the head, and adds the new stream id to the record's indexes (scored by seq).
 * A head that is missing while the stream has had entries (deleted by hand, or with the records after it) is
 * rebuilt from the last record, and the rebuild is recorded on the head (`rebuiltFrom`: the seq it chained on,
 * `rebuiltAdded` / `rebuiltLength`: the stream's entries-added and length then, `rebuiltId`: the id appended).
 * Appends never clear these fields, so `audit verify` reports the rebuild on every run instead of the next append
 * erasing the trace. (Refusing to append instead would turn one deleted key into an outage of every
 * state-changing command, without protecting more: whoever can delete the head can also rewrite it.)
 *
 * KEYS: stream, head, index sorted sets... ARGV: expected seq, expected hash, new seq, new hash, body.
 * Returns `{1, id}` when appended, `{0, seq, hash}` (the current head) when the chain moved on meanwhile.
 * Every check comes before the first write, so a refused write (OOM, READONLY, NOREPLICAS) leaves nothing behind.
 */
export const APPEND_SCRIPT = SCRIPT.source;

/** SHA-1 of {@link APPEND_SCRIPT}, for EVALSHA. */
export const APPEND_SCRIPT_SHA = SCRIPT.sha1;
