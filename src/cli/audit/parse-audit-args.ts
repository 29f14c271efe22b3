import type { ChainHead } from '../../core/audit/chain-verifier';
import { parseTimeBound, resolveTimeBound } from '../../core/audit/time-bound';

/** A parsed `srs-chatops audit` command line. */
export type AuditArgs =
  | { command: 'export'; since?: number; until?: number; host?: string; format: 'jsonl' | 'csv' }
  | { command: 'tail'; last: number; follow: boolean; format: 'text' | 'jsonl' }
  | { command: 'verify'; quiet: boolean; anchors: ChainHead[]; anchorsFrom: string[]; clockSkewMs?: number; file?: string; against?: string }
  | { command: 'help' };

/** Usage of `srs-chatops audit`. */
export const AUDIT_USAGE = `usage: srs-chatops audit <command> [options]     (Redis from REDIS_URL)

commands:
  export [--since T] [--until T] [--host NAME] [--format jsonl|csv]
         records oldest first; T is a duration back from now (30m, 12h, 7d, 2w) or a date/time
         (2024-05-01, 2024-05-01T10:00Z); jsonl lines are canonical JSON with their hash
  tail [-n N] [-f|--follow] [--format text|jsonl]
         the last N records (default 10), then new ones as they come with --follow
  verify [--quiet] [--anchor SEQ:HASH]... [--anchors-from F]... [--clock-skew D]
         walk the whole log and check the hash chain, each stream id against its record's time (within
         D, default 60s), the head against the stream's counters, and every host, user and request index
         against the records, both ways; exits 1 naming the first record that was edited, removed,
         reordered, re-timed or left out of an index. It prints the head (seq and hash): note it somewhere
         else and pass it later as --anchor, so that even a log rewritten with recomputed hashes is caught.
         --anchors-from F uses every anchor found in F: the audit.file copy, a saved copy or a Slack export
         of the audit channel (audit.anchors.channel), or SEQ:HASH lines; each must match the log
  verify --file F [--anchor SEQ:HASH]... [--anchors-from G]...
         verify a JSON-lines file (an export, or the audit.file copy) with no Redis: every hash, and the
         chain in seq order from the file's first record, and the file's own anchor lines (docs/AUDIT-FORMAT.md)
  verify --against F [options of verify]
         verify the log in Redis, then compare it with the file record by record over the file's seqs;
         names the first record missing from either side or with another hash
`;

/** What went wrong on the command line (exit 2). */
export class AuditUsageError extends Error {
  override readonly name = 'AuditUsageError';
}

function takeValue(args: readonly string[], i: number, flag: string): string {
  const value = args[i + 1];
  if (value === undefined || value.startsWith('-')) throw new AuditUsageError(`${flag} needs a value`);
  return value;
}

function time(value: string, flag: string, nowMs: number): number {
  const bound = parseTimeBound(value);
  if (bound === undefined) throw new AuditUsageError(`${flag} ${value}: not a duration (30m, 12h, 7d) or a date (2024-05-01, 2024-05-01T10:00Z)`);
  return resolveTimeBound(bound, nowMs);
}

/** Parses `audit <command> [options]`; throws {@link AuditUsageError}. `--flag=value` works too. */
export function parseAuditArgs(argv: readonly string[], nowMs: number): AuditArgs {
  const [command, ...raw] = argv;
  const args = raw.flatMap((a) => (/^--[a-z-]+=/.test(a) ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a]));
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') return { command: 'help' };
  if (command === 'export') {
    const out: Extract<AuditArgs, { command: 'export' }> = { command: 'export', format: 'jsonl' };
    for (let i = 0; i < args.length; i++) {
      const flag = args[i] ?? '';
      if (flag === '--since') out.since = time(takeValue(args, i++, flag), flag, nowMs);
      else if (flag === '--until') out.until = time(takeValue(args, i++, flag), flag, nowMs);
      else if (flag === '--host') out.host = takeValue(args, i++, flag);
      else if (flag === '--format') {
        const f = takeValue(args, i++, flag);
        if (f !== 'jsonl' && f !== 'csv') throw new AuditUsageError(`--format ${f}: jsonl or csv`);
        out.format = f;
      } else throw new AuditUsageError(`export: unknown option ${flag}`);
    }
    return out;
  }
  if (command === 'tail') {
    const out: Extract<AuditArgs, { command: 'tail' }> = { command: 'tail', last: 10, follow: false, format: 'text' };
    for (let i = 0; i < args.length; i++) {
      const flag = args[i] ?? '';
      if (flag === '-f' || flag === '--follow') out.follow = true;
      else if (flag === '-n' || flag === '--lines') {
        const n = Number(takeValue(args, i++, flag));
        if (!Number.isInteger(n) || n < 0 || n > 100_000) throw new AuditUsageError(`${flag}: a number from 0 to 100000`);
        out.last = n;
      } else if (flag === '--format') {
        const f = takeValue(args, i++, flag);
        if (f !== 'text' && f !== 'jsonl') throw new AuditUsageError(`--format ${f}: text or jsonl`);
        out.format = f;
      } else throw new AuditUsageError(`tail: unknown option ${flag}`);
    }
    return out;
  }
  if (command === 'verify') {
    const out: Extract<AuditArgs, { command: 'verify' }> = { command: 'verify', quiet: false, anchors: [], anchorsFrom: [] };
    for (let i = 0; i < args.length; i++) {
      const flag = args[i] ?? '';
      if (flag === '-q' || flag === '--quiet') out.quiet = true;
      else if (flag === '--anchor') {
        const value = takeValue(args, i++, flag);
        const m = /^(\d{1,15}):([0-9a-f]{64})$/.exec(value);
        if (m === null) throw new AuditUsageError(`--anchor ${value}: SEQ:HASH (the 64 hex digits verify printed)`);
        out.anchors.push({ seq: Number(m[1]), hash: m[2] ?? '' });
      } else if (flag === '--anchors-from') out.anchorsFrom.push(takeValue(args, i++, flag));
      else if (flag === '--file' || flag === '--against') {
        const value = takeValue(args, i++, flag);
        if (flag === '--file') out.file = value;
        else out.against = value;
        if (out.file !== undefined && out.against !== undefined) throw new AuditUsageError('--file and --against: one or the other (--file needs no Redis)');
      } else if (flag === '--clock-skew') {
        const value = takeValue(args, i++, flag);
        const bound = parseTimeBound(value);
        if (bound === undefined || !('agoMs' in bound)) throw new AuditUsageError(`--clock-skew ${value}: a duration (90s, 5m, 1h)`);
        out.clockSkewMs = bound.agoMs;
      } else throw new AuditUsageError(`verify: unknown option ${flag}`);
    }
    return out;
  }
  throw new AuditUsageError(`unknown audit command '${command}'`);
}
