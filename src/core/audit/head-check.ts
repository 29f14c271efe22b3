import type { ChainProblem } from './chain-verifier';

/** The head hash as stored: what the next append chains to, and the trace an append leaves when it rebuilt it. */
export interface StoredHead {
  seq?: number;
  hash?: string;
  /** Stream id of the head's record. */
  id?: string;
  /** Set by an append that found the head missing over a stream that had records, and never cleared by appends. */
  rebuilt?: { fromSeq: number; entriesAdded: number; length: number; atId: string };
}

/** The stream's own counters (XINFO STREAM), read in the same transaction as the head. */
export interface StreamCounters {
  length: number;
  /** Every entry ever added (Redis 7); undefined on older servers. */
  entriesAdded?: number;
  maxDeletedId?: string;
  lastGeneratedId: string;
}

/**
 * Findings about the head, from the head, the stream's counters and whether the chain walk already reported a
 * removal: a head missing over a stream that has had entries; a head rebuilt by an append (kept for good: records
 * after the last one left may be gone); a head that is not the last entry added (lagging or rewritten); entries
 * deleted from a stream that is never trimmed (unless the walk already named the hole).
 */
export function checkHead(
  head: StoredHead,
  counters: StreamCounters | undefined,
  headKey: string,
  walkFoundRemoval: boolean,
): ChainProblem[] {
  const out: ChainProblem[] = [];
  const added = counters?.entriesAdded;
  const deleted = counters === undefined || added === undefined ? 0 : added - counters.length;
  const deletedText =
    counters === undefined || added === undefined
      ? ''
      : ` (the stream has had ${added} entries added and holds ${counters.length}${deleted > 0 ? `, last deleted id ${counters.maxDeletedId ?? '?'}` : ''})`;
  if (head.rebuilt !== undefined) {
    const r = head.rebuilt;
    const lost = r.entriesAdded - r.length;
    out.push({
      kind: 'head',
      seq: r.fromSeq + 1,
      id: r.atId,
      message:
        `the head was rebuilt by the append of seq ${r.fromSeq + 1} (${r.atId}): ${headKey} had been deleted while the stream held ${r.length} of ${r.entriesAdded} entries added` +
        (lost > 0 ? ` (${lost} deleted: records after seq ${r.fromSeq} may have been removed with the head)` : ''),
    });
  }
  if (counters !== undefined && (counters.length > 0 || (added ?? 0) > 0)) {
    if (head.seq === undefined || head.hash === undefined) {
      out.push({
        kind: 'head',
        id: counters.lastGeneratedId,
        message: `the head ${headKey} is missing while the stream has records${deletedText}: records at the end may have been removed with it`,
      });
    } else if (head.id !== undefined && head.id !== counters.lastGeneratedId) {
      out.push({
        kind: 'head',
        seq: head.seq,
        id: head.id,
        message: `the head (seq ${head.seq}, ${head.id}) is not the last entry added to the stream (${counters.lastGeneratedId})${deletedText}: the head lags or was rewritten`,
      });
    }
  }
  if (out.length === 0 && deleted > 0 && !walkFoundRemoval) {
    out.push({
      kind: 'head',
      id: counters?.maxDeletedId ?? '?',
      message: `${deleted} entr${deleted === 1 ? 'y was' : 'ies were'} deleted from the stream, which is never trimmed${deletedText}`,
    });
  }
  return out;
}
