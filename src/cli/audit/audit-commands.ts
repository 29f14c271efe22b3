import { toJsonLine } from '../../core/audit/export-format';
import { verifyFileEntries } from '../../core/audit/file-records';
import { fileRecordsBySeq, readAnchors, readAuditFile, type AuditFile } from '../../adapters/audit/read-audit-file';
import { anchorsMatchedText, gatherAnchors, type GatheredAnchors } from '../../core/audit/anchor-check';
import type { FoundAnchor } from '../../core/audit/anchor-line';
import type { RedisAuditStore } from '../../adapters/redis/redis-audit-store';
import type { AuditRecord } from '../../ports/audit-port';
import type { ChainProblem } from '../../core/audit/chain-verifier';
import type { AuditArgs } from './parse-audit-args';
import type { AuditOutput } from './audit-output';

/** Exit codes of `srs-chatops audit`. */
export const AUDIT_EXIT = { ok: 0, problems: 1, usage: 2, unavailable: 3 } as const;

/** `audit export`: every record of the range, oldest first, as JSON lines or CSV. */
export async function runExport(store: RedisAuditStore, args: Extract<AuditArgs, { command: 'export' }>, io: AuditOutput): Promise<number> {
  const { command: _c, ...options } = args;
  for await (const line of store.export(options)) await io.out(line);
  return AUDIT_EXIT.ok;
}

/** `#12 2024-05-01T10:00:00.000Z job.result worker:w1 edge-3 restart ok req=abc` */
export function toTextLine(r: AuditRecord): string {
  const outcome = r.data['outcome'];
  const parts = [`#${r.seq}`, r.at, r.type, r.actor, r.host ?? '-', r.verb ?? '-'];
  if (typeof outcome === 'string') parts.push(outcome);
  if (r.requestId !== undefined) parts.push(`req=${r.requestId}`);
  return `${parts.join(' ')}\n`;
}

/** `audit tail`: the last records, then new ones with `--follow` until `signal` aborts. */
export async function runTail(
  store: RedisAuditStore,
  args: Extract<AuditArgs, { command: 'tail' }>,
  io: AuditOutput,
  signal?: AbortSignal,
): Promise<number> {
  const options = { last: args.last, follow: args.follow, ...(signal === undefined ? {} : { signal }) };
  for await (const record of store.tail(options)) await io.out(args.format === 'jsonl' ? toJsonLine(record) : toTextLine(record));
  return AUDIT_EXIT.ok;
}

/** `audit verify`: walks the log; exit 1 with the first problem named (then the first of each other failing check). */
export async function runVerify(store: RedisAuditStore, args: Extract<AuditArgs, { command: 'verify' }>, io: AuditOutput): Promise<number> {
  const started = Date.now();
  const against = args.against === undefined ? undefined : await readFileOrSay(args.against, io);
  if (args.against !== undefined && against === undefined) return AUDIT_EXIT.usage;
  // The compared file's own anchor lines count too.
  const gathered = await anchorsOf(
    args,
    against === undefined || args.against === undefined || against.anchors.length === 0
      ? []
      : [{ source: args.against, anchors: against.anchors }],
    io,
  );
  if (gathered === undefined) return AUDIT_EXIT.usage;
  let reported = 0;
  const report = await store.verify({
    anchors: gathered.anchors,
    ...(args.clockSkewMs === undefined ? {} : { clockSkewMs: args.clockSkewMs }),
    onProgress: (checked) => {
      if (args.quiet || checked - reported < 250_000) return;
      reported = checked;
      io.err(`verifying: ${checked} records checked\n`);
    },
  });
  if (args.against !== undefined && against !== undefined) {
    const compared = await store.compareWithFile(fileRecordsBySeq(against.entries));
    if (compared.first !== undefined) {
      const finding = { ...compared.first, message: `against ${args.against}: ${compared.first.message}` };
      report.findings.push(finding);
      report.first ??= finding;
      report.problems += compared.problems;
      report.ok = false;
    }
  }
  addFindings(report, gathered.findings);
  const took = `${((Date.now() - started) / 1000).toFixed(1)} s`;
  if (report.ok) {
    const anchored = anchorsMatchedText(gathered.anchors);
    await io.out(
      report.checked === 0
        ? 'audit log empty\n'
        : `audit log ok: ${report.checked} records, chain intact up to seq ${report.lastSeq ?? '?'}${anchored}, in ${took}\n`,
    );
    if (report.head !== undefined) await io.out(`head: ${report.head.seq}:${report.head.hash}\n`);
    return AUDIT_EXIT.ok;
  }
  await io.out(`audit log FAILED verification: ${report.first?.message ?? 'unknown problem'}\n`);
  for (const finding of report.findings.slice(1)) await io.out(`also (${finding.kind}): ${finding.message}\n`);
  await io.out(
    `${report.problems} problem${report.problems === 1 ? '' : 's'} in ${report.checked} records (first: ${report.first?.kind ?? '?'}${report.first?.seq === undefined ? '' : ` at seq ${report.first.seq}`}, ${report.first?.id ?? '?'}), in ${took}\n`,
  );
  return AUDIT_EXIT.problems;
}

