import type { BlastRadius } from '../core/rollout/blast-radius';
import { escapeSlackText } from '../core/text/escape-slack-text';
import { plural } from '../core/text/plural';

/** Streams named in full on a card; the rest are counted. */
const STREAMS_SHOWN = 12;

/** What a change touches, as the survey saw it: hosts, batches, viewers and publishers now, streams that lose theirs. */
export function blastRadiusLines(r: BlastRadius): string[] {
  const lines = [
    `*Blast radius now:* ${plural(r.hosts, 'host')} in ${plural(r.batches, 'batch', 'batches')} · ${plural(r.viewers, 'live viewer')} · ${plural(r.publishers, 'publisher')}`,
  ];
  if (r.uncounted.length > 0)
    lines.push(
      `:grey_question: viewers unknown on ${r.uncounted.slice(0, 8).map(escapeSlackText).join(', ')}${r.uncounted.length > 8 ? `, +${r.uncounted.length - 8} more` : ''} (API not answering)`,
    );
  if (r.streamsLosingPublisher.length > 0) {
    const shown = r.streamsLosingPublisher.slice(0, STREAMS_SHOWN).map((s) => `\`${escapeSlackText(s)}\``);
    const more = r.streamsLosingPublisher.length - shown.length;
    lines.push(`Streams whose publisher is cut off: ${shown.join(', ')}${more > 0 ? `, +${more} more` : ''}`);
  }
  return lines;
}
