import type { ChatMessage } from '../core/command';
import type { VerbResult } from '../core/verb-result';
import { capText, section } from './blocks';
import { escapeSlackText } from '../core/text/escape-slack-text';
import { formatElapsed } from './format-elapsed';
import { OUTCOME_EMOJI, OUTCOME_LABEL } from './outcome';

/** Text of one combined reply at most (Slack's section limit is 3,000; a message holds several sections). */
const CHUNK_MAX = 3500;

/** One host's result as one line (and its first evidence, when it did not go well). */
export function resultLine(r: VerbResult): string {
  const emoji = OUTCOME_EMOJI[r.outcome] ?? ':grey_question:';
  const label = OUTCOME_LABEL[r.outcome] ?? escapeSlackText(String(r.outcome));
  const why =
    r.outcome === 'ok' || r.outcome === 'noop'
      ? ''
      : r.evidence
          .slice(0, 2)
          .map((e) => `\n      • ${capText(escapeSlackText(e.replace(/\s+/g, ' ')), 200)}`)
          .join('');
  return (
    capText(
      `${emoji} *${escapeSlackText(r.host)}* ${escapeSlackText(r.verb)} ${label}: ${escapeSlackText(r.summary)} (${formatElapsed(r.durationMs)})`,
      600,
    ) + why
  );
}

/**
 * Several hosts' results in as few thread replies as fit (one line each, with the first evidence of anything that
 * did not go well): for big fan-outs, where a reply per host would take a minute to post within Slack's pace.
 */
export function renderHostResults(results: readonly VerbResult[]): ChatMessage[] {
  const messages: ChatMessage[] = [];
  let chunk: string[] = [];
  let size = 0;
  const flush = () => {
    if (chunk.length === 0) return;
    const text = chunk.join('\n');
    const blocks = [];
    let part: string[] = [];
    let partSize = 0;
    for (const l of chunk) {
      if (partSize + l.length + 1 > 2900 && part.length > 0) {
        blocks.push(section(part.join('\n')));
        part = [];
        partSize = 0;
      }
      part.push(l);
      partSize += l.length + 1;
    }
    if (part.length > 0) blocks.push(section(part.join('\n')));
    messages.push({ text, blocks });
    chunk = [];
    size = 0;
  };
  for (const r of results) {
    const l = resultLine(r);
    if (size + l.length + 1 > CHUNK_MAX) flush();
    chunk.push(l);
    size += l.length + 1;
  }
  flush();
  return messages;
}
