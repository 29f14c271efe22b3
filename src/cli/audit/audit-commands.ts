import { toJsonLine } from '../../core/audit/export-format';
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

/** `audit verify`: walks the log; exit 1 with the first bad record named when the chain does not hold. */
export async function runVerify(store: RedisAuditStore, args: Extract<AuditArgs, { command: 'verify' }>, io: AuditOutput): Promise<number> {
  const started = Date.now();
  let reported = 0;
  const report = await store.verify({
    anchors: args.anchors,
    onProgress: (checked) => {
      if (args.quiet || checked - reported < 250_000) return;
      reported = checked;
      io.err(`verifying: ${checked} records checked\n`);
    },
  });
  const took = `${((Date.now() - started) / 1000).toFixed(1)} s`;
  if (report.ok) {
    const anchored = args.anchors.length === 0 ? '' : `, ${args.anchors.length} anchor${args.anchors.length === 1 ? '' : 's'} matched`;
    await io.out(report.checked === 0 ? 'audit log empty\n' : `audit log ok: ${report.checked} records, chain intact up to seq ${report.lastSeq ?? '?'}${anchored}, in ${took}\n`);
    if (report.head !== undefined) await io.out(`head: ${report.head.seq}:${report.head.hash}\n`);
    return AUDIT_EXIT.ok;
  }
  await io.out(`audit log FAILED verification: ${report.first?.message ?? 'unknown problem'}\n`);
  await io.out(`${report.problems} problem${report.problems === 1 ? '' : 's'} in ${report.checked} records (first: ${report.first?.kind ?? '?'} at seq ${report.first?.seq ?? '?'}, ${report.first?.id ?? '?'}), in ${took}\n`);
  return AUDIT_EXIT.problems;
}
