import type { ChatMessage } from '../core/command';
import { TABLE_ACTIONS, type TableButtonValue } from '../core/fan-out/table-actions';
import { inlineCode } from '../core/text/inline-code';
import { escapeSlackText } from '../core/text/escape-slack-text';
import type { VerbResult } from '../core/verb-result';
import type { JobVerb } from '../core/verbs';
import { capText, context, section, type Block } from './blocks';
import { fanOutSummaryLines, formatCount } from './fan-out-summary';
import { formatElapsed } from './format-elapsed';
import { OUTCOME_EMOJI, OUTCOME_LABEL } from './outcome';

/** Rows on one page of the table: 50 short lines, in a few section blocks (Slack: 50 blocks, 3,000 chars each). */
export const TABLE_PAGE_ROWS = 50;
/** One row at most (host, outcome, summary, time): 50 rows stay far under Slack's 40,000 characters a message. */
const ROW_MAX = 220;
/** Text of one section block of rows (Slack's limit is 3,000). */
const SECTION_MAX = 2900;

/** What a fan-out's table shows: its results in table order (failures first) and the page asked for. */
export interface FanOutTableView {
  requestId: string;
  verb: JobVerb;
  /** The target as typed (`all`), when the request was accepted as a fan-out. */
  target?: string;
  /** Hosts the request covers; those without a result show as pending. */
  hostCount: number;
  results: readonly VerbResult[];
  /** 0-based; clamped to the pages there are. */
  page: number;
}

/** How many pages `rows` rows take (at least one). */
export function tablePages(rows: number): number {
  return Math.max(1, Math.ceil(rows / TABLE_PAGE_ROWS));
}

/** `:x: *edge-7* failed: API not answering (3.2s)`: one host, one short line. */
export function tableRow(r: VerbResult): string {
  const emoji = OUTCOME_EMOJI[r.outcome] ?? ':grey_question:';
  const label = OUTCOME_LABEL[r.outcome] ?? escapeSlackText(String(r.outcome));
  const summary = capText(escapeSlackText(r.summary.replace(/\s+/g, ' ').trim()), 120);
  return capText(`${emoji} *${escapeSlackText(r.host)}* ${label}: ${summary} (${formatElapsed(r.durationMs)})`, ROW_MAX);
}

/** Rows joined into as few section blocks as fit. */
function rowSections(rows: readonly string[]): Block[] {
  const blocks: Block[] = [];
  let part: string[] = [];
  let size = 0;
  for (const row of rows) {
    if (size + row.length + 1 > SECTION_MAX && part.length > 0) {
      blocks.push(section(part.join('\n')));
      part = [];
      size = 0;
    }
    part.push(row);
    size += row.length + 1;
  }
  if (part.length > 0) blocks.push(section(part.join('\n')));
  return blocks;
}

function pageButton(text: string, actionId: string, value: TableButtonValue): Record<string, unknown> {
  return { type: 'button', text: { type: 'plain_text', text }, action_id: actionId, value: JSON.stringify(value) };
}

/**
 * A fan-out's results as ONE message: a summary (counts by outcome, versions seen, slowest hosts), then one page of
 * rows, failures first, with Prev / Next when there is more than a page. Whatever the hosts' count, it stays within
 * Slack's limits (a handful of blocks, each under 3,000 characters, the message far under 40,000).
 */
export function renderFanOutTable(view: FanOutTableView): ChatMessage {
  const pages = tablePages(view.results.length);
  const page = Math.min(Math.max(0, Math.floor(view.page)), pages - 1);
  const from = page * TABLE_PAGE_ROWS;
  const rows = view.results.slice(from, from + TABLE_PAGE_ROWS).map(tableRow);
  const on = view.target !== undefined ? ` on *${capText(escapeSlackText(view.target), 80)}*` : '';
  const head = [`:bar_chart: *${escapeSlackText(view.verb)}*${on}: results`, ...fanOutSummaryLines(view.results, view.hostCount)];
  const where =
    view.results.length === 0
      ? 'no results'
      : `page ${page + 1} of ${pages} · hosts ${formatCount(from + 1)}–${formatCount(from + rows.length)} of ${formatCount(view.results.length)}, failures first, then by name`;
  const id = `request ${inlineCode(view.requestId, 64)}`;
  const blocks: unknown[] = [section(head.join('\n')), ...rowSections(rows), context(where, id)];
  const buttons: unknown[] = [];
  if (page > 0) buttons.push(pageButton('‹ Prev', TABLE_ACTIONS.prev, { id: view.requestId, page: page - 1 }));
  if (page < pages - 1) buttons.push(pageButton('Next ›', TABLE_ACTIONS.next, { id: view.requestId, page: page + 1 }));
  if (buttons.length > 0) blocks.push({ type: 'actions', elements: buttons });
  return { text: capText(`${head.join('\n')}\n${rows.join('\n')}\n${where}`, 39_000), blocks };
}
