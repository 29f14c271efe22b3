import type { ChainEntry } from './chain-entry';
import { GENESIS_HASH } from './record-hash';

/**
 * What is wrong with a record:
 * - `edited`: its content no longer matches its hash, or it was rewritten with a new hash (the next record still
 *   chains to the old one);
 * - `removed`: records are missing (a gap in `seq`, or the end cut off before the head);
 * - `reordered`: a record is not where its `seq` says (moved, swapped, or a copy added);
 * - `unreadable`: not a version-1 record at all;
 * - `index`: a host, user or request index misses a record, or lists an id that is not one of its records;
 * - `time`: a record's stream id is further from its own time than the clock skew allows (the stream was rebuilt);
 * - `head`: the head is missing, was rebuilt by an append, or disagrees with the stream's own counters.
 */
export type ChainProblemKind = 'edited' | 'removed' | 'reordered' | 'unreadable' | 'index' | 'time' | 'head';

/** The first problem found (and how many more). */
export interface ChainProblem {
  kind: ChainProblemKind;
  /** The record named: the edited, out-of-place or unreadable one, or the first missing one. */
  seq?: number;
  /** Where it is (or, for a removal, the record right after the hole). */
  id: string;
  /** One line for people: which record, what is wrong, how it was detected. */
  message: string;
}

/**
 * A record's seq and hash as kept somewhere else: the store's head (detects a cut-off end), or an anchor noted
 * outside Redis (a SIEM copy, a hash posted daily), which also catches a log rewritten with recomputed hashes.
 */
export interface ChainHead {
  seq: number;
  hash: string;
}

/** The outcome of a walk. */
export interface ChainReport {
  ok: boolean;
  /** Entries looked at. */
  checked: number;
  /** The last record's seq and id (undefined for an empty log). */
  lastSeq?: number;
  lastId?: string;
  /** The first problem, in walk order. */
  first?: ChainProblem;
  /** Problems found in total (each gap, edit, out-of-place record counts once). */
  problems: number;
}

interface Gap {
  from: number;
  to: number;
  /** The record after the hole. */
  seq: number;
  id: string;
  /** The record before it. */
  beforeId: string | undefined;
}

function gapMessage(g: Gap, reordered: boolean): string {
  const range = g.from === g.to ? `seq ${g.from}` : `seq ${g.from}..${g.to}`;
  if (reordered) return `record seq ${g.seq} (${g.id}) is out of order: it stands where ${range} belongs, which comes later (reordered)`;
  const where = g.beforeId === undefined ? `before ${g.id} (seq ${g.seq})` : `between ${g.beforeId} and ${g.id} (seq ${g.seq})`;
  return `record ${range} ${g.from === g.to ? 'is' : 'are'} missing ${where} (removed)`;
}

/**
 * Walks a hash chain one entry at a time, in stored order, with constant memory: every record's content must
 * match its hash, its `seq` must follow the one before, and its `prev` must be the previous record's hash. After
 * a problem it resynchronises on the next record, so one edit or hole is reported once. A gap whose missing
 * records turn up later is reported as a reorder, naming the first record out of place.
 */
export class ChainVerifier {
  private expected = 1;
  private prevHash = GENESIS_HASH;
  private prevId: string | undefined;
  private checked = 0;
  private problems = 0;
  private first: ChainProblem | undefined;
  private firstGap: Gap | undefined;
  private maxSeq = 0;
  private lastSeq: number | undefined;
  private lastId: string | undefined;

  private readonly anchors = new Map<number, string>();

  /**
   * `head`: the head kept apart from the records, read before the walk (undefined when there is none).
   * `anchors`: records known from elsewhere; each must be found with that hash.
   * `from`: where the records start when they are not the whole log (an export `--since`): the first seq and the
   * hash it chains to. @defaultValue seq 1, the genesis hash
   */
  constructor(
    private readonly head?: ChainHead,
    anchors: readonly ChainHead[] = [],
    from?: { seq: number; prev: string },
  ) {
    for (const a of anchors) this.anchors.set(a.seq, a.hash);
    if (from !== undefined) {
      this.expected = from.seq;
      this.prevHash = from.prev;
      this.maxSeq = from.seq - 1;
    }
  }

