import type { AuditRecord } from '../../ports/audit-port';
import { entryFromRecord, type ChainEntry } from './chain-entry';
import { ChainVerifier, type ChainHead, type ChainProblem, type ChainReport } from './chain-verifier';

/**
 * One line of a JSON-lines audit file (an `audit export` or the `audit.file` copy) as a verifier entry, named
 * `line N`, its hash recomputed from canonical JSON. The record keeps what the chain needs (its `data` dropped),
 * so a large file can be held and sorted.
 */
export function entryFromLine(line: string, lineNo: number): ChainEntry {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    value = undefined;
  }
  const entry = entryFromRecord(`line ${lineNo}`, value);
  return entry.record === undefined ? entry : { ...entry, record: { ...entry.record, data: {} } };
}

/**
 * Verifies the lines of an audit file with no Redis: each record's hash, and the chain in seq order (the
 * `audit.file` copy of several processes interleaves whole lines, so lines are taken by seq, not file order). The
 * chain starts at the first seq found, chained to that record's `prev` (an export `--since` starts mid-log), and is
 * checked against `anchors`. A line that is not a record is reported as unreadable.
 */
export function verifyFileEntries(entries: readonly ChainEntry[], anchors: readonly ChainHead[] = []): ChainReport {
  const readable = entries.filter((e) => e.record !== undefined).sort((a, b) => (a.record?.seq ?? 0) - (b.record?.seq ?? 0));
  const unreadable = entries.filter((e) => e.record === undefined);
  const first = readable[0]?.record;
  const verifier = new ChainVerifier(undefined, anchors, first === undefined ? undefined : { seq: first.seq, prev: first.prev });
  for (const e of readable) verifier.push(e);
  const report = verifier.finish();
  if (unreadable.length === 0) return { ...report, checked: entries.length };
  const problem: ChainProblem = {
    kind: 'unreadable',
    id: unreadable[0]?.id ?? '?',
    message: `${unreadable[0]?.id ?? '?'} is not a readable audit record`,
  };
  return { ...report, ok: false, checked: entries.length, problems: report.problems + unreadable.length, first: report.first ?? problem };
}

/** A record of the file, by seq: its hash and line. */
export interface FileRecordRef {
  hash: string;
  line: string;
}

/**
 * Compares the records of Redis with those of a file, seq by seq, over the file's range of seqs (an export
 * covers part of the log; Redis goes on after it): every record of that range must be in both, with the same
 * hash. `push` takes Redis's records in stream order; `finish` names the first record that differs (lowest seq).
 */
export class FileComparison {
  private readonly seen = new Set<number>();
  private readonly min: number;
  private readonly max: number;
  private first: ChainProblem | undefined;
  private problems = 0;

  constructor(private readonly file: ReadonlyMap<number, FileRecordRef>) {
    const seqs = [...file.keys()];
    this.min = seqs.reduce((m, s) => Math.min(m, s), Infinity);
    this.max = seqs.reduce((m, s) => Math.max(m, s), 0);
  }

  /** Takes one record of Redis at stream id `id`. */
  push(id: string, record: Pick<AuditRecord, 'seq' | 'hash'>): void {
    if (record.seq < this.min || record.seq > this.max) return;
    this.seen.add(record.seq);
    const f = this.file.get(record.seq);
    if (f === undefined)
      this.found({ kind: 'removed', seq: record.seq, id, message: `record seq ${record.seq} (${id}) is in Redis but not in the file` });
    else if (f.hash !== record.hash) {
      this.found({
        kind: 'edited',
        seq: record.seq,
        id,
        message: `record seq ${record.seq} differs: Redis (${id}) has hash ${record.hash.slice(0, 16)}…, the file (${f.line}) ${f.hash.slice(0, 16)}…`,
      });
    }
  }

  finish(): { first?: ChainProblem; problems: number } {
    for (const [seq, f] of this.file) {
      if (!this.seen.has(seq))
        this.found({ kind: 'removed', seq, id: f.line, message: `record seq ${seq} (${f.line} of the file) is not in Redis` });
    }
    return this.first === undefined ? { problems: this.problems } : { first: this.first, problems: this.problems };
  }

  private found(p: ChainProblem): void {
    this.problems++;
    if (this.first === undefined || (p.seq ?? 0) < (this.first.seq ?? 0)) this.first = p;
  }
}
