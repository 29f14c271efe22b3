import type { HistoryRow } from '../core/audit/history-row';
import type { ChatMessage } from '../core/command';
import { section, SECTION_TEXT_MAX, type Block } from './blocks';
import { escapeSlackText } from '../core/text/escape-slack-text';
import { inlineCode } from '../core/text/inline-code';
import { OUTCOME_EMOJI, OUTCOME_LABEL } from './outcome';

/** What a history answer was asked for, said in its heading (`edge-3 · restart · by <@U1> · since 7d`). */
export interface HistoryScope {
  target?: string;
  verb?: string;
  /** A Slack user id. */
  user?: string;
  /** As typed (`7d`, `2024-05-01`). */
  since?: string;
  limit: number;
}

const CHANNEL_ID = /^[CGD][A-Z0-9]{2,20}$/;
const USER_ID = /^[UW][A-Z0-9]{2,20}$/;
const TS = /^(\d{1,12})\.(\d{1,9})$/;
/** Slack's limit for blocks in one message. */
const MAX_BLOCKS = 50;

/** Emoji of the outcomes of requests that never ran. */
const REQUEST_EMOJI: Readonly<Record<string, string>> = {
  denied: ':no_entry:',
  'not queued': ':warning:',
  'not approved': ':no_entry:',
  'approval expired': ':hourglass:',
  'approval void': ':warning:',
  'not confirmed': ':no_entry:',
  'confirmation expired': ':hourglass:',
  'confirmation void': ':warning:',
  'dry run': ':test_tube:',
};

/**
 * The link to a message (and so to its thread): `https://slack.com/archives/C123/p1700000000000100` from channel
 * `C123` and ts `1700000000.000100`. Undefined when either is malformed.
 */
export function threadPermalink(channel: string | undefined, ts: string | undefined): string | undefined {
  if (channel === undefined || ts === undefined || !CHANNEL_ID.test(channel)) return undefined;
  const m = TS.exec(ts);
  if (m === null) return undefined;
  return `https://slack.com/archives/${channel}/p${m[1] ?? ''}${(m[2] ?? '').padEnd(6, '0')}`;
}

function mention(user: string): string {
  return USER_ID.test(user) ? `<@${user}>` : inlineCode(user, 24);
}

/** `2024-05-01 22:13 UTC` */
function when(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC` : inlineCode(iso, 30);
}

function outcome(o: string): string {
  const emoji = OUTCOME_EMOJI[o as keyof typeof OUTCOME_EMOJI] ?? REQUEST_EMOJI[o] ?? ':grey_question:';
  const label = OUTCOME_LABEL[o as keyof typeof OUTCOME_LABEL] ?? escapeSlackText(o.slice(0, 40));
  return `${emoji} ${label}`;
}

/** One row: when · who · verb target · outcome · approver · thread. */
export function renderHistoryRow(r: HistoryRow): string {
  const parts = [
    when(r.at),
    mention(r.user),
    `*${escapeSlackText((r.verb ?? '?').slice(0, 20))}* ${escapeSlackText((r.target ?? '-').slice(0, 63))}`,
    outcome(r.outcome),
  ];
  if (r.approver !== undefined) parts.push(`${r.approval === 'denied' ? 'refused' : 'approved'} by ${mention(r.approver)}`);
  const link = threadPermalink(r.channel, r.threadTs);
  if (link !== undefined) parts.push(`<${link}|thread>`);
  return parts.join(' · ');
}

function heading(scope: HistoryScope, shown: number): string {
  const parts = [scope.target === undefined ? 'all hosts' : escapeSlackText(scope.target.slice(0, 200))];
  if (scope.verb !== undefined) parts.push(escapeSlackText(scope.verb));
  if (scope.user !== undefined) parts.push(`by ${mention(scope.user)}`);
  if (scope.since !== undefined) parts.push(`since ${escapeSlackText(scope.since.slice(0, 40))}`);
  const count = shown < scope.limit ? `${shown} found` : `newest ${shown}`;
  return `*History*: ${parts.join(' · ')} (${count})`;
}

/**
 * `/srs history` (ephemeral): a heading saying what was looked for, then one line per row, newest first: when
 * (UTC), who (`<@U…>`), verb and host, outcome, approver (when the request had an approval decision), and a
 * link to the request's thread. Rows are grouped into section blocks that each stay under Slack's limit.
 */
export function renderHistory(rows: readonly HistoryRow[], scope: HistoryScope): ChatMessage {
  const head = heading(scope, rows.length);
  if (rows.length === 0) {
    const text = `${head}\nno matching records`;
    return { text, blocks: [section(text)] };
  }
  const lines = rows.map(renderHistoryRow);
  const blocks: Block[] = [section(head)];
  let chunk: string[] = [];
  let size = 0;
  for (const line of lines) {
    if (chunk.length > 0 && size + line.length + 1 > SECTION_TEXT_MAX - 100) {
      blocks.push(section(chunk.join('\n')));
      chunk = [];
      size = 0;
    }
    chunk.push(line);
    size += line.length + 1;
  }
  blocks.push(section(chunk.join('\n')));
  return { text: [head, ...lines].join('\n'), blocks: blocks.slice(0, MAX_BLOCKS) };
}
