import type { DrainTotals } from '../core/rollout/drain-totals';
import { escapeSlackText } from '../core/text/escape-slack-text';
import { plural } from '../core/text/plural';
import type { DrainCount } from '../core/verb-result';

/** One host's drain: `12 clients: 12 left on their own, 0 forced off`. */
export function drainText(d: DrainCount): string {
  const parts = [`${d.drained} left on their own`, `${d.forcedOff} forced off${d.deadlineHit ? ' at the deadline' : ''}`];
  if (d.dropped > 0) parts.push(`${d.dropped} dropped (no drain)`);
  const arrived = d.arrived !== undefined && d.arrived > 0 ? ` (+${d.arrived} arrived before the listeners closed)` : '';
  return `${d.atStart === undefined ? '? clients' : plural(d.atStart, 'client')}${arrived}: ${parts.join(', ')}`;
}

/**
 * The rollout's drain in total: `Drain: 40 clients on 6 hosts, 40 left on their own, 0 forced off`; with a deadline
 * hit, which hosts and exactly how many were forced off.
 */
export function drainTotalsText(t: DrainTotals): string | undefined {
  if (t.hosts === 0) return undefined;
  const parts = [`${t.drained} left on their own`, `*${t.forcedOff} forced off*`];
  if (t.dropped > 0) parts.push(`${t.dropped} dropped by hosts that do not drain`);
  const deadline =
    t.deadlineHosts.length > 0 ? ` · deadline reached on ${t.deadlineHosts.map((h) => `\`${escapeSlackText(h)}\``).join(', ')}` : '';
  const partial = t.uncounted.length > 0 ? ` (start count unknown on ${t.uncounted.length})` : '';
  const arrived = t.arrived > 0 ? ` (+${t.arrived} arrived before the listeners closed)` : '';
  return `Drain: ${plural(t.atStart, 'client')}${arrived} on ${plural(t.hosts, 'host')}${partial}, ${parts.join(', ')}${deadline}`;
}