  /** Checks the next entry. */
  push(entry: ChainEntry): void {
    this.checked++;
    const r = entry.record;
    if (r === undefined) {
      this.report({
        kind: 'unreadable',
        id: entry.id,
        message: `entry ${entry.id} (where seq ${this.expected} belongs) is not a readable audit record`,
      });
      this.advance(this.expected, entry);
      return;
    }
    if (this.firstGap !== undefined && this.first?.kind === 'removed' && r.seq >= this.firstGap.from && r.seq <= this.firstGap.to) {
      this.first = { kind: 'reordered', seq: this.firstGap.seq, id: this.firstGap.id, message: gapMessage(this.firstGap, true) };
    }
    if (entry.contentHash !== entry.claimedHash) {
      this.report({
        kind: 'edited',
        seq: r.seq,
        id: entry.id,
        message: `record seq ${r.seq} (${entry.id}) was edited: its content no longer matches its hash`,
      });
    } else if (r.seq === this.expected && r.prev !== this.prevHash) {
      this.report(
        this.prevId === undefined
          ? {
              kind: 'edited',
              seq: r.seq,
              id: entry.id,
              message: `record seq ${r.seq} (${entry.id}) does not chain to the start (prev is not the genesis hash)`,
            }
          : {
              kind: 'edited',
              seq: r.seq - 1,
              id: this.prevId,
              message: `record seq ${r.seq - 1} (${this.prevId}) was rewritten: record seq ${r.seq} (${entry.id}) chains to a different hash`,
            },
      );
    } else if (r.seq > this.expected) {
      const gap: Gap = { from: this.expected, to: r.seq - 1, seq: r.seq, id: entry.id, beforeId: this.prevId };
      const reordered = r.seq <= this.maxSeq;
      if (this.first === undefined && !reordered) this.firstGap = gap;
      this.report({
        kind: reordered ? 'reordered' : 'removed',
        seq: reordered ? r.seq : gap.from,
        id: entry.id,
        message: gapMessage(gap, reordered),
      });
    } else if (r.seq < this.expected) {
      this.report({
        kind: 'reordered',
        seq: r.seq,
        id: entry.id,
        message: `record seq ${r.seq} (${entry.id}) is out of order: it comes after seq ${this.expected - 1} (reordered or copied)`,
      });
      this.checkHead(r.seq, entry);
      return; // keep following the chain from the record before
    }
    this.checkHead(r.seq, entry);
    this.advance(r.seq, entry);
  }

  /** The report once every entry was pushed. */
  finish(): ChainReport {
    if (this.head !== undefined && this.maxSeq < this.head.seq) {
      const from = this.maxSeq + 1;
      const range = from === this.head.seq ? `seq ${from}` : `seq ${from}..${this.head.seq}`;
      this.report({
        kind: 'removed',
        seq: from,
        id: this.lastId ?? '(start)',
        message: `record ${range} missing at the end, after ${this.lastId ?? 'the start'} (removed; the head says ${this.head.seq})`,
      });
    }
    for (const seq of [...this.anchors.keys()].sort((a, b) => a - b)) {
      this.report({
        kind: 'removed',
        seq,
        id: this.lastId ?? '(start)',
        message: `record seq ${seq} (anchored) was not found in the log (removed)`,
      });
    }
    this.anchors.clear();
    const report: ChainReport = { ok: this.problems === 0, checked: this.checked, problems: this.problems };
    if (this.lastSeq !== undefined) report.lastSeq = this.lastSeq;
    if (this.lastId !== undefined) report.lastId = this.lastId;
    if (this.first !== undefined) report.first = this.first;
    return report;
  }

  private checkHead(seq: number, entry: ChainEntry): void {
    if (this.head !== undefined && seq === this.head.seq && entry.claimedHash !== this.head.hash) {
      this.report({
        kind: 'edited',
        seq,
        id: entry.id,
        message: `record seq ${seq} (${entry.id}) was rewritten: its hash differs from the one the head kept`,
      });
    }
    const anchored = this.anchors.get(seq);
    if (anchored !== undefined) {
      this.anchors.delete(seq);
      if (anchored !== entry.claimedHash) {
        this.report({
          kind: 'edited',
          seq,
          id: entry.id,
          message: `record seq ${seq} (${entry.id}) was rewritten: its hash differs from the anchor ${anchored.slice(0, 16)}… (it, or a record before it, was changed and the hashes after it recomputed)`,
        });
      }
    }
  }

  private advance(seq: number, entry: ChainEntry): void {
    this.expected = seq + 1;
    this.prevHash = entry.claimedHash;
    this.prevId = entry.id;
    this.maxSeq = Math.max(this.maxSeq, seq);
    this.lastSeq = seq;
    this.lastId = entry.id;
  }

  private report(problem: ChainProblem): void {
    this.problems++;
    this.first ??= problem;
  }
}
