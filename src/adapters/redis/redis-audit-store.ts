import type { Redis } from 'ioredis';
import type { ChainHead, ChainProblem } from '../../core/audit/chain-verifier';
import type { FileRecordRef } from '../../core/audit/file-records';
import { compareWithFile } from '../audit/compare-with-file';
import { csvHeader, toCsvLine, toJsonLine, type ExportFormat } from '../../core/audit/export-format';
import type { AuditEventInput, AuditPort, AuditQuery, AuditRecord } from '../../ports/audit-port';
import { auditKeys, type AuditKeys } from '../audit/audit-keys';
import { ChainedAppender, type AuditMirror } from '../audit/chained-appender';
import { walkQuery } from '../audit/query-walk';
import { readHead } from '../audit/read-head';
import { walkRange, type ExportRange } from '../audit/range-walk';
import { tailStream, type TailOptions } from '../audit/tail-stream';
import { verifyStream, type AuditVerifyReport, type VerifyOptions } from '../audit/verify-stream';

/** Options of {@link RedisAuditStore}. */
export interface RedisAuditStoreOptions {
  /** Key prefix. @defaultValue `srs-chatops:audit` */
  prefix?: string;
  /** `append` rejects when Redis has not confirmed the record after this long. @defaultValue 2000 */
  writeTimeoutMs?: number;
  /** Also write every record here (e.g. a {@link FileAuditSink}) before `append` resolves. */
  mirror?: AuditMirror;
  /** Clock of `at`. @defaultValue Date.now */
  now?: () => number;
  /** Records sent in one pipeline at most when appends queue up. @defaultValue 256 */
  maxBatch?: number;
  /** Records a query looks at, at most. @defaultValue 100000 */
  maxScan?: number;
  /** How far apart the clocks of appending processes may be (time filters widen by this). @defaultValue 60000 */
  clockSkewMs?: number;
}

/** Options of {@link RedisAuditStore.export}. */
export interface ExportOptions extends ExportRange {
  format: ExportFormat;
}

/**
 * The audit log in Redis: an append-only stream (`srs-chatops:audit`, never trimmed, apart from BullMQ), a
 * hash chain over its records (`seq`, `prev`, `hash` = SHA-256 of the canonical JSON), the chain head kept
 * beside it, and sorted-set indexes per host, Slack user and request (stream ids scored by seq).
 *
 * Appends from any number of processes form one chain: each is one Lua script that checks the head it chains
 * to, XADDs, moves the head and indexes the record, atomically; concurrent appends are pipelined (see
 * {@link ChainedAppender}). `append` rejects with `audit_unavailable` when Redis refuses the write (OOM,
 * READONLY, NOREPLICAS, disconnected) or does not confirm it within `writeTimeoutMs`; the caller fails closed.
 * Use a connection without an offline queue (`producerConnection`), so a Redis that is down is an immediate error.
 */
export class RedisAuditStore implements AuditPort {
  readonly keys: AuditKeys;
  private readonly appender: ChainedAppender;
  private readonly maxScan: number;
  private readonly clockSkewMs: number;

  constructor(
    private readonly redis: Redis,
    options: RedisAuditStoreOptions = {},
  ) {
    this.keys = auditKeys(options.prefix);
    this.maxScan = options.maxScan ?? 100_000;
    this.clockSkewMs = options.clockSkewMs ?? 60_000;
    this.appender = new ChainedAppender({
      redis,
      keys: this.keys,
      writeTimeoutMs: options.writeTimeoutMs ?? 2000,
      now: options.now ?? Date.now,
      maxBatch: options.maxBatch ?? 256,
      ...(options.mirror === undefined ? {} : { mirror: options.mirror }),
    });
  }

  /** Appends one record to the chain; resolves with it once stored (and mirrored), rejects otherwise. */
  append(event: AuditEventInput): Promise<AuditRecord> {
    return this.appender.append(event);
  }

  /**
   * Records matching every filter, newest first, at most `limit` (default 20, at most 1,000). `actor` matches the
   * actor or `data.requestedBy`. Walks the request's, host's or Slack user's index when the query has one of
   * those filters, else the stream from its end; gives up after `maxScan` records.
   */
  query(q: AuditQuery): Promise<AuditRecord[]> {
    return walkQuery(this.redis, this.keys, q, { maxScan: this.maxScan, clockSkewMs: this.clockSkewMs });
  }

  /** The chain head (last seq and hash); undefined for an empty log. */
  head(): Promise<ChainHead | undefined> {
    return readHead(this.redis, this.keys);
  }

  /**
   * Walks the whole log and reports the first record edited, removed, reordered or re-timed, a missing or
   * lagging head, and index entries missing or stray (and how many problems). The clock skew allowed between
   * stream ids and records' times defaults to the store's `clockSkewMs`.
   */
  verify(options: VerifyOptions = {}): Promise<AuditVerifyReport> {
    return verifyStream(this.redis, this.keys, { clockSkewMs: this.clockSkewMs, ...options });
  }

  /** Compares the log with a file's records (by seq): the first record missing from either side or differing. */
  compareWithFile(file: ReadonlyMap<number, FileRecordRef>): Promise<{ first?: ChainProblem; problems: number }> {
    return compareWithFile(this.redis, this.keys, file);
  }

  /** Records in a time range (and of one host), oldest first. */
  records(range: ExportRange = {}): AsyncGenerator<AuditRecord> {
    return walkRange(this.redis, this.keys, range, this.clockSkewMs);
  }

  /** The records of {@link records} as lines: JSON lines (canonical, with hash), or CSV with a header line. */
  async *export(options: ExportOptions): AsyncGenerator<string> {
    if (options.format === 'csv') yield csvHeader();
    for await (const record of this.records(options)) yield options.format === 'csv' ? toCsvLine(record) : toJsonLine(record);
  }

  /** The last records, then (with `follow`) new ones as they come. */
  tail(options: TailOptions = {}): AsyncGenerator<AuditRecord> {
    return tailStream(this.redis, this.keys, options);
  }

  /** Resolves once every append made so far has settled. */
  drain(): Promise<void> {
    return this.appender.drain();
  }
}
