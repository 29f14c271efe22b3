import type { ChatMessage } from '../core/command';
import type { JobVerb } from '../core/verbs';
import { context, section } from './blocks';
import { escapeSlackText } from '../core/text/escape-slack-text';
import { formatElapsed } from './format-elapsed';
import { inlineCode } from '../core/text/inline-code';
import type { ResultSummary } from './summary';

/** Targets named in the parent message; the rest are counted (`+N more`). */
export const TARGETS_SHOWN = 10;

/** Where a request is. */
export type RequestState = 'planning' | 'awaiting' | 'queued' | 'running' | 'done' | 'closed' | 'dry-run';

/** What the parent message of a request shows. */
export interface RequestParent {
  requestId: string;
  /** Slack user id of the requester. */
  userId: string;
  verb: JobVerb;
  /** Resolved host names (none for a fan-out: see {@link fanOut}). */
  hosts: readonly string[];
  /** A fan-out accepted as one job: named by its target and host count (`all (1,000 hosts)`), not by its hosts. */
  fanOut?: { target: string; hostCount: number };
  state: RequestState;
  /**
   * The results (from `summarizeResults`), shown when done. Pass the whole summary to get the right emoji;
   * its `text` alone works too (the emoji is then read from the words `failed`, `unknown`, `refused`, `pending`).
   */
  summary?: ResultSummary | string;
  /** Time from request to last result, shown when done. */
  elapsedMs?: number;
  /** What `awaiting`, `closed`, `dry-run` and `running` (its progress) say (`awaiting approval (1 of 2)`, `denied by …`), Slack mrkdwn. */
  note?: string;
}

/** Who asked for what on which hosts: what a request's parent message shows from its first post to its last edit. */
export type RequestHeadline = Pick<RequestParent, 'requestId' | 'userId' | 'verb' | 'hosts' | 'fanOut'>;

/** Where the request is now, and what goes with that (`hosts` replaces the headline's: a plan's hosts). */
export type RequestParentUpdate = Omit<RequestParent, keyof RequestHeadline> & { hosts?: readonly string[] };

const USER_ID = /^[UW][A-Z0-9]{2,20}$/;

function mention(userId: string): string {
  return USER_ID.test(userId) ? `<@${userId}>` : `someone (${inlineCode(userId, 24)})`;
}

/** `edge-1, edge-2, … +5 more (15 hosts)`; a fan-out: `all (1,000 hosts)` */
function targets(hosts: readonly string[], fanOut?: RequestParent['fanOut']): string {
  if (fanOut !== undefined) {
    const n = Math.max(0, Math.floor(fanOut.hostCount));
    return `${escapeSlackText(fanOut.target.slice(0, 80))} (${n.toLocaleString('en-US')} ${n === 1 ? 'host' : 'hosts'})`;
  }
  const shown = hosts.slice(0, TARGETS_SHOWN).map((h) => escapeSlackText(h.slice(0, 63)));
  const more = hosts.length > TARGETS_SHOWN ? ` +${hosts.length - TARGETS_SHOWN} more` : '';
  const count = hosts.length > 1 ? ` (${hosts.length} hosts)` : '';
  return hosts.length === 0 ? 'no hosts' : `${shown.join(', ')}${more}${count}`;
}

function emoji(p: RequestParent): string {
  if (p.state === 'planning') return ':mag:';
  if (p.state === 'awaiting') return ':lock:';
  if (p.state === 'closed') return ':no_entry_sign:';
  if (p.state === 'dry-run') return ':test_tube:';
  if (p.state === 'queued') return ':hourglass_flowing_sand:';
  if (p.state === 'running') return ':gear:';
  const s = p.summary;
  if (s === undefined) return ':white_check_mark:';
  const bad = typeof s === 'string' ? /\b(?:failed|unknown)\b/.test(s) : s.failed > 0 || s.unknown > 0;
  const partial = typeof s === 'string' ? /\b(?:refused|pending)\b/.test(s) : s.refused > 0 || s.pending > 0;
  return bad ? ':x:' : partial ? ':warning:' : ':white_check_mark:';
}

function status(p: RequestParent): string {
  if (p.state === 'planning') return 'reading the hosts for the plan';
  if (p.state === 'awaiting' || p.state === 'closed') return p.note ?? (p.state === 'awaiting' ? 'awaiting approval' : 'closed');
  if (p.state === 'dry-run') return p.note ?? 'dry run: nothing changed';
  if (p.state === 'running') return p.note ?? 'running';
  if (p.state !== 'done') return p.state;
  const took = p.elapsedMs === undefined ? '' : ` in ${formatElapsed(p.elapsedMs)}`;
  if (p.summary === undefined) return `done${took}`;
  const text = typeof p.summary === 'string' ? p.summary : p.summary.text;
  return `done: ${escapeSlackText(text.slice(0, 200))}${took}`;
}

/**
 * The request's message in the channel (posted when queued, updated while running and when done): who asked,
 * the verb, the targets (the first {@link TARGETS_SHOWN}, then `+N more`), the request id, and when done the
 * summary (`3 ok, 1 failed`) and the total time. Host results go in its thread.
 */
export function renderRequestParent(p: RequestParent): ChatMessage {
  const main = `${emoji(p)} ${mention(p.userId)} asked for *${escapeSlackText(p.verb)}* on ${targets(p.hosts, p.fanOut)}: ${status(p)}`;
  const id = `request ${inlineCode(p.requestId, 64)}`;
  return { text: `${main} · ${id}`, blocks: [section(main), context(id)] };
}

/** The parent message of a stored request (its record is a {@link RequestHeadline}) in the state of `update`. */
export function renderParentOf(request: RequestHeadline, update: RequestParentUpdate): ChatMessage {
  const { requestId, userId, verb, hosts, fanOut } = request;
  return renderRequestParent({ requestId, userId, verb, hosts, ...(fanOut !== undefined ? { fanOut } : {}), ...update });
}