/** Findings found outside the walk (anchors that disagree), added to its report. */
function addFindings(
  report: { ok: boolean; problems: number; first?: ChainProblem; findings?: ChainProblem[] },
  findings: readonly ChainProblem[],
): void {
  if (findings.length === 0) return;
  report.ok = false;
  report.problems += findings.length;
  report.findings?.push(...findings);
  report.first ??= findings[0];
}

function errorCode(err: unknown): string {
  return err !== null && typeof err === 'object' && 'code' in err ? String(err.code) : err instanceof Error ? err.message : String(err);
}

async function readFileOrSay(path: string, io: AuditOutput): Promise<AuditFile | undefined> {
  try {
    return await readAuditFile(path);
  } catch (err) {
    io.err(
      `srs-chatops audit verify: cannot read ${path} (${errorCode(err)}): give the path of an \`audit export\` file or of the audit.file copy\n`,
    );
    return undefined;
  }
}

/**
 * The anchors of a verify: `--anchor`s, `extra` (an audit file's own anchor lines), and every anchor in each
 * `--anchors-from` file. Undefined (after saying why) when a file cannot be read or holds no anchor at all.
 */
async function anchorsOf(
  args: Extract<AuditArgs, { command: 'verify' }>,
  extra: readonly { source: string; anchors: readonly FoundAnchor[] }[],
  io: AuditOutput,
): Promise<GatheredAnchors | undefined> {
  const found = [...extra];
  for (const path of args.anchorsFrom) {
    let anchors: FoundAnchor[];
    try {
      anchors = await readAnchors(path);
    } catch (err) {
      io.err(
        `srs-chatops audit verify: cannot read ${path} (${errorCode(err)}): give the audit.file copy, or a saved copy or export of the audit channel\n`,
      );
      return undefined;
    }
    if (anchors.length === 0) {
      io.err(
        `srs-chatops audit verify: no anchor in ${path}: anchors are lines like {"anchor":1,"at":…,"hash":…,"seq":…} (posted to audit.anchors.channel, written to audit.file) or SEQ:HASH\n`,
      );
      return undefined;
    }
    found.push({ source: path, anchors });
  }
  return gatherAnchors(args.anchors, found);
}

/** `audit verify --file F`: the file alone, no Redis; exit 1 naming the first bad line. */
export async function runVerifyFile(args: Extract<AuditArgs, { command: 'verify' }> & { file: string }, io: AuditOutput): Promise<number> {
  const started = Date.now();
  const file = await readFileOrSay(args.file, io);
  if (file === undefined) return AUDIT_EXIT.usage;
  const { entries } = file;
  const gathered = await anchorsOf(args, file.anchors.length === 0 ? [] : [{ source: args.file, anchors: file.anchors }], io);
  if (gathered === undefined) return AUDIT_EXIT.usage;
  // An export --since starts mid-log: anchors of records before its first one say nothing about it.
  const from = entries.reduce((m, e) => Math.min(m, e.record?.seq ?? Infinity), Infinity);
  const anchors = gathered.anchors.filter((a) => a.seq >= from);
  const report = verifyFileEntries(entries, anchors);
  addFindings(report, gathered.findings);
  const took = `${((Date.now() - started) / 1000).toFixed(1)} s`;
  if (report.ok) {
    const before = gathered.anchors.length - anchors.length;
    const anchored =
      anchorsMatchedText(anchors) +
      (before === 0 ? '' : ` (${before} anchor${before === 1 ? '' : 's'} before the file's first record not checked)`);
    if (report.checked === 0) await io.out(`audit file ${args.file} empty\n`);
    else
      await io.out(
        `audit file ok: ${report.checked} records, chain intact from seq ${from} to seq ${report.lastSeq ?? '?'}${anchored}, in ${took}\n`,
      );
    const last = entries.find((e) => e.record?.seq === report.lastSeq);
    if (last !== undefined) await io.out(`head: ${report.lastSeq ?? '?'}:${last.claimedHash}\n`);
    return AUDIT_EXIT.ok;
  }
  await io.out(`audit file FAILED verification: ${report.first?.message ?? 'unknown problem'}\n`);
  await io.out(
    `${report.problems} problem${report.problems === 1 ? '' : 's'} in ${report.checked} lines (first: ${report.first?.kind ?? '?'}${report.first?.seq === undefined ? '' : ` at seq ${report.first.seq}`}, ${report.first?.id ?? '?'}), in ${took}\n`,
  );
  return AUDIT_EXIT.problems;
}
