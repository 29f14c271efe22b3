import { entryFromBody, type ChainEntry } from '../../core/audit/chain-entry';
import type { AuditRecord } from '../../ports/audit-port';

/** A stream entry as ioredis returns it: id and flat field/value list. */
export type RawStreamEntry = [id: string, fields: string[]];

/** The hashed body (`r`) and hash (`h`) of a raw entry. */
export function entryFields(fields: readonly string[]): { body?: string; hash?: string } {
  const out: { body?: string; hash?: string } = {};
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === 'r') out.body = fields[i + 1];
    else if (fields[i] === 'h') out.hash = fields[i + 1];
  }
  return out;
}

/** A raw entry as a verifier entry (its body hashed now). */
export function toChainEntry([id, fields]: RawStreamEntry): ChainEntry {
  const { body, hash } = entryFields(fields);
  return entryFromBody(id, body, hash);
}

/** The record of a raw entry, without checking its hash (queries; `verify` checks); undefined when unreadable. */
export function toRecord([, fields]: RawStreamEntry): AuditRecord | undefined {
  const { body, hash } = entryFields(fields);
  if (body === undefined || hash === undefined) return undefined;
  try {
    const parsed = JSON.parse(body) as AuditRecord;
    return parsed !== null && typeof parsed === 'object' && typeof parsed.seq === 'number' ? { ...parsed, hash } : undefined;
  } catch {
    return undefined;
  }
}

const MAX_SEQ = 18446744073709551615n;

/** The lowest stream id at or after epoch `ms`. */
export function idAtOrAfter(ms: number): string {
  return `${Math.max(0, Math.floor(ms))}-0`;
}

/** The highest stream id at or before epoch `ms`. */
export function idAtOrBefore(ms: number): string {
  return `${Math.max(0, Math.floor(ms))}-${MAX_SEQ}`;
}

function splitId(id: string): [bigint, bigint] {
  const [ms = '0', seq = '0'] = id.split('-');
  return [BigInt(ms), BigInt(seq)];
}

/** The id right after `id` (an exclusive XRANGE start that Redis before 6.2 understands); undefined at the very end. */
export function idAfter(id: string): string | undefined {
  const [ms, seq] = splitId(id);
  if (seq < MAX_SEQ) return `${ms}-${seq + 1n}`;
  return ms < MAX_SEQ ? `${ms + 1n}-0` : undefined;
}

/** The id right before `id` (an exclusive XREVRANGE end); undefined at `0-0`. */
export function idBefore(id: string): string | undefined {
  const [ms, seq] = splitId(id);
  if (seq > 0n) return `${ms}-${seq - 1n}`;
  return ms > 0n ? `${ms - 1n}-${MAX_SEQ}` : undefined;
}
