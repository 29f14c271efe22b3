import type { Redis } from 'ioredis';
import { recordTime } from '../../core/audit/match-query';
import type { AuditRecord } from '../../ports/audit-port';
import type { AuditKeys } from './audit-keys';
import { readIndexPage } from './index-page-script';
import { idAfter, idAtOrAfter, idAtOrBefore, toRecord, type RawStreamEntry } from './stream-entries';

/** What `audit export` takes: a time range (epoch ms, both ends included) and a host. */
export interface ExportRange {
  since?: number;
  until?: number;
  host?: string;
}

const BATCH = 1000;

function inRange(record: AuditRecord, range: ExportRange): boolean {
  const t = recordTime(record);
  if (range.since !== undefined && !(t >= range.since)) return false;
  if (range.until !== undefined && !(t <= range.until)) return false;
  return range.host === undefined || record.host === range.host;
}

/**
 * Every record in the range, oldest first, read in batches of 1,000: from the host's index when a host is
 * given, else from the stream between the ids of `since` and `until` (widened by `clockSkewMs`, then filtered
 * on each record's `at`). Unreadable entries are skipped (`verify` reports them).
 */
export async function* walkRange(redis: Redis, keys: AuditKeys, range: ExportRange, clockSkewMs: number): AsyncGenerator<AuditRecord> {
  if (range.host !== undefined) {
    const key = keys.index({ kind: 'host', value: range.host });
    let min = '-inf';
    for (;;) {
      const page = await readIndexPage(redis, key, keys.stream, 'fwd', min, '+inf', BATCH);
      for (const entry of page.entries) {
        const record = toRecord(entry);
        if (record !== undefined && inRange(record, range)) yield record;
      }
      if (page.read < BATCH || page.lastScore === undefined) return;
      min = `(${page.lastScore}`;
    }
  }
  let start: string | undefined = range.since === undefined ? '-' : idAtOrAfter(range.since - clockSkewMs);
  const end = range.until === undefined ? '+' : idAtOrBefore(range.until + clockSkewMs);
  while (start !== undefined) {
    const entries = (await redis.xrange(keys.stream, start, end, 'COUNT', BATCH)) as RawStreamEntry[];
    for (const entry of entries) {
      const record = toRecord(entry);
      if (record !== undefined && inRange(record, range)) yield record;
    }
    const last = entries[entries.length - 1];
    if (last === undefined || entries.length < BATCH) return;
    start = idAfter(last[0]);
  }
}
