import type { ChatMessage } from '../core/command';
import type { VerbResult } from '../core/verb-result';
import { section } from './blocks';
import { formatCount } from './fan-out-summary';
import { resultLine } from './host-results';

/** Failed hosts whose result gets a line in the thread; the rest are in the table only. */
export const FAILURE_LINES_MAX = 30;
/** Replies the failures take at most. */
export const FAILURE_REPLIES_MAX = 3;
/** Text of one reply (a few section blocks). */
const REPLY_MAX = 3500;
const SECTION_MAX = 2900;

function toMessage(lines: readonly string[]): ChatMessage {
  const blocks: unknown[] = [];
  let part: string[] = [];
  let size = 0;
  for (const l of lines) {
    if (size + l.length + 1 > SECTION_MAX && part.length > 0) {
      blocks.push(section(part.join('\n')));
      part = [];
      size = 0;
    }
    part.push(l);
    size += l.length + 1;
  }
  if (part.length > 0) blocks.push(section(part.join('\n')));
  return { text: lines.join('\n'), blocks };
}

/**
 * The hosts that need a look (failed, unreachable, refused: `failures`, in table order) as compact replies: a line
 * each with its first evidence, at most {@link FAILURE_LINES_MAX} hosts in {@link FAILURE_REPLIES_MAX} replies; the
 * last one says how many more there are and points to the table. None when nothing failed.
 */
export function renderFanOutFailures(failures: readonly VerbResult[]): ChatMessage[] {
  const chunks: string[][] = [[]];
  let size = 0;
  let shown = 0;
  for (const r of failures) {
    if (shown >= FAILURE_LINES_MAX) break;
    const l = resultLine(r);
    if (size + l.length + 1 > REPLY_MAX && (chunks.at(-1)?.length ?? 0) > 0) {
      if (chunks.length >= FAILURE_REPLIES_MAX) break;
      chunks.push([]);
      size = 0;
    }
    chunks.at(-1)?.push(l);
    size += l.length + 1;
    shown += 1;
  }
  if (shown === 0) return [];
  const rest = failures.length - shown;
  const last = chunks.at(-1) ?? [];
  const tail = `_+${formatCount(rest)} more ${rest === 1 ? 'host' : 'hosts'} that did not go well: see the table above (Prev / Next)._`;
  if (rest > 0) last.push(tail);
  return chunks.map(toMessage);
}
