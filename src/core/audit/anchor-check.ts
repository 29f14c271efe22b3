import type { AnchorConflict, FoundAnchor, MergedAnchors } from './anchor-line';
import { mergeAnchors } from './anchor-line';
import type { ChainHead, ChainProblem } from './chain-verifier';

/** Anchors from their sources (`--anchor`, files), merged; conflicts as findings. */
export interface GatheredAnchors extends MergedAnchors {
  /** Each source and how many anchors it gave, for the report. */
  counts: { source: string; found: number }[];
  findings: ChainProblem[];
}

function conflictProblem(c: AnchorConflict): ChainProblem {
  const hashes = c.hashes.map((h) => `${h.slice(0, 16)}…`).join(' and ');
  return {
    kind: 'edited',
    seq: c.seq,
    id: c.where[0] ?? '?',
    message: `anchors disagree about record seq ${c.seq} (${hashes}; at ${c.where.join(', ')}): the log was rewritten between the two readings; the earliest published is taken as the original`,
  };
}

/** Merges anchors given on the command line (`source` "--anchor") and found in files. */
export function gatherAnchors(
  given: readonly ChainHead[],
  found: readonly { source: string; anchors: readonly FoundAnchor[] }[],
): GatheredAnchors {
  const all = [
    ...given.map((anchor, i) => ({ anchor, line: i + 1, source: '--anchor' })),
    ...found.flatMap((f) => f.anchors.map((a) => ({ ...a, source: f.source }))),
  ];
  const merged = mergeAnchors(all);
  return {
    ...merged,
    counts: [
      ...(given.length > 0 ? [{ source: '--anchor', found: given.length }] : []),
      ...found.map((f) => ({ source: f.source, found: f.anchors.length })),
    ],
    findings: merged.conflicts.map(conflictProblem),
  };
}

/** `3 anchors matched (the newest at seq 1234)`, or '' for none. */
export function anchorsMatchedText(anchors: readonly ChainHead[]): string {
  if (anchors.length === 0) return '';
  const newest = anchors.reduce((m, a) => Math.max(m, a.seq), 0);
  return `, ${anchors.length} anchor${anchors.length === 1 ? '' : 's'} matched (the newest at seq ${newest})`;
}
