import type { AuditEventType, AuditRecord } from '../../ports/audit-port';
import { isIndexedUser } from './index-plan';

/** Records that are rows of `/srs history`: a host's result, or a request that never ran. */
export const HISTORY_ROW_TYPES: readonly AuditEventType[] = [
  'job.result',
  'request.denied',
  'request.failed',
  'approval.denied',
  'approval.expired',
  'approval.voided',
  'confirm.cancelled',
  'confirm.expired',
  'confirm.voided',
  'request.dry_run',
];

/** Records of a request that tell who asked, who approved and where its thread is. */
export const HISTORY_CONTEXT_TYPES: readonly AuditEventType[] = [
  'request.received',
  'request.queued',
  'request.done',
  'approval.granted',
  'approval.denied',
];

/** What a row's outcome is when the request never ran. */
const REQUEST_OUTCOME: Partial<Record<AuditEventType, string>> = {
  'request.denied': 'denied',
  'request.failed': 'not queued',
  'approval.denied': 'not approved',
  'approval.expired': 'approval expired',
  'approval.voided': 'approval void',
  'confirm.cancelled': 'not confirmed',
  'confirm.expired': 'confirmation expired',
  'confirm.voided': 'confirmation void',
  'request.dry_run': 'dry run',
};

/** One line of `/srs history`. */
export interface HistoryRow {
  seq: number;
  /** ISO time of the record. */
  at: string;
  /** Who asked (a Slack user id, or the actor as recorded). */
  user: string;
  verb?: string;
  /** The host, or the target as typed for a request that never ran. */
  target?: string;
  /** `ok`, `noop`, `failed`, `refused`, `unknown` (a host's result), or `denied`, `not queued`, `not approved`, `approval expired`, `approval void`, `not confirmed`, `confirmation expired`, `confirmation void`, `dry run`. */
  outcome: string;
  /** Who approved (or refused) the request, when an approval decision was recorded. */
  approver?: string;
  approval?: 'granted' | 'denied';
  channel?: string;
  /** The `ts` of the request's message in the channel (its thread). */
  threadTs?: string;
  requestId?: string;
}

function text(data: Record<string, unknown>, key: string): string | undefined {
  const v = data[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The first defined value. */
function pick<T>(...values: Array<T | undefined>): T | undefined {
  return values.find((v) => v !== undefined);
}

/**
 * Turns row records (newest first) into history rows, completing each from the records of its request
 * (`context`, by request id): the requester from `request.received`, the approver from the last
 * `approval.granted` / `approval.denied`, the channel and thread (`data.threadTs`) from any record that has them.
 */
export function toHistoryRows(rows: readonly AuditRecord[], context: ReadonlyMap<string, readonly AuditRecord[]>): HistoryRow[] {
  return rows.map((r) => {
    const related = r.requestId === undefined ? [] : (context.get(r.requestId) ?? []);
    const received = related.find((c) => c.type === 'request.received');
    const decision = [...related].sort((a, b) => b.seq - a.seq).find((c) => c.type === 'approval.granted' || c.type === 'approval.denied');
    const threaded = related.find((c) => text(c.data, 'threadTs') !== undefined);
    const actorUser = isIndexedUser(r.actor) ? r.actor : undefined;
    const row: HistoryRow = {
      seq: r.seq,
      at: r.at,
      user: pick(text(r.data, 'requestedBy'), r.type.startsWith('request.') ? r.actor : undefined, received?.actor, actorUser) ?? r.actor,
      outcome: REQUEST_OUTCOME[r.type] ?? text(r.data, 'outcome') ?? 'unknown',
    };
    const verb = pick(r.verb, text(r.data, 'verb'), received?.verb);
    if (verb !== undefined) row.verb = verb;
    const target = pick(r.host, text(r.data, 'target'), received === undefined ? undefined : text(received.data, 'target'));
    if (target !== undefined) row.target = target;
    const closed = r.type === 'approval.expired' || r.type === 'approval.voided' || r.type.startsWith('confirm.');
    if (r.type === 'approval.denied' || closed) {
      if (r.type === 'approval.denied') row.approver = r.actor;
      row.user = pick(text(r.data, 'requestedBy'), received?.actor) ?? row.user;
    }
    if (decision !== undefined && row.approver === undefined && !closed) row.approver = decision.actor;
    if ((decision !== undefined && !closed) || r.type === 'approval.denied')
      row.approval = decision?.type === 'approval.granted' ? 'granted' : 'denied';
    const channel = pick(r.channel, threaded?.channel, received?.channel);
    if (channel !== undefined) row.channel = channel;
    const threadTs = pick(text(r.data, 'threadTs'), threaded === undefined ? undefined : text(threaded.data, 'threadTs'));
    if (threadTs !== undefined) row.threadTs = threadTs;
    if (r.requestId !== undefined) row.requestId = r.requestId;
    return row;
  });
}
