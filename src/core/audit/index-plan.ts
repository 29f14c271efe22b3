import type { AuditQuery, AuditRecord } from '../../ports/audit-port';
import { usersOf } from './match-query';

/** A secondary index of the audit log: every record of one host, one Slack user, or one chat request. */
export interface AuditIndexRef {
  kind: 'host' | 'user' | 'request';
  value: string;
}

/** Slack user ids get a user index; other actors (`system`, `worker:<id>`) are found by scanning. */
const SLACK_USER_ID = /^[UW][A-Z0-9]{2,20}$/;

/** True when `actor` has its own index (a Slack user id). */
export function isIndexedUser(actor: string): boolean {
  return SLACK_USER_ID.test(actor);
}

/** The indexes a record is listed in: its host, its Slack users (actor and requester), its request. */
export function indexesOf(record: Pick<AuditRecord, 'host' | 'actor' | 'data' | 'requestId'>): AuditIndexRef[] {
  const refs: AuditIndexRef[] = [];
  if (record.host !== undefined && record.host !== '') refs.push({ kind: 'host', value: record.host });
  for (const user of usersOf(record)) if (isIndexedUser(user)) refs.push({ kind: 'user', value: user });
  if (record.requestId !== undefined && record.requestId !== '') refs.push({ kind: 'request', value: record.requestId });
  return refs;
}

/**
 * The index a query walks (newest first, other filters applied to what it yields): the request, else the host,
 * else the Slack user; undefined means walking the whole log from its end.
 */
export function drivingIndex(q: AuditQuery): AuditIndexRef | undefined {
  if (q.requestId !== undefined) return { kind: 'request', value: q.requestId };
  if (q.host !== undefined) return { kind: 'host', value: q.host };
  if (q.actor !== undefined && isIndexedUser(q.actor)) return { kind: 'user', value: q.actor };
  return undefined;
}
