import type { Outcome, VerbResult } from '../core/verb-result';
import { OUTCOME_LABEL } from './outcome';

/** Counts of a request's host results, and the line that says them (`3 ok, 1 failed`). */
export interface ResultSummary {
  ok: number;
  noop: number;
  failed: number;
  refused: number;
  unknown: number;
  /** Hosts expected but without a result yet. */
  pending: number;
  /** e.g. `3 ok, 1 unchanged, 1 failed, 2 pending`; zero counts left out; `no hosts` when there is nothing. */
  text: string;
}

const ORDER: readonly Outcome[] = ['ok', 'noop', 'failed', 'refused', 'unknown'];

/**
 * Counts results by outcome; `expected` is how many hosts the request targeted, the rest are `pending`.
 * Results are delivered at least once, so a host's repeated result counts once (the last one wins).
 */
export function summarizeResults(results: readonly VerbResult[], expected: number): ResultSummary {
  const byHost = new Map<string, Outcome>();
  for (const r of results) byHost.set(r.host, r.outcome);
  const counts: Record<Outcome, number> = { ok: 0, noop: 0, failed: 0, refused: 0, unknown: 0 };
  for (const outcome of byHost.values()) if (Object.hasOwn(counts, outcome)) counts[outcome]++;
  const want = Number.isFinite(expected) ? Math.max(0, Math.floor(expected)) : 0;
  const pending = Math.max(0, want - byHost.size);
  const parts = ORDER.filter((o) => counts[o] > 0).map((o) => `${counts[o]} ${OUTCOME_LABEL[o]}`);
  if (pending > 0) parts.push(`${pending} pending`);
  return { ...counts, pending, text: parts.length === 0 ? 'no hosts' : parts.join(', ') };
}
