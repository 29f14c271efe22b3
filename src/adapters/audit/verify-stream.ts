import type { Redis } from 'ioredis';
import { ChainVerifier, type ChainHead, type ChainProblem, type ChainReport } from '../../core/audit/chain-verifier';
import { checkHead } from '../../core/audit/head-check';
import { IndexLedger } from '../../core/audit/index-ledger';
import { DEFAULT_VERIFY_CLOCK_SKEW_MS, StreamTimeCheck } from '../../core/audit/stream-time-check';
import type { AuditKeys } from './audit-keys';
import { readLogState } from './read-log-state';
import { idAfter, toChainEntry, type RawStreamEntry } from './stream-entries';
import { verifyIndexes } from './verify-indexes';

/** A verification of the log in Redis: the chain report and the head it was checked against. */
export interface AuditVerifyReport extends ChainReport {
  /** The head read before the walk; undefined when there was none (an empty log, or a deleted head). */
  head?: ChainHead;
  /** The first problem of each check that failed (chain, stream ids, head, indexes), in that order. */
  findings: ChainProblem[];
}

/** Options of {@link verifyStream}. */
export interface VerifyOptions {
  /** Entries read per XRANGE. @defaultValue 2000 */
  batch?: number;
  /** Called after each batch with the entries checked so far. */
  onProgress?: (checked: number) => void;
  /** Records whose hash is known from outside Redis (a SIEM copy, a hash noted earlier): each must be found. */
  anchors?: readonly ChainHead[];
  /** How far a stream id's time may be from its record's `at`. @defaultValue 60000 */
  clockSkewMs?: number;
}

/**
 * Verifies everything the log in Redis holds:
 * - the chain: walks the whole stream oldest first (see {@link ChainVerifier}), against the head read first
 *   (records appended during the walk are checked too); the next batch is requested before the current one is
 *   hashed, so Redis and the hashing overlap;
 * - each stream id's time against its record's `at`, within `clockSkewMs` ({@link StreamTimeCheck});
 * - the head against the stream's own counters (XINFO STREAM, read with the head in one transaction);
 * - every host, user and request index against the records, both ways ({@link IndexLedger}).
 * The report's `first` is the chain's first problem, else that of the next check in that order.
 */
export async function verifyStream(redis: Redis, keys: AuditKeys, options: VerifyOptions = {}): Promise<AuditVerifyReport> {
  const batch = options.batch ?? 2000;
  const state = await readLogState(redis, keys);
  const head = state.head.seq !== undefined && state.head.hash !== undefined ? { seq: state.head.seq, hash: state.head.hash } : undefined;
  const verifier = new ChainVerifier(head, options.anchors);
  const times = new StreamTimeCheck(options.clockSkewMs ?? DEFAULT_VERIFY_CLOCK_SKEW_MS);
  const ledger = new IndexLedger();
  const read = (start: string): Promise<RawStreamEntry[]> => redis.xrange(keys.stream, start, '+', 'COUNT', batch);
  let pending: Promise<RawStreamEntry[]> | undefined = read('-');
  let checked = 0;
  while (pending !== undefined) {
    const entries: RawStreamEntry[] = await pending;
    const last = entries[entries.length - 1];
    const next = last === undefined || entries.length < batch ? undefined : idAfter(last[0]);
    pending = next === undefined ? undefined : read(next);
    for (const raw of entries) {
      const entry = toChainEntry(raw);
      verifier.push(entry);
      if (entry.record === undefined) continue;
      times.push(entry.id, entry.record);
      ledger.note(entry.id, entry.record);
    }
    checked += entries.length;
    options.onProgress?.(checked);
  }
  const chain = verifier.finish();
  await verifyIndexes(redis, keys, keys.prefix, ledger);
  const removal = chain.first !== undefined && chain.first.kind === 'removed';
  const headProblems = checkHead(state.head, state.counters, keys.head, removal);
  const checks = [chain, times.result(), { first: headProblems[0], problems: headProblems.length }, ledger.result()];
  const findings = checks.flatMap((c) => (c.first === undefined ? [] : [c.first]));
  const problems = checks.reduce((sum, c) => sum + c.problems, 0);
  const report: AuditVerifyReport = { ...chain, ok: problems === 0, problems, findings };
  if (findings[0] !== undefined) report.first = findings[0];
  if (head !== undefined) report.head = head;
  return report;
}
