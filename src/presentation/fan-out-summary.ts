import type { Outcome, VerbResult } from '../core/verb-result';
import { escapeSlackText } from '../core/text/escape-slack-text';
import { capText } from './blocks';
import { formatElapsed } from './format-elapsed';
import { OUTCOME_LABEL } from './outcome';
import { summarizeResults } from './summary';

/** Versions named in the summary; the rest are counted. */
export const VERSIONS_SHOWN = 6;
/** Slowest hosts named in the summary. */
export const SLOWEST_SHOWN = 3;

/** `1,000` */
export function formatCount(n: number): string {
  return Math.max(0, Math.floor(n)).toLocaleString('en-US');
}

/** `SRS 6.0.184 ×950, 5.0.213 ×30, no version read ×20`: what the hosts run now (after), most common first. */
export function versionsLine(results: readonly VerbResult[]): string {
  const counts = new Map<string, number>();
  let none = 0;
  for (const r of results) {
    const v = r.after.version ?? r.before.version;
    if (v === undefined || v === '') none += 1;
    else counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const shown = sorted.slice(0, VERSIONS_SHOWN).map(([v, n]) => `${capText(escapeSlackText(v), 40)} ×${formatCount(n)}`);
  const others = sorted.slice(VERSIONS_SHOWN).reduce((sum, [, n]) => sum + n, 0);
  if (others > 0) shown.push(`${formatCount(sorted.length - VERSIONS_SHOWN)} other versions ×${formatCount(others)}`);
  if (none > 0) shown.push(`no version read ×${formatCount(none)}`);
  return shown.length === 0 ? 'no host answered' : `SRS ${shown.join(', ')}`;
}

/** `edge-0042 12.3s, edge-0007 9.8s, …`: the hosts that took longest. */
export function slowestLine(results: readonly VerbResult[]): string {
  const slow = [...results].sort((a, b) => b.durationMs - a.durationMs).slice(0, SLOWEST_SHOWN);
  return slow.map((r) => `${capText(escapeSlackText(r.host), 63)} ${formatElapsed(r.durationMs)}`).join(', ');
}

/**
 * The head of a fan-out's table: how many hosts answered and how (`950 ok, 30 failed, 20 unknown`; hosts that never
 * answered are `pending`), the versions seen, the slowest hosts. Slack mrkdwn, a few hundred characters at most.
 */
export function fanOutSummaryLines(results: readonly VerbResult[], hostCount: number): string[] {
  const counts = summarizeResults(results, hostCount);
  const lines = [
    `*${formatCount(results.length)} of ${formatCount(hostCount)} hosts answered*: ${counts.text}`,
    `Versions: ${versionsLine(results)}`,
  ];
  if (results.length > 0) lines.push(`Slowest: ${slowestLine(results)}`);
  return lines;
}

/**
 * A running fan-out's progress, for its parent message: `412 of 1,000 answered · 3 failed, 1 unknown` (outcomes that
 * need a look, zero counts left out).
 */
export function fanOutProgressNote(answered: number, hostCount: number, byOutcome: Readonly<Partial<Record<Outcome, number>>>): string {
  const bad = (['failed', 'unknown', 'refused'] as const)
    .filter((o) => (byOutcome[o] ?? 0) > 0)
    .map((o) => `${formatCount(byOutcome[o] ?? 0)} ${OUTCOME_LABEL[o]}`);
  return `running: ${formatCount(answered)} of ${formatCount(hostCount)} answered${bad.length > 0 ? ` · ${bad.join(', ')}` : ''}`;
}
