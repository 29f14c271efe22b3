import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { ChainEntry } from '../../core/audit/chain-entry';
import { entryFromLine, type FileRecordRef } from '../../core/audit/file-records';

/** The entries of a JSON-lines audit file, one per non-empty line (see {@link entryFromLine}). */
export async function readAuditFile(path: string): Promise<ChainEntry[]> {
  const entries: ChainEntry[] = [];
  let lineNo = 0;
  for await (const line of createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity })) {
    lineNo++;
    if (line.trim() !== '') entries.push(entryFromLine(line, lineNo));
  }
  return entries;
}

/** The file's records by seq (hash as it claims it, and line); the first line of a seq wins. */
export function fileRecordsBySeq(entries: readonly ChainEntry[]): Map<number, FileRecordRef> {
  const out = new Map<number, FileRecordRef>();
  for (const e of entries) if (e.record !== undefined && !out.has(e.record.seq)) out.set(e.record.seq, { hash: e.claimedHash, line: e.id });
  return out;
}
