/**
 * Prints the fault table from what the fault tests observed (`npm run test:faults`, and the end of `npm test`). Each
 * row is computed here from the recorded requests (accepted, answered in their thread, closed in the audit log):
 * `survived` and `requests lost` are never taken from a file. Exits 1 when a row shows a loss, or a row cannot be
 * read as an observation (one written by hand, or by an older version of the tests).
 */
import fs from 'node:fs';
import path from 'node:path';
import { FAULT_DIR, faultRow, type FaultObservation, type FaultRow, type RequestSeen } from '../test/support/fault-record';

function isRequestSeen(v: unknown): v is RequestSeen {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r.requestId === 'string' && typeof r.answered === 'boolean' && (typeof r.audited === 'boolean' || r.audited === null);
}

/** The observation in a file, or why it is not one. */
function readObservation(file: string): FaultObservation | { fault: string; unreadable: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    return { fault: path.basename(file), unreadable: `not JSON (${(err as Error).message})` };
  }
  const o = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const fault = typeof o.fault === 'string' ? o.fault : path.basename(file);
  if (typeof o.injected !== 'number' || !Array.isArray(o.requests) || !o.requests.every(isRequestSeen)) {
    return { fault, unreadable: 'no observed requests (a row written by hand, or by older tests: run the fault tests again)' };
  }
  return { fault, injected: o.injected, requests: o.requests };
}

const observations = fs.existsSync(FAULT_DIR)
  ? fs
      .readdirSync(FAULT_DIR)
      .filter((f) => f.endsWith('.json'))
      .map((f) => readObservation(path.join(FAULT_DIR, f)))
      .sort((a, b) => a.fault.localeCompare(b.fault))
  : [];
if (observations.length === 0) {
  process.stdout.write('fault report: no fault test recorded a row (run the fault tests first)\n');
  process.exit(1);
}

const rows: FaultRow[] = [];
const unreadable: Array<{ fault: string; unreadable: string }> = [];
for (const o of observations) {
  if ('unreadable' in o) unreadable.push(o);
  else rows.push(faultRow(o));
}

const headers = ['fault', 'injected', 'accepted', 'answered', 'audited', 'requests lost', 'survived'] as const;
const cells = (r: FaultRow): string[] => [
  r.fault,
  String(r.injected),
  String(r.accepted),
  String(r.answered),
  r.audited === null ? 'n/a' : String(r.audited),
  String(r.requestsLost),
  r.survived ? 'yes' : r.accepted === 0 ? 'NO (no request seen)' : 'NO',
];
const table = rows.map(cells);
const widths = headers.map((h, i) => Math.max(h.length, ...table.map((c) => (c[i] ?? '').length)));
const line = (c: readonly string[]) =>
  `| ${c.map((s, i) => (i === 0 ? s.padEnd(widths[i] ?? 0) : s.padStart(widths[i] ?? 0))).join(' | ')} |`;
const out = [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...table.map(line)];
for (const r of rows) if (r.requestsLost > 0) out.push(`LOST in "${r.fault}": ${r.lost.join(', ')}`);
for (const u of unreadable) out.push(`UNREADABLE row "${u.fault}": ${u.unreadable}`);
out.push(
  '(accepted: requests the bot took; answered: a final answer in the thread; audited: closed in the audit log, n/a where the test runs below it)',
);
process.stdout.write(`${out.join('\n')}\n`);
process.exit(unreadable.length === 0 && rows.every((r) => r.survived && r.requestsLost === 0) ? 0 : 1);
