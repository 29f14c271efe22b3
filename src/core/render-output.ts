import { createHash } from 'node:crypto';
import { stripAnsi } from './strip-ansi';
import type { TranscriptEntry } from '../ports/output-store-port';

/** A job's transcript as kept: the text, its SHA-256, its size, and what the bound cut. */
export interface RenderedOutput {
  text: string;
  sha256: string;
  /** Bytes of `text` (UTF-8). */
  bytes: number;
  /** Bytes of the whole rendering before the bound. */
  fullBytes: number;
  truncated: boolean;
}

/** The SHA-256 of a text's UTF-8 bytes, hex: what the audit record keeps and `/srs output` recomputes. */
export function outputSha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * One step, delimited so a reader (and a parser) tells steps and streams apart: a `$ COMMAND` line, the stdout and
 * stderr each under its own marker (escape sequences removed), then the exit code.
 */
function renderEntry(e: TranscriptEntry, index: number, count: number): string {
  const lines = [`===== step ${index + 1}/${count} =====`, `$ ${e.command}`];
  const out = stripAnsi(e.stdout).replace(/\n+$/, '');
  const err = stripAnsi(e.stderr).replace(/\n+$/, '');
  lines.push('----- stdout -----', ...(out === '' ? ['(empty)'] : [out]));
  lines.push('----- stderr -----', ...(err === '' ? ['(empty)'] : [err]));
  lines.push(`----- exit ${e.exitCode === null ? 'none (killed, timed out or connection lost)' : String(e.exitCode)} -----`);
  return lines.join('\n');
}

/** The whole transcript, unbounded: each step in order, or a line saying that no command was sent. */
export function renderTranscript(entries: readonly TranscriptEntry[]): string {
  if (entries.length === 0) return '(no state-changing command was sent to the host)\n';
  return `${entries.map((e, i) => renderEntry(e, i, entries.length)).join('\n\n')}\n`;
}

/** True for a UTF-8 continuation byte (10xxxxxx): a cut there would split a character. */
function inside(buf: Buffer, i: number): boolean {
  const b = buf[i];
  return b !== undefined && b >= 0x80 && b < 0xc0;
}

/** A cut at `at` or before it that splits no character (the head's end). */
function cutBack(buf: Buffer, at: number): number {
  let i = Math.max(0, Math.min(at, buf.length));
  while (i > 0 && inside(buf, i)) i--;
  return i;
}

/** A cut at `at` or after it that splits no character (the tail's start). */
function cutForward(buf: Buffer, at: number): number {
  let i = Math.max(0, Math.min(at, buf.length));
  while (i < buf.length && inside(buf, i)) i++;
  return i;
}

/**
 * The transcript rendered and bounded by `maxBytes`: when longer, its head and its tail are kept (half each, the
 * marker line included in the bound) with a line saying how many bytes were dropped; the hash is of the kept text.
 */
export function boundedOutput(entries: readonly TranscriptEntry[], maxBytes: number): RenderedOutput {
  const full = renderTranscript(entries);
  const buf = Buffer.from(full, 'utf8');
  if (buf.length <= maxBytes) return { text: full, sha256: outputSha256(full), bytes: buf.length, fullBytes: buf.length, truncated: false };
  // The marker's length depends on the count it names: reserve for the widest count.
  const reserve = Buffer.byteLength(cutMarker(buf.length));
  const room = Math.max(0, maxBytes - reserve);
  const headEnd = cutBack(buf, Math.floor(room / 2));
  const tailStart = cutForward(buf, buf.length - (room - headEnd));
  const dropped = tailStart - headEnd;
  const text = `${buf.subarray(0, headEnd).toString('utf8')}${cutMarker(dropped)}${buf.subarray(tailStart).toString('utf8')}`;
  return { text, sha256: outputSha256(text), bytes: Buffer.byteLength(text), fullBytes: buf.length, truncated: true };
}

/** The line put where the middle was cut. */
function cutMarker(dropped: number): string {
  return `\n[... ${dropped} bytes cut here: output.maxBytes keeps the head and the tail ...]\n`;
}
