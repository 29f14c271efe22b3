import type { AuditRecord } from '../../ports/audit-port';
import type { ChainProblem } from './chain-verifier';
import { indexesOf, type AuditIndexRef } from './index-plan';

/** One entry of an index as stored: the stream id it lists and its score (the record's seq). */
export interface IndexEntry {
  member: string;
  score: number;
}

/** `host edge-3`, `user U0ALICE`, `request r12`: an index as people read it. */
export function describeIndex(ref: AuditIndexRef): string {
  return `${ref.kind} index ${ref.value}`;
}

/** `host:edge-3`: an index's identity inside the ledger (the Redis key without its prefix). */
export function indexName(ref: AuditIndexRef): string {
  return `${ref.kind}:${ref.value}`;
}

/** The first discrepancy of one index (the lowest seq), and how many it has. */
interface IndexFinding {
  first: ChainProblem;
  count: number;
}

/**
 * What the indexes should hold, learned from the stream during a verify walk, and the check of each index read
 * from Redis against it, both ways: every record is listed in each index it belongs in (its host, Slack users and
 * request, see {@link indexesOf}), and every index entry names the stream id of a record of that index, scored
 * by its seq. Memory: one seq per index membership and one id per record (estimated 100–150 MB per million records).
 */
export class IndexLedger {
  private readonly expected = new Map<string, { ref: AuditIndexRef; seqs: number[] }>();
  private readonly idBySeq = new Map<number, string>();
  private maxSeq = 0;
  private readonly findings: IndexFinding[] = [];

  /** Notes a record read from the stream at `id`. */
  note(id: string, record: AuditRecord): void {
    if (this.idBySeq.has(record.seq)) return; // a copy: the chain check reports it
    this.idBySeq.set(record.seq, id);
    this.maxSeq = Math.max(this.maxSeq, record.seq);
    for (const ref of indexesOf(record)) {
      const name = indexName(ref);
      let slot = this.expected.get(name);
      if (slot === undefined) this.expected.set(name, (slot = { ref, seqs: [] }));
      slot.seqs.push(record.seq);
    }
  }

  /** The highest seq noted: index entries above it were added after the walk (see {@link checkLate}). */
  get walkedMaxSeq(): number {
    return this.maxSeq;
  }

  /** Every index the walked records belong in. */
  expectedIndexes(): AuditIndexRef[] {
    return [...this.expected.values()].map((s) => s.ref);
  }

  /**
   * Checks one index's entries with scores up to {@link walkedMaxSeq} (any order) against the walked records.
   */
  check(ref: AuditIndexRef, entries: readonly IndexEntry[]): void {
    const expected = [...new Set(this.expected.get(indexName(ref))?.seqs ?? [])].sort((a, b) => a - b);
    const actual = [...entries].sort((a, b) => a.score - b.score);
    const where = describeIndex(ref);
    let finding: IndexFinding | undefined;
    const found = (seq: number, id: string, message: string): void => {
      if (finding === undefined) this.findings.push((finding = { first: { kind: 'index', seq, id, message }, count: 0 }));
      finding.count++;
    };
    let i = 0;
    let j = 0;
    while (i < expected.length || j < actual.length) {
      const e = expected[i];
      const a = actual[j];
      if (e !== undefined && (a === undefined || e < a.score)) {
        const id = this.idBySeq.get(e) ?? '?';
        found(e, id, `record seq ${e} (${id}) is missing from the ${where}: history and exports by that ${ref.kind} do not show it`);
        i++;
      } else if (a !== undefined && (e === undefined || a.score < e)) {
        if (!this.removedFromStream(a.score)) found(a.score, a.member, this.strayMessage(where, ref, a));
        j++;
      } else if (a !== undefined && e !== undefined) {
        const id = this.idBySeq.get(e) ?? '?';
        if (a.member !== id) found(e, a.member, `the ${where} lists ${a.member} as seq ${e}, but record seq ${e} is ${id}`);
        i++;
        j++;
      }
    }
  }

  /**
   * Checks entries added with a score above {@link walkedMaxSeq} (appended while the walk ran, or forged), given
   * the record each member points at now (undefined when the stream has no such id).
   */
  checkLate(ref: AuditIndexRef, entry: IndexEntry, record: AuditRecord | undefined): void {
    const belongs = record !== undefined && record.seq === entry.score && indexesOf(record).some((r) => indexName(r) === indexName(ref));
    if (belongs) return;
    const where = describeIndex(ref);
    const message =
      record === undefined
        ? `the ${where} lists ${entry.member} (seq ${entry.score}), which is not in the stream`
        : `the ${where} lists ${entry.member} as seq ${entry.score}, which is record seq ${record.seq} of another ${ref.kind}`;
    this.findings.push({ first: { kind: 'index', seq: entry.score, id: entry.member, message }, count: 1 });
  }

  /** The first discrepancy (lowest seq over every index) and the number of discrepancies. */
  result(): { first?: ChainProblem; problems: number } {
    let first: ChainProblem | undefined;
    let problems = 0;
    for (const f of this.findings) {
      problems += f.count;
      if (first === undefined || (f.first.seq ?? 0) < (first.seq ?? 0)) first = f.first;
    }
    return first === undefined ? { problems } : { first, problems };
  }

  /** A seq inside the walked range that the stream lacks: the chain check names that removal already. */
  private removedFromStream(seq: number): boolean {
    return Number.isInteger(seq) && seq >= 1 && seq <= this.maxSeq && !this.idBySeq.has(seq);
  }

  private strayMessage(where: string, ref: AuditIndexRef, a: IndexEntry): string {
    const id = this.idBySeq.get(a.score);
    if (id === undefined) return `the ${where} lists ${a.member} as seq ${a.score}, which is not a record in the stream`;
    if (id !== a.member) return `the ${where} lists ${a.member} as seq ${a.score}, but record seq ${a.score} is ${id}`;
    return `the ${where} lists record seq ${a.score} (${a.member}), which is not a record of that ${ref.kind}`;
  }
}
