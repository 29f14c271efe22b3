import type { AuditQuery, AuditRecord } from '../../ports/audit-port';

/** Default and largest `limit` of a query. */
export const DEFAULT_QUERY_LIMIT = 20;
export const MAX_QUERY_LIMIT = 1000;

/** The Slack user a record is about: who acted, or who asked (`data.requestedBy`, for a worker's records). */
export function usersOf(record: Pick<AuditRecord, 'actor' | 'data'>): string[] {
  const users = [record.actor];
  const by = record.data['requestedBy'];
  if (typeof by === 'string' && by !== record.actor && by !== '') users.push(by);
  return users;
}

/** Epoch ms of a record's `at`; NaN when it is not a time. */
export function recordTime(record: Pick<AuditRecord, 'at'>): number {
  return Date.parse(record.at);
}

/**
 * True when `record` passes every filter of `q` but `limit`: host, verb, actor (the actor or `data.requestedBy`),
 * request id, types, and `since <= at <= until`.
 */
export function matchesQuery(record: AuditRecord, q: AuditQuery): boolean {
  if (q.host !== undefined && record.host !== q.host) return false;
  if (q.verb !== undefined && record.verb !== q.verb) return false;
  if (q.actor !== undefined && !usersOf(record).includes(q.actor)) return false;
  if (q.requestId !== undefined && record.requestId !== q.requestId) return false;
  if (q.types !== undefined && !q.types.includes(record.type)) return false;
  if (q.since !== undefined || q.until !== undefined) {
    const t = recordTime(record);
    if (q.since !== undefined && !(t >= q.since)) return false;
    if (q.until !== undefined && !(t <= q.until)) return false;
  }
  return true;
}

/** A query's limit, clamped to 1..{@link MAX_QUERY_LIMIT} (default {@link DEFAULT_QUERY_LIMIT}). */
export function queryLimit(q: AuditQuery): number {
  const n = q.limit ?? DEFAULT_QUERY_LIMIT;
  return Number.isFinite(n) ? Math.min(MAX_QUERY_LIMIT, Math.max(1, Math.floor(n))) : DEFAULT_QUERY_LIMIT;
}
