import type { Redis } from 'ioredis';
import { drivingIndex } from '../../core/audit/index-plan';
import { matchesQuery, queryLimit, recordTime } from '../../core/audit/match-query';
import type { AuditQuery, AuditRecord } from '../../ports/audit-port';
import type { AuditKeys } from './audit-keys';
import { readIndexPage } from './index-page-script';
import { idAtOrAfter, idAtOrBefore, idBefore, toRecord, type RawStreamEntry } from './stream-entries';

/** Bounds of a query walk. */
export interface WalkLimits {
  /** Records looked at, at most, before a query answers with what it found. */
  maxScan: number;
  /** Clocks of the processes that append may differ this much: a walk stops this far before `since`. */
  clockSkewMs: number;
}

/** Collects matches newest first; says when to stop (limit reached, or records older than `since` reached). */
class Collector {
  readonly found: AuditRecord[] = [];
  scanned = 0;
  private readonly floor: number;

  constructor(
    private readonly q: AuditQuery,
    private readonly limit: number,
    skewMs: number,
  ) {
    this.floor = q.since === undefined ? -Infinity : q.since - skewMs;
  }

  /** Takes entries (newest first); true when the walk can stop. */
  take(entries: readonly RawStreamEntry[]): boolean {
    for (const entry of entries) {
      this.scanned++;
      const record = toRecord(entry);
      if (record === undefined) continue;
      if (recordTime(record) < this.floor) return true;
      if (matchesQuery(record, this.q)) this.found.push(record);
      if (this.found.length >= this.limit) return true;
    }
    return false;
  }
}

/**
 * Answers a query newest first by walking one index (request, host or Slack user: a sorted set of stream ids
 * scored by seq) or, with none of those filters, the stream from its end; every other filter is applied to the
 * records read. Batches grow (limit x 3, then x 4 each round, up to 1,000); an index page and its records are
 * read by one script (one command, one round trip), so "newest 20 of a host" is usually one command. Stops at `limit` matches, at records older than `since`, or after
 * `maxScan` records (then answers with what it found).
 */
export async function walkQuery(redis: Redis, keys: AuditKeys, q: AuditQuery, limits: WalkLimits): Promise<AuditRecord[]> {
  const limit = queryLimit(q);
  const c = new Collector(q, limit, limits.clockSkewMs);
  let batch = Math.min(1000, Math.max(32, limit * 3));
  const index = drivingIndex(q);
  if (index !== undefined) {
    const key = keys.index(index);
    let max = '+inf';
    while (c.scanned < limits.maxScan) {
      const page = await readIndexPage(redis, key, keys.stream, 'rev', max, '-inf', batch);
      if (c.take(page.entries) || page.read < batch || page.lastScore === undefined) break;
      max = `(${page.lastScore}`;
      batch = Math.min(1000, batch * 4);
    }
    return c.found;
  }
  let end: string | undefined = q.until === undefined ? '+' : idAtOrBefore(q.until + limits.clockSkewMs);
  const start = q.since === undefined ? '-' : idAtOrAfter(q.since - limits.clockSkewMs);
  while (end !== undefined && c.scanned < limits.maxScan) {
    const entries = (await redis.xrevrange(keys.stream, end, start, 'COUNT', batch)) as RawStreamEntry[];
    const last = entries[entries.length - 1];
    if (last === undefined || c.take(entries) || entries.length < batch) break;
    end = idBefore(last[0]);
    batch = Math.min(1000, batch * 4);
  }
  return c.found;
}
