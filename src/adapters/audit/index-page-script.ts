import type { Redis } from 'ioredis';
import { luaScript } from '../redis/lua-script';
import { loadLua } from '../redis/lua/load-lua';
import type { RawStreamEntry } from './stream-entries';

/**
 * One page of an index, with its records, in one command: ZREVRANGEBYSCORE (or ZRANGEBYSCORE) of the index's
 * stream ids, then XRANGE of each. Read-only. KEYS: index, stream. ARGV: `rev` or `fwd`, the start bound
 * (`+inf`, `(123`), the end bound, count. Returns score, entry (nil when the entry is gone), score, entry, ...
 */
export const INDEX_PAGE_SCRIPT = loadLua('audit-index-page').source;

const SCRIPT = luaScript(INDEX_PAGE_SCRIPT);

/** A page of an index: the entries still in the stream, in index order, and the score of the last id read. */
export interface IndexPage {
  entries: RawStreamEntry[];
  /** Ids read (entries deleted from the stream count too): fewer than asked means the index is exhausted. */
  read: number;
  lastScore: string | undefined;
}

/**
 * Reads one page of an index (newest first with `rev`) and the records it points at, in one round trip and one
 * command (EVALSHA, loading the script on NOSCRIPT).
 */
export async function readIndexPage(
  redis: Redis,
  index: string,
  stream: string,
  order: 'rev' | 'fwd',
  from: string,
  to: string,
  count: number,
): Promise<IndexPage> {
  const flat = await SCRIPT.run(redis, [index, stream], [order, from, to, String(count)]);
  const items = flat as Array<string | RawStreamEntry | null>;
  const entries: RawStreamEntry[] = [];
  for (let i = 1; i < items.length; i += 2) {
    const entry = items[i];
    if (Array.isArray(entry)) entries.push(entry);
  }
  const last = items[items.length - 2];
  return { entries, read: items.length / 2, lastScore: typeof last === 'string' ? last : undefined };
}
