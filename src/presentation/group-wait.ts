import type { ChatMessage } from '../core/command';
import type { GroupLine } from '../ports/job-queue-port';
import { inlineCode } from '../core/text/inline-code';
import { plural } from '../core/text/plural';
import { section } from './blocks';

/** `1st`, `2nd`, `3rd`, `4th`, `11th`, `21st`: a place in line. */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

/** What a job waiting for a group slot reports (the `job.waiting` event's fields). */
export interface GroupWaitView {
  host: string;
  group: string;
  limit: number;
  /** 1 = next. */
  position: number;
  /** Hosts changing now in the group. */
  holding: readonly string[];
}

/** The hosts holding a group's slots, for a line of text: `origin-1, origin-2` (the first 5, then `+N`). */
function holdersText(holding: readonly string[]): string {
  const shown = holding.slice(0, 5).map((h) => inlineCode(h || '?'));
  return holding.length > 5 ? `${shown.join(', ')} +${holding.length - 5}` : shown.join(', ');
}

/**
 * A host's job waits for a slot of its group's limit: ":hourglass: `origin-3` waits: `origins` allows 2 hosts
 * changing at once (`origin-1`, `origin-2` now); 1st in line".
 */
export function renderGroupWait(w: GroupWaitView): ChatMessage {
  const now = w.holding.length > 0 ? ` (${holdersText(w.holding)} now)` : '';
  const text = `:hourglass: ${inlineCode(w.host)} waits: ${inlineCode(w.group)} allows ${plural(w.limit, 'host')} changing at once${now}; ${ordinal(w.position)} in line. It starts when a slot frees; \`/srs jobs\` shows the line.`;
  return { text, blocks: [section(text)] };
}

/** The same, once for a request on many hosts (a reply per host would flood the thread). */
export function renderGroupWaitMany(w: GroupWaitView): ChatMessage {
  const text = `:hourglass: Hosts of this request wait their turn: ${inlineCode(w.group)} allows ${plural(w.limit, 'host')} changing at once, whoever asks. \`/srs jobs\` shows the line and each host's place.`;
  return { text, blocks: [section(text)] };
}

/**
 * `/srs jobs`: one line per group with a limit: its slots and line, e.g. `origins: 2 of 2 changing (origin-1,
 * origin-2); waiting: 1. origin-3 (r-1-origin-3)`.
 */
export function groupLineText(line: GroupLine, limit: number | undefined): string {
  const of = limit !== undefined ? ` of ${limit}` : '';
  const holding = line.holding.map((h) => h.host || h.jobId).join(', ');
  const head = `${line.group}: ${line.holding.length}${of} changing${holding ? ` (${holding})` : ''}`;
  if (line.waiting.length === 0) return `${head}; nobody waiting`;
  const waiting = line.waiting.slice(0, 10).map((w, i) => `${i + 1}. ${w.host || '?'} (${w.jobId})`);
  const more = line.waiting.length > 10 ? `, +${line.waiting.length - 10} more` : '';
  return `${head}; waiting: ${waiting.join(', ')}${more}`;
}
