import type { Redis } from 'ioredis';
import { ChainVerifier, type ChainHead, type ChainReport } from '../../core/audit/chain-verifier';
import type { AuditKeys } from './audit-keys';
import { readHead } from './read-head';
import { idAfter, toChainEntry, type RawStreamEntry } from './stream-entries';

/** A verification of the log in Redis: the chain report and the head it was checked against. */
export interface AuditVerifyReport extends ChainReport {
  /** The head read before the walk; undefined when there was none (an empty log, or a deleted head). */
  head?: ChainHead;
}

/** Options of {@link verifyStream}. */
export interface VerifyOptions {
  /** Entries read per XRANGE. @defaultValue 2000 */
  batch?: number;
  /** Called after each batch with the entries checked so far. */
  onProgress?: (checked: number) => void;
  /** Records whose hash is known from outside Redis (a SIEM copy, a hash noted earlier): each must be found. */
  anchors?: readonly ChainHead[];
}

/**
 * Walks the whole stream oldest first and checks the chain (see {@link ChainVerifier}), against the head read
 * first (records appended during the walk are checked too). The next batch is requested before the current
 * one is hashed, so Redis and the hashing overlap.
 */
export async function verifyStream(redis: Redis, keys: AuditKeys, options: VerifyOptions = {}): Promise<AuditVerifyReport> {
  const batch = options.batch ?? 2000;
  const head = await readHead(redis, keys);
  const verifier = new ChainVerifier(head, options.anchors);
  const read = (start: string): Promise<RawStreamEntry[]> => redis.xrange(keys.stream, start, '+', 'COUNT', batch);
  let pending: Promise<RawStreamEntry[]> | undefined = read('-');
  let checked = 0;
  while (pending !== undefined) {
    const entries: RawStreamEntry[] = await pending;
    const last = entries[entries.length - 1];
    const next = last === undefined || entries.length < batch ? undefined : idAfter(last[0]);
    pending = next === undefined ? undefined : read(next);
    for (const entry of entries) verifier.push(toChainEntry(entry));
    checked += entries.length;
    options.onProgress?.(checked);
  }
  const report: AuditVerifyReport = verifier.finish();
  if (head !== undefined) report.head = head;
  return report;
}
