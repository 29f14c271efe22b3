import type { Redis } from 'ioredis';
import type { IndexEntry, IndexLedger } from '../../core/audit/index-ledger';
import type { AuditIndexRef } from '../../core/audit/index-plan';
import type { AuditKeys } from './audit-keys';
import { toRecord, type RawStreamEntry } from './stream-entries';

const KINDS = new Set<string>(['host', 'user', 'request']);
/** Indexes read per pipeline. */
const PIPELINE = 500;

/** `*`, `?`, `[`, `]`, `\` escaped for a SCAN pattern. */
function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/** Every index key in Redis (sorted sets `<prefix>:host|user|request:<value>`), as refs. */
async function scanIndexes(redis: Redis, prefix: string): Promise<AuditIndexRef[]> {
  const refs = new Map<string, AuditIndexRef>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${globEscape(prefix)}:*`, 'COUNT', '1000', 'TYPE', 'zset');
    cursor = next;
    for (const key of keys) {
      const rest = key.slice(prefix.length + 1);
      const colon = rest.indexOf(':');
      const kind = rest.slice(0, colon);
      if (colon > 0 && KINDS.has(kind)) refs.set(key, { kind: kind as AuditIndexRef['kind'], value: rest.slice(colon + 1) });
    }
  } while (cursor !== '0');
  return [...refs.values()];
}

function toEntries(flat: readonly string[]): IndexEntry[] {
  const out: IndexEntry[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push({ member: flat[i] ?? '', score: Number(flat[i + 1]) });
  return out;
}

/**
 * Checks every index against the walked stream, both ways (see {@link IndexLedger}): the indexes the records
 * belong in and every index key found in Redis (SCAN), read a few hundred per pipeline. Entries scored above the
 * last walked seq (appended after the walk) are checked against the record their id points at.
 */
export async function verifyIndexes(redis: Redis, keys: AuditKeys, prefix: string, ledger: IndexLedger): Promise<void> {
  const refs = new Map<string, AuditIndexRef>();
  for (const ref of [...ledger.expectedIndexes(), ...(await scanIndexes(redis, prefix))]) refs.set(keys.index(ref), ref);
  const all = [...refs.entries()];
  const max = ledger.walkedMaxSeq;
  const late: Array<{ ref: AuditIndexRef; entry: IndexEntry }> = [];
  for (let i = 0; i < all.length; i += PIPELINE) {
    const chunk = all.slice(i, i + PIPELINE);
    const pipeline = redis.pipeline();
    for (const [key] of chunk) pipeline.zrange(key, '0', '-1', 'WITHSCORES');
    const results = (await pipeline.exec()) ?? [];
    chunk.forEach(([, ref], n) => {
      const [err, flat] = results[n] ?? [new Error('no reply'), undefined];
      if (err !== null) throw err;
      const entries = toEntries(flat as string[]);
      ledger.check(
        ref,
        entries.filter((e) => e.score <= max),
      );
      for (const entry of entries) if (entry.score > max) late.push({ ref, entry });
    });
  }
  for (let i = 0; i < late.length; i += PIPELINE) {
    const chunk = late.slice(i, i + PIPELINE);
    const pipeline = redis.pipeline();
    for (const { entry } of chunk) pipeline.xrange(keys.stream, entry.member, entry.member);
    const results = (await pipeline.exec()) ?? [];
    chunk.forEach(({ ref, entry }, n) => {
      const found = (results[n]?.[1] as RawStreamEntry[] | undefined)?.[0];
      ledger.checkLate(ref, entry, found === undefined ? undefined : toRecord(found));
    });
  }
}
