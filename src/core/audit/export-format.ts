import type { AuditRecord } from '../../ports/audit-port';
import { canonicalJson } from './canonical-json';

/** Formats of `audit export`. */
export type ExportFormat = 'jsonl' | 'csv';

/** CSV columns, in order; `data` is the record's data as canonical JSON. */
export const CSV_COLUMNS = [
  'seq',
  'at',
  'type',
  'actor',
  'channel',
  'requestId',
  'host',
  'verb',
  'correlationId',
  'outcome',
  'data',
  'prev',
  'hash',
] as const;

/** Cells a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first): prefixed with `'` (OWASP). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One record as a JSON line: its canonical JSON, `hash` included, and a newline. Verifiable on its own: drop
 * `hash`, canonicalize again, SHA-256 (what `verifyRecords` does).
 */
export function toJsonLine(record: AuditRecord): string {
  return `${canonicalJson(record)}\n`;
}

/** One CSV cell (RFC 4180 quoting; formula-looking text prefixed with `'`). */
export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  let text =
    typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : canonicalJson(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The CSV header line. */
export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\r\n`;
}

/** One record as a CSV line (CRLF-terminated, as RFC 4180 has it); `outcome` is `data.outcome` when there is one. */
export function toCsvLine(record: AuditRecord): string {
  const cells: Record<(typeof CSV_COLUMNS)[number], unknown> = {
    seq: record.seq,
    at: record.at,
    type: record.type,
    actor: record.actor,
    channel: record.channel,
    requestId: record.requestId,
    host: record.host,
    verb: record.verb,
    correlationId: record.correlationId,
    outcome: record.data['outcome'],
    data: record.data,
    prev: record.prev,
    hash: record.hash,
  };
  return `${CSV_COLUMNS.map((c) => csvCell(cells[c])).join(',')}\r\n`;
}
