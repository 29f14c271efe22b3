import type { AuditRecord } from '../../ports/audit-port';
import type { ChainProblem } from './chain-verifier';

/**
 * How far a record's stream id (Redis's clock when it was added) may be from the record's own `at` (the appending
 * process's clock): 60 s, the same skew time-filtered queries and exports widen their range by, so a log that
 * passes this check answers `--since`/`--until` correctly.
 */
export const DEFAULT_VERIFY_CLOCK_SKEW_MS = 60_000;

/** `10 d`, `3 h`, `12 min`, `45 s`: a length of time, roughly. */
export function roughDuration(ms: number): string {
  const a = Math.abs(ms);
  if (a >= 86_400_000) return `${(a / 86_400_000).toFixed(1).replace(/\.0$/, '')} d`;
  if (a >= 3_600_000) return `${(a / 3_600_000).toFixed(1).replace(/\.0$/, '')} h`;
  if (a >= 60_000) return `${Math.round(a / 60_000)} min`;
  return `${(a / 1000).toFixed(1).replace(/\.0$/, '')} s`;
}

/** The time (epoch ms) in a stream id `1714557600123-0`; NaN when it is not one. */
export function streamIdTime(id: string): number {
  const m = /^(\d{1,16})-\d+$/.exec(id);
  return m === null ? Number.NaN : Number(m[1]);
}

/**
 * Checks, record by record, that each stream id's time agrees with the record's `at` within `skewMs`. Stream ids
 * are what time-ranged exports and history read by: ids moved away from the records' times (a stream rebuilt with
 * other ids) would hide records from `--since 1d` while the hash chain, which does not cover ids, still holds.
 */
export class StreamTimeCheck {
  private first: ChainProblem | undefined;
  private problems = 0;

  constructor(private readonly skewMs: number = DEFAULT_VERIFY_CLOCK_SKEW_MS) {}

  push(id: string, record: AuditRecord): void {
    const idMs = streamIdTime(id);
    const atMs = Date.parse(record.at);
    const off = idMs - atMs;
    if (Number.isFinite(off) && Math.abs(off) <= this.skewMs) return;
    this.problems++;
    const how = Number.isFinite(off)
      ? `its stream id is ${roughDuration(off)} ${off < 0 ? 'before' : 'after'} its own time ${record.at} (more than the ${roughDuration(this.skewMs)} clock skew allowed): the stream was rebuilt with other ids, which hides records from time-ranged exports and history`
      : `its stream id or its time ${record.at} is not a time`;
    this.first ??= { kind: 'time', seq: record.seq, id, message: `record seq ${record.seq} (${id}): ${how}` };
  }

  result(): { first?: ChainProblem; problems: number } {
    return this.first === undefined ? { problems: this.problems } : { first: this.first, problems: this.problems };
  }
}
