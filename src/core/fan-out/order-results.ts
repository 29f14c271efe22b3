import type { Outcome, VerbResult } from '../verb-result';

/** Where an outcome sorts in a fan-out's table: what needs a look first (failed, unreachable, refused), then the rest. */
const RANK: Readonly<Record<Outcome, number>> = { failed: 0, unknown: 1, refused: 2, ok: 3, noop: 3 };

/** True for a result that needs a look: failed, unknown (unreachable, unconfirmed) or refused. */
export function needsLook(r: Pick<VerbResult, 'outcome'>): boolean {
  return (RANK[r.outcome] ?? 0) < RANK.ok;
}

const byName = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/**
 * A fan-out's results in table order: failures first (failed, unknown, refused), then by host name, numbers in names
 * compared as numbers (`edge-2` before `edge-10`). A fan-out's record has no host list to keep the inventory's order.
 * O(n log n): the ranks are read once per result.
 */
export function orderFanOutResults<R extends Pick<VerbResult, 'host' | 'outcome'>>(results: readonly R[]): R[] {
  return results
    .map((r) => ({ r, rank: RANK[r.outcome] ?? 0 }))
    .sort((a, b) => a.rank - b.rank || byName.compare(a.r.host, b.r.host) || (a.r.host < b.r.host ? -1 : a.r.host > b.r.host ? 1 : 0))
    .map((x) => x.r);
}
