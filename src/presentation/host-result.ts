import { drainText } from './drain-text';
import type { ChatMessage } from '../core/command';
import { describeSnapshot } from '../core/describe-snapshot';
import type { VerbResult } from '../core/verb-result';
import { capText, context, section, type Block } from './blocks';
import { renderCodeBlock } from './code-block';
import { escapeSlackText } from '../core/text/escape-slack-text';
import { formatElapsed } from './format-elapsed';
import { OUTCOME_EMOJI, OUTCOME_LABEL } from './outcome';

/** Upper bound for a host result's text (and for the text of its blocks together). */
export const HOST_RESULT_MAX_CHARS = 3500;
/** Evidence lines shown; the rest are counted. */
const EVIDENCE_SHOWN = 10;
/** Per evidence line, and for all of them together. */
const EVIDENCE_LINE_MAX = 300;
const EVIDENCE_MAX = 1200;
const HEADLINE_MAX = 600;
const STATE_MAX = 700;
/** Output gets what is left, unless that is less than this. */
const OUTPUT_MIN = 200;

function headline(r: VerbResult): string {
  const emoji = OUTCOME_EMOJI[r.outcome] ?? ':grey_question:';
  const label = OUTCOME_LABEL[r.outcome] ?? escapeSlackText(String(r.outcome));
  const summary = r.summary.trim() === '' ? '' : `: ${escapeSlackText(r.summary)}`;
  return capText(`${emoji} *${escapeSlackText(r.host)}* ${escapeSlackText(r.verb)} ${label}${summary}`, HEADLINE_MAX);
}

function stateLine(r: VerbResult): string {
  const before = describeSnapshot(r.before);
  const after = describeSnapshot(r.after);
  const text = before === after ? `state: ${after} (unchanged)` : `state: ${before} → ${after}`;
  return capText(escapeSlackText(text), STATE_MAX);
}

function meta(r: VerbResult): string {
  const parts = [`took ${formatElapsed(r.durationMs)}`];
  if (r.exitCode !== null) parts.push(`exit ${r.exitCode}`);
  if (r.errorCode !== undefined) parts.push(`error: ${escapeSlackText(r.errorCode)}`);
  return parts.join(' · ');
}

function evidence(r: VerbResult): string {
  const lines: string[] = [];
  let size = 0;
  for (const e of r.evidence.slice(0, EVIDENCE_SHOWN)) {
    const l = `• ${capText(escapeSlackText(e.replace(/\s+/g, ' ').trim()), EVIDENCE_LINE_MAX)}`;
    if (size + l.length + 1 > EVIDENCE_MAX) break;
    lines.push(l);
    size += l.length + 1;
  }
  const hidden = r.evidence.length - lines.length;
  if (hidden > 0) lines.push(`• +${hidden} more`);
  return lines.join('\n');
}

/**
 * One host's result, as a reply in the request's thread: outcome emoji, host, verb and summary; the state
 * before -> after (version and uptime when running); duration, exit code, error code; evidence bullets; and the
 * end of the output in a code block. Everything from the host is escaped; text and blocks each stay under
 * {@link HOST_RESULT_MAX_CHARS} (every block under Slack's 3,000).
 */
export function renderHostResult(result: VerbResult): ChatMessage {
  const drain = result.drain !== undefined ? `\nDrain: ${drainText(result.drain)}` : '';
  const head = `${headline(result)}\n${stateLine(result)}${drain}`;
  const info = meta(result);
  const proof = evidence(result);
  const fixed = head.length + info.length + proof.length + 8;
  const room = Math.min(HOST_RESULT_MAX_CHARS - fixed, 2900);
  const output = room >= OUTPUT_MIN ? renderCodeBlock(result.output, room) : '';

  const text = [head, info, proof, output].filter((p) => p !== '').join('\n');
  const blocks: Block[] = [section(head)];
  if (proof !== '') blocks.push(section(proof));
  if (output !== '') blocks.push(section(output));
  blocks.push(context(info));
  return { text, blocks };
}
