import fs from 'node:fs';
import path from 'node:path';

/** One row of the fault report: a fault injected, how often, whether the bot survived, requests lost. */
export interface FaultRow {
  fault: string;
  injected: number;
  survived: boolean;
  requestsLost: number;
}

/** Where fault tests leave their rows for `scripts/fault-report.ts`. */
export const FAULT_DIR = path.resolve(__dirname, '..', '..', '.tmp', 'faults');

/** Records a row (call it after the test's assertions passed, with what was observed). */
export function recordFault(row: FaultRow): void {
  fs.mkdirSync(FAULT_DIR, { recursive: true });
  const file = path.join(FAULT_DIR, `${row.fault.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.json`);
  fs.writeFileSync(file, JSON.stringify(row));
}
