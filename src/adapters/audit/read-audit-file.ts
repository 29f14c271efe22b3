import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { anchorFromValue, findAnchors, type FoundAnchor } from '../../core/audit/anchor-line';
import type { ChainEntry } from '../../core/audit/chain-entry';
import { entryFromLine, type FileRecordRef } from '../../core/audit/file-records';

/** A JSON-lines audit file: its records (one entry per line, see {@link entryFromLine}) and its anchor lines. */
export interface AuditFile {
  entries: ChainEntry[];
  anchors: FoundAnchor[];
}

function lines(path: string): AsyncIterable<string> {
  return createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
}

/** Reads an `audit export` or the `audit.file` copy: record lines as entries, anchor lines (`{"anchor":1,…}`) apart. */
export async function readAuditFile(path: string): Promise<AuditFile> {
  const out: AuditFile = { entries: [], anchors: [] };
  let lineNo = 0;
  for await (const line of lines(path)) {
    lineNo++;
    if (line.trim() === '') continue;
    const anchor = line.startsWith('{"anchor":') ? anchorFromJson(line) : undefined;
    if (anchor !== undefined) out.anchors.push({ anchor, line: lineNo });
    else out.entries.push(entryFromLine(line, lineNo));
  }
  return out;
}

function anchorFromJson(line: string): ReturnType<typeof anchorFromValue> {
  try {
    return anchorFromValue(JSON.parse(line));
  } catch {
    return undefined;
  }
}

/**
 * Every anchor in a text file of any kind, line by line: the audit file, a saved copy or a Slack export of the audit
 * channel, notes with `SEQ:HASH` lines (see {@link findAnchors}).
 */
export async function readAnchors(path: string): Promise<FoundAnchor[]> {
  const out: FoundAnchor[] = [];
  let lineNo = 0;
  for await (const line of lines(path)) {
    lineNo++;
    if (!line.includes('anchor') && !/^\s*(?:head:\s*)?\d/.test(line)) continue;
    for (const f of findAnchors(line)) out.push({ anchor: f.anchor, line: lineNo });
  }
  return out;
}

/** The file's records by seq (hash as it claims it, and line); the first line of a seq wins. */
export function fileRecordsBySeq(entries: readonly ChainEntry[]): Map<number, FileRecordRef> {
  const out = new Map<number, FileRecordRef>();
  for (const e of entries) if (e.record !== undefined && !out.has(e.record.seq)) out.set(e.record.seq, { hash: e.claimedHash, line: e.id });
  return out;
}
