import type { ChainHead } from '../../core/audit/chain-verifier';
import { parseTimeBound, resolveTimeBound } from '../../core/audit/time-bound';
import { parseCommandArgs, UsageError } from '../args/parse-command-args';

/** A parsed `srs-chatops audit` command line. */
export type AuditArgs =
  | { command: 'export'; since?: number; until?: number; host?: string; format: 'jsonl' | 'csv' }
  | { command: 'tail'; last: number; follow: boolean; format: 'text' | 'jsonl' }
  | {
      command: 'verify';
      quiet: boolean;
      anchors: ChainHead[];
      anchorsFrom: string[];
      clockSkewMs?: number;
      file?: string;
      against?: string;
    }
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
         else and pass it later as --anchor, so that even a log rewritten with recomputed hashes is caught;
         --anchors-from F: use every anchor line found in F (the audit.file copy, a saved copy or export of the
         audit channel): each must match the log
  verify --file F [--anchor SEQ:HASH]... [--anchors-from G]...
         verify a JSON-lines file (an export, or the audit.file copy) with no Redis: every hash, and the
         chain in seq order from the file's first record (docs/AUDIT-FORMAT.md)
  verify --against F [options of verify]
         verify the log in Redis, then compare it with the file record by record over the file's seqs;
         names the first record missing from either side or with another hash
  help   this text (also: audit <command> --help)
`;

/** What went wrong on the command line (exit 2). */
export class AuditUsageError extends Error {
  override readonly name = 'AuditUsageError';
}

const STRING = { type: 'string' } as const;
const FLAG = { type: 'boolean' } as const;
const HELP = { help: { ...FLAG, short: 'h' } } as const;
const OPTIONS = {
  export: { ...HELP, since: STRING, until: STRING, host: STRING, format: STRING },
  tail: { ...HELP, follow: { ...FLAG, short: 'f' }, lines: { ...STRING, short: 'n' }, format: STRING },
  verify: {
    ...HELP,
    quiet: { ...FLAG, short: 'q' },
    anchor: { ...STRING, multiple: true },
    'anchors-from': { ...STRING, multiple: true },
    file: STRING,
    against: STRING,
    'clock-skew': STRING,
  },
} as const;

/** parseArgs (strict) for one audit command; its mistakes worded as they always were (`export: unknown option --bogus`). */
function parse<C extends keyof typeof OPTIONS>(command: C, args: readonly string[]) {
  try {
    return parseCommandArgs(args, OPTIONS[command]);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    const { problem, arg } = err;
    if (arg !== undefined && (problem === 'unknown option' || problem === 'unexpected argument'))
      throw new AuditUsageError(`${command}: ${problem} ${arg}`);
    throw new AuditUsageError(err.message); // `--since needs a value`, `--follow takes no value`
  }
}

function time(value: string | undefined, flag: string, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const bound = parseTimeBound(value);
  if (bound === undefined)
    throw new AuditUsageError(`${flag} ${value}: not a duration (30m, 12h, 7d) or a date (2024-05-01, 2024-05-01T10:00Z)`);
  return resolveTimeBound(bound, nowMs);
}

function parseExport(args: readonly string[], nowMs: number): AuditArgs {
  const { values } = parse('export', args);
  if (values.help === true) return { command: 'help' };
  const f = values.format ?? 'jsonl';
  if (f !== 'jsonl' && f !== 'csv') throw new AuditUsageError(`--format ${f}: jsonl or csv`);
  const since = time(values.since, '--since', nowMs);
  const until = time(values.until, '--until', nowMs);
  return {
    command: 'export',
    ...(since !== undefined ? { since } : {}),
    ...(until !== undefined ? { until } : {}),
    ...(values.host !== undefined ? { host: values.host } : {}),
    format: f,
  };
}

function parseTail(args: readonly string[]): AuditArgs {
  const { values, tokens } = parse('tail', args);
  if (values.help === true) return { command: 'help' };
  let last = 10;
  if (values.lines !== undefined) {
    const flag = tokens.flatMap((t) => (t.kind === 'option' && t.name === 'lines' ? [t.rawName] : [])).pop() ?? '--lines'; // -n or --lines
    last = Number(values.lines);
    if (!Number.isInteger(last) || last < 0 || last > 100_000 || values.lines.trim() === '')
      throw new AuditUsageError(`${flag}: a number from 0 to 100000`);
  }
  const f = values.format ?? 'text';
  if (f !== 'text' && f !== 'jsonl') throw new AuditUsageError(`--format ${f}: text or jsonl`);
  return { command: 'tail', last, follow: values.follow === true, format: f };
}

function parseVerify(args: readonly string[]): AuditArgs {
  const { values } = parse('verify', args);
  if (values.help === true) return { command: 'help' };
  const anchors = (values.anchor ?? []).map((value) => {
    const m = /^(\d{1,15}):([0-9a-f]{64})$/.exec(value);
    if (m === null) throw new AuditUsageError(`--anchor ${value}: SEQ:HASH (the 64 hex digits verify printed)`);
    return { seq: Number(m[1]), hash: m[2] ?? '' };
  });
  if (values.file !== undefined && values.against !== undefined)
    throw new AuditUsageError('--file and --against: one or the other (--file needs no Redis)');
  const out: Extract<AuditArgs, { command: 'verify' }> = {
    command: 'verify',
    quiet: values.quiet === true,
    anchors,
    anchorsFrom: values['anchors-from'] ?? [],
  };
  if (values.file !== undefined) out.file = values.file;
  if (values.against !== undefined) out.against = values.against;
  const skew = values['clock-skew'];
  if (skew !== undefined) {
    const bound = parseTimeBound(skew);
    if (bound === undefined || !('agoMs' in bound)) throw new AuditUsageError(`--clock-skew ${skew}: a duration (90s, 5m, 1h)`);
    out.clockSkewMs = bound.agoMs;
  }
  return out;
}

/** Parses `audit <command> [options]` with node:util parseArgs (`--flag=value` works too); throws {@link AuditUsageError}. */
export function parseAuditArgs(argv: readonly string[], nowMs: number): AuditArgs {
  const [command, ...args] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') return { command: 'help' };
  if (command === 'export') return parseExport(args, nowMs);
  if (command === 'tail') return parseTail(args);
  if (command === 'verify') return parseVerify(args);
  throw new AuditUsageError(`unknown audit command '${command}'`);
}
