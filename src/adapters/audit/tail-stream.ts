import type { Redis } from 'ioredis';
import type { AuditRecord } from '../../ports/audit-port';
import type { AuditKeys } from './audit-keys';
import { toRecord, type RawStreamEntry } from './stream-entries';

/** Options of {@link tailStream}. */
export interface TailOptions {
  /** Records from the end shown first. @defaultValue 10 */
  last?: number;
  /** Keep going with new records as they are appended, until `signal` aborts. @defaultValue false */
  follow?: boolean;
  signal?: AbortSignal;
  /** How long one blocking read waits. @defaultValue 1000 */
  blockMs?: number;
}

/**
 * The last `last` records, oldest first; with `follow`, then every new record as it is appended (XREAD BLOCK
 * on a connection of its own, closed when the walk ends or `signal` aborts).
 */
export async function* tailStream(redis: Redis, keys: AuditKeys, options: TailOptions = {}): AsyncGenerator<AuditRecord> {
  const count = Math.max(0, Math.floor(options.last ?? 10));
  const recent = count === 0 ? [] : (((await redis.xrevrange(keys.stream, '+', '-', 'COUNT', count)) as RawStreamEntry[] | null) ?? []);
  let lastId = recent[0]?.[0] ?? '0-0';
  if (recent.length === 0 && options.follow === true) {
    const newest = (await redis.xrevrange(keys.stream, '+', '-', 'COUNT', 1)) as RawStreamEntry[];
    lastId = newest[0]?.[0] ?? '0-0';
  }
  for (const entry of recent.reverse()) {
    const record = toRecord(entry);
    if (record !== undefined) yield record;
  }
  const aborted = (): boolean => options.signal?.aborted === true;
  if (options.follow !== true || aborted()) return;
  const reader = redis.duplicate();
  const stop = (): void => reader.disconnect();
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    while (!aborted()) {
      let res: Array<[string, RawStreamEntry[]]> | null;
      try {
        res = await reader.xread('COUNT', 1000, 'BLOCK', options.blockMs ?? 1000, 'STREAMS', keys.stream, lastId);
      } catch (err) {
        if (aborted()) return;
        throw err;
      }
      for (const [, entries] of res ?? []) {
        for (const entry of entries) {
          lastId = entry[0];
          const record = toRecord(entry);
          if (record !== undefined) yield record;
        }
      }
    }
  } finally {
    options.signal?.removeEventListener('abort', stop);
    reader.disconnect();
  }
}
