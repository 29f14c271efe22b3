import { canonicalJson } from './canonical-json';
import type { ChainHead } from './chain-verifier';

/**
 * The chain head as published outside Redis: the last record's seq and hash when it was read, and when. Each one
 * protects every record up to its seq: a log rewritten there (even with recomputed hashes) no longer has that hash.
 */
export interface AuditAnchor extends ChainHead {
  /** ISO-8601 UTC time the head was read. */
  at: string;
}

const HASH = /^[0-9a-f]{64}$/;

/**
 * The anchor line, as the bot posts it to the audit channel and the file sink appends it: the canonical JSON
 * `{"anchor":1,"at":…,"hash":…,"seq":…}` (members sorted; no `v`, so it is never mistaken for a record).
 */
export function anchorLine(a: AuditAnchor): string {
  return canonicalJson({ anchor: 1, at: a.at, hash: a.hash, seq: a.seq });
}

/** The anchor a parsed JSON value is, or undefined (a record, or anything else). */
export function anchorFromValue(value: unknown): AuditAnchor | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  if (v['anchor'] !== 1 || typeof v['hash'] !== 'string' || !HASH.test(v['hash']) || typeof v['at'] !== 'string') return undefined;
  const seq = v['seq'];
  return typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 1 ? { seq, hash: v['hash'], at: v['at'] } : undefined;
}

// An anchor line anywhere in a text: as posted, or JSON-escaped inside a Slack export or an API dump (`\"`).
const ANCHOR_IN_TEXT = /\{"anchor":1,"at":"([0-9TZ:.+-]{10,40})","hash":"([0-9a-f]{64})","seq":(\d{1,15})\}/g;
// A line that is only `SEQ:HASH` (or verify's own `head: SEQ:HASH`), as people note it.
const HEAD_LINE = /^\s*(?:head:\s*)?(\d{1,15}):([0-9a-f]{64})\s*$/gm;

/** An anchor found in a text, with where (1-based line). */
export interface FoundAnchor {
  anchor: ChainHead & { at?: string };
  line: number;
}

/** 1-based line numbers of ascending offsets, in one pass over the text. */
function linesAt(text: string, offsets: readonly number[]): number[] {
  const out: number[] = [];
  let line = 1;
  let nl = text.indexOf('\n');
  for (const offset of offsets) {
    while (nl !== -1 && nl < offset) {
      line++;
      nl = text.indexOf('\n', nl + 1);
    }
    out.push(line);
  }
  return out;
}

/**
 * Every anchor in `text`, in order: anchor lines wherever they stand (the audit file, a saved copy of the audit
 * channel, a Slack export, where they are JSON-escaped) and lines that hold only `SEQ:HASH`.
 */
export function findAnchors(text: string): FoundAnchor[] {
  const unescaped = text.includes('\\"') ? text.replace(/\\"/g, '"') : text;
  const found: { index: number; anchor: ChainHead & { at?: string } }[] = [];
  for (const m of unescaped.matchAll(ANCHOR_IN_TEXT)) {
    found.push({ index: m.index, anchor: { at: m[1] ?? '', hash: m[2] ?? '', seq: Number(m[3]) } });
  }
  for (const m of unescaped.matchAll(HEAD_LINE)) found.push({ index: m.index, anchor: { seq: Number(m[1]), hash: m[2] ?? '' } });
  const sorted = found.filter((f) => f.anchor.seq >= 1).sort((a, b) => a.index - b.index);
  const lines = linesAt(
    unescaped,
    sorted.map((f) => f.index),
  );
  return sorted.map((f, i) => ({ anchor: f.anchor, line: lines[i] ?? 0 }));
}

/** Two anchors of one seq with different hashes: the log was rewritten between the two readings. */
export interface AnchorConflict {
  seq: number;
  hashes: string[];
  /** Where each was found (`file:line`). */
  where: string[];
}

/** Anchors gathered from several places, one per seq, and the seqs whose anchors disagree. */
export interface MergedAnchors {
  anchors: ChainHead[];
  conflicts: AnchorConflict[];
}

/**
 * One anchor per seq. When two disagree, the earlier one (by `at`, else by order found) is kept as the anchor: it
 * was published first, before the rewrite the later one saw.
 */
export function mergeAnchors(found: readonly (FoundAnchor & { source: string })[]): MergedAnchors {
  const bySeq = new Map<number, { kept: FoundAnchor & { source: string }; all: (FoundAnchor & { source: string })[] }>();
  for (const f of found) {
    const slot = bySeq.get(f.anchor.seq);
    if (slot === undefined) bySeq.set(f.anchor.seq, { kept: f, all: [f] });
    else {
      slot.all.push(f);
      const earlier = f.anchor.at !== undefined && slot.kept.anchor.at !== undefined && f.anchor.at < slot.kept.anchor.at;
      if (earlier) slot.kept = f;
    }
  }
  const anchors: ChainHead[] = [];
  const conflicts: AnchorConflict[] = [];
  for (const [seq, slot] of [...bySeq].sort((a, b) => a[0] - b[0])) {
    anchors.push({ seq, hash: slot.kept.anchor.hash });
    const hashes = [...new Set(slot.all.map((f) => f.anchor.hash))];
    if (hashes.length > 1) conflicts.push({ seq, hashes, where: slot.all.map((f) => `${f.source}:${f.line}`) });
  }
  return { anchors, conflicts };
}
