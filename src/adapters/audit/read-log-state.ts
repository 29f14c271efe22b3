import type { Redis } from 'ioredis';
import type { StoredHead, StreamCounters } from '../../core/audit/head-check';
import type { AuditKeys } from './audit-keys';

/** The head hash and the stream's counters, read in one transaction (so no append falls between them). */
export interface LogState {
  head: StoredHead;
  /** Undefined when the stream key does not exist. */
  counters?: StreamCounters;
}

function num(value: string | undefined): number | undefined {
  const n = Number(value);
  return value === undefined || value === '' || !Number.isFinite(n) ? undefined : n;
}

function toHead(fields: Record<string, string>): StoredHead {
  const head: StoredHead = {};
  const seq = num(fields['seq']);
  if (seq !== undefined) head.seq = seq;
  if (fields['hash'] !== undefined) head.hash = fields['hash'];
  if (fields['id'] !== undefined) head.id = fields['id'];
  const fromSeq = num(fields['rebuiltFrom']);
  if (fromSeq !== undefined) {
    head.rebuilt = {
      fromSeq,
      entriesAdded: num(fields['rebuiltAdded']) ?? 0,
      length: num(fields['rebuiltLength']) ?? 0,
      atId: fields['rebuiltId'] ?? '?',
    };
  }
  return head;
}

function toCounters(flat: unknown): StreamCounters {
  const info = new Map<string, unknown>();
  const items = Array.isArray(flat) ? (flat as unknown[]) : [];
  for (let i = 0; i + 1 < items.length; i += 2) info.set(String(items[i]), items[i + 1]);
  const text = (name: string): string | undefined => {
    const v = info.get(name);
    return typeof v === 'string' ? v : undefined;
  };
  const counters: StreamCounters = { length: Number(info.get('length') ?? 0), lastGeneratedId: text('last-generated-id') ?? '0-0' };
  const added = info.get('entries-added');
  if (added !== undefined) counters.entriesAdded = Number(added);
  const maxDeleted = text('max-deleted-entry-id');
  if (maxDeleted !== undefined) counters.maxDeletedId = maxDeleted;
  return counters;
}

/** Reads the head and XINFO STREAM atomically (MULTI). */
export async function readLogState(redis: Redis, keys: AuditKeys): Promise<LogState> {
  const res = await redis.multi().hgetall(keys.head).exists(keys.stream).xinfo('STREAM', keys.stream).exec();
  const [headReply, existsReply, infoReply] = res ?? [];
  if (headReply?.[0] != null) throw headReply[0];
  const state: LogState = { head: toHead((headReply?.[1] ?? {}) as Record<string, string>) };
  if (existsReply?.[1] === 1) {
    if (infoReply?.[0] != null) throw infoReply[0];
    state.counters = toCounters(infoReply?.[1]);
  }
  return state;
}
