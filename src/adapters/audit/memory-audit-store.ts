import { matchesQuery, queryLimit } from '../../core/audit/match-query';
import { GENESIS_HASH } from '../../core/audit/record-hash';
import { sealRecord } from '../../core/audit/seal-record';
import type { AuditEventInput, AuditPort, AuditQuery, AuditRecord } from '../../ports/audit-port';
import { auditUnavailable } from './audit-unavailable';

/**
 * The audit log in memory, sealed and chained exactly as {@link RedisAuditStore} does: for unit tests of use
 * cases (fakes implement the real port) and the console without Redis. `failWrites` makes `append` reject as
 * a Redis refusing writes would (`audit_unavailable`), to test failing closed.
 */
export class MemoryAuditStore implements AuditPort {
  /** Every stored record, in append order. */
  readonly records: AuditRecord[] = [];
  /** While true, `append` rejects and stores nothing. */
  failWrites = false;

  constructor(private readonly now: () => number = Date.now) {}

  append(event: AuditEventInput): Promise<AuditRecord> {
    if (this.failWrites) return Promise.reject(auditUnavailable('refused', new Error('writes refused (MemoryAuditStore.failWrites)')));
    try {
      const last = this.records[this.records.length - 1];
      const { record } = sealRecord(event, { seq: (last?.seq ?? 0) + 1, prev: last?.hash ?? GENESIS_HASH, atMs: this.now() });
      this.records.push(record);
      return Promise.resolve(record);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** Same filters and order as the Redis store (newest first, `limit`). */
  query(q: AuditQuery): Promise<AuditRecord[]> {
    const out: AuditRecord[] = [];
    const limit = queryLimit(q);
    for (let i = this.records.length - 1; i >= 0 && out.length < limit; i--) {
      const r = this.records[i];
      if (r !== undefined && matchesQuery(r, q)) out.push(r);
    }
    return Promise.resolve(out);
  }
}
