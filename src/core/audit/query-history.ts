import type { AuditPort, AuditRecord } from '../../ports/audit-port';
import { inlineCode } from '../text/inline-code';
import type { HistoryFilters } from './history-filters';
import { HISTORY_CONTEXT_TYPES, HISTORY_ROW_TYPES, toHistoryRows, type HistoryRow } from './history-row';
import { resolveTimeBound } from './time-bound';

/** A history lookup with everything resolved: host names, a user id, an epoch time. */
export interface HistoryLookup {
  /** Hosts to look at; undefined means every host (and requests that never reached one). */
  hosts?: readonly string[];
  verb?: string;
  /** A Slack user id: the requester. */
  user?: string;
  /** Epoch ms. */
  since?: number;
  limit: number;
}

/** Records of one request read to complete its rows (approval, thread); a request has a handful of these. */
const CONTEXT_LIMIT = 50;

/**
 * Resolves `/srs history` filters at `nowMs` for the hosts the target resolved to (undefined for every host).
 * A user typed as plain text (`@jane`, which Slack sends when the slash command does not escape mentions) has no
 * id to look for: that is an error saying what to type instead, unless the caller resolved it to `{ id }` first.
 */
export function toHistoryLookup(
  filters: HistoryFilters,
  hosts: readonly string[] | undefined,
  nowMs: number,
): { ok: true; lookup: HistoryLookup } | { ok: false; error: string } {
  const lookup: HistoryLookup = { limit: filters.limit };
  if (hosts !== undefined) lookup.hosts = hosts;
  if (filters.verb !== undefined) lookup.verb = filters.verb;
  if (filters.since !== undefined) lookup.since = resolveTimeBound(filters.since, nowMs);
  if (filters.user !== undefined) {
    if ('name' in filters.user) {
      return {
        ok: false,
        error: `${inlineCode(`@${filters.user.name}`)} reached the bot as plain text, not as a mention; give their member id instead (\`U0123ABC\`: their profile, ⋮, Copy member ID)`,
      };
    }
    lookup.user = filters.user.id;
  }
  return { ok: true, lookup };
}

/**
 * `/srs history` as data: the newest `limit` rows (a host's result, or a request that never ran) matching the
 * lookup, newest first, each completed with its requester, approver and thread from the records of its request.
 * Several hosts are looked up one by one (each an index walk) and merged. Rejects when the audit log cannot be read.
 */
export async function queryHistory(audit: Pick<AuditPort, 'query'>, lookup: HistoryLookup): Promise<HistoryRow[]> {
  const base = { types: [...HISTORY_ROW_TYPES], limit: lookup.limit, verb: lookup.verb, actor: lookup.user, since: lookup.since };
  const batches =
    lookup.hosts === undefined ? [await audit.query(base)] : await Promise.all(lookup.hosts.map((host) => audit.query({ ...base, host })));
  const bySeq = new Map<number, AuditRecord>();
  for (const r of batches.flat()) bySeq.set(r.seq, r);
  const rows = [...bySeq.values()].sort((a, b) => b.seq - a.seq).slice(0, lookup.limit);
  const requestIds = [...new Set(rows.map((r) => r.requestId).filter((id): id is string => id !== undefined))];
  const related = await Promise.all(
    requestIds.map((requestId) => audit.query({ requestId, types: [...HISTORY_CONTEXT_TYPES], limit: CONTEXT_LIMIT })),
  );
  const context = new Map(requestIds.map((id, i) => [id, related[i] ?? []] as const));
  return toHistoryRows(rows, context);
}
