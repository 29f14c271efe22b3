import { toJsonLine } from '../../core/audit/export-format';
import { verifyFileEntries } from '../../core/audit/file-records';
import { fileRecordsBySeq, readAuditFile } from '../../adapters/audit/read-audit-file';
import type { RedisAuditStore } from '../../adapters/redis/redis-audit-store';
import type { AuditRecord } from '../../ports/audit-port';
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
export async function runTail(store: RedisAuditStore, args: Extract<AuditArgs, { command: 'tail' }>, io: AuditOutput, signal?: AbortSignal): Promise<number> {
  const options = { last: args.last, follow: args.follow, ...(signal === undefined ? {} : { signal }) };
  for await (const record of store.tail(options)) await io.out(args.format === 'jsonl' ? toJsonLine(record) : toTextLine(record));
  return AUDIT_EXIT.ok;
}

/** `audit verify`: walks the log; exit 1 with the first problem named (then the first of each other failing check). */
export async function runVerify(store: RedisAuditStore, args: Extract<AuditArgs, { command: 'verify' }>, io: AuditOutput): Promise<number> {
  const started = Date.now();
  let reported = 0;
  const report = await store.verify({
    anchors: args.anchors,
    ...(args.clockSkewMs === undefined ? {} : { clockSkewMs: args.clockSkewMs }),
    onProgress: (checked) => {
      if (args.quiet || checked - reported < 250_000) return;
      reported = checked;
      io.err(`verifying: ${checked} records checked\n`);
    },
  });
  if (args.against !== undefined) {
    const file = await readFileOrSay(args.against, io);
    if (file === undefined) return AUDIT_EXIT.usage;
    const compared = await store.compareWithFile(fileRecordsBySeq(file));
    if (compared.first !== undefined) {
      const finding = { ...compared.first, message: `against ${args.against}: ${compared.first.message}` };
      report.findings.push(finding);
      report.first ??= finding;
      report.problems += compared.problems;
      report.ok = false;
    }
  }
  const took = `${((Date.now() - started) / 1000).toFixed(1)} s`;
  if (report.ok) {
    const anchored = args.anchors.length === 0 ? '' : `, ${args.anchors.length} anchor${args.anchors.length === 1 ? '' : 's'} matched`;
    await io.out(report.checked === 0 ? 'audit log empty\n' : `audit log ok: ${report.checked} records, chain intact up to seq ${report.lastSeq ?? '?'}${anchored}, in ${took}\n`);
    if (report.head !== undefined) await io.out(`head: ${report.head.seq}:${report.head.hash}\n`);
    return AUDIT_EXIT.ok;
  }
  await io.out(`audit log FAILED verification: ${report.first?.message ?? 'unknown problem'}\n`);
  for (const finding of report.findings.slice(1)) await io.out(`also (${finding.kind}): ${finding.message}\n`);
  await io.out(`${report.problems} problem${report.problems === 1 ? '' : 's'} in ${report.checked} records (first: ${report.first?.kind ?? '?'}${report.first?.seq === undefined ? '' : ` at seq ${report.first.seq}`}, ${report.first?.id ?? '?'}), in ${took}\n`);
  return AUDIT_EXIT.problems;
}

async function readFileOrSay(path: string, io: AuditOutput): Promise<Awaited<ReturnType<typeof readAuditFile>> | undefined> {
  try {
    return await readAuditFile(path);
  } catch (err) {
    const code = err !== null && typeof err === 'object' && 'code' in err ? String((err).code) : err instanceof Error ? err.message : String(err);
    io.err(`srs-chatops audit verify: cannot read ${path} (${code}): give the path of an \`audit export\` file or of the audit.file copy\n`);
    return undefined;
  }
}

/** `audit verify --file F`: the file alone, no Redis; exit 1 naming the first bad line. */
export async function runVerifyFile(args: Extract<AuditArgs, { command: 'verify' }> & { file: string }, io: AuditOutput): Promise<number> {
  const started = Date.now();
  const entries = await readFileOrSay(args.file, io);
  if (entries === undefined) return AUDIT_EXIT.usage;
  const report = verifyFileEntries(entries, args.anchors);
  const took = `${((Date.now() - started) / 1000).toFixed(1)} s`;
  if (report.ok) {
    const from = entries.reduce((m, e) => Math.min(m, e.record?.seq ?? Infinity), Infinity);
    const anchored = args.anchors.length === 0 ? '' : `, ${args.anchors.length} anchor${args.anchors.length === 1 ? '' : 's'} matched`;
    if (report.checked === 0) await io.out(`audit file ${args.file} empty\n`);
    else await io.out(`audit file ok: ${report.checked} records, chain intact from seq ${from} to seq ${report.lastSeq ?? '?'}${anchored}, in ${took}\n`);
    const last = entries.find((e) => e.record?.seq === report.lastSeq);
    if (last !== undefined) await io.out(`head: ${report.lastSeq ?? '?'}:${last.claimedHash}\n`);
    return AUDIT_EXIT.ok;
  }
  await io.out(`audit file FAILED verification: ${report.first?.message ?? 'unknown problem'}\n`);
  await io.out(`${report.problems} problem${report.problems === 1 ? '' : 's'} in ${report.checked} lines (first: ${report.first?.kind ?? '?'}${report.first?.seq === undefined ? '' : ` at seq ${report.first.seq}`}, ${report.first?.id ?? '?'}), in ${took}\n`);
  return AUDIT_EXIT.problems;
}
