/** Prints the fault table the fault tests recorded (`npm run test:faults`, and the end of `npm test`). */
import fs from 'node:fs';
import path from 'node:path';
import { FAULT_DIR, type FaultRow } from '../test/support/fault-record';

const rows: FaultRow[] = fs.existsSync(FAULT_DIR)
  ? fs
      .readdirSync(FAULT_DIR)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(fs.readFileSync(path.join(FAULT_DIR, f), 'utf8')) as FaultRow)
      .sort((a, b) => a.fault.localeCompare(b.fault))
  : [];
if (rows.length === 0) {
  process.stdout.write('fault report: no fault test recorded a row (run the fault tests first)\n');
  process.exit(1);
}
const w = Math.max(...rows.map((r) => r.fault.length), 5);
const lines = [`| ${'fault'.padEnd(w)} | injected | survived | requests lost |`, `|${'-'.repeat(w + 2)}|----------|----------|---------------|`];
for (const r of rows) lines.push(`| ${r.fault.padEnd(w)} | ${String(r.injected).padStart(8)} | ${(r.survived ? 'yes' : 'NO').padStart(8)} | ${String(r.requestsLost).padStart(13)} |`);
process.stdout.write(`${lines.join('\n')}\n`);
const lost = rows.reduce((n, r) => n + r.requestsLost, 0);
process.exit(lost === 0 && rows.every((r) => r.survived) ? 0 : 1);
