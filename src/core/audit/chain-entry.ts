import type { AuditRecord } from '../../ports/audit-port';
import { hashRecord, sha256Hex } from './record-hash';

/** One record as a verifier sees it: where it is, what it claims, and the hash of what it really holds. */
export interface ChainEntry {
  /** Where the record is: a stream id, a line number, an array index. */
  id: string;
  /** The parsed record; undefined when it could not be read as a version-1 record. */
  record: AuditRecord | undefined;
  /** The hash the record carries. */
  claimedHash: string;
  /** SHA-256 of the record's content, computed now. */
  contentHash: string;
}

/** True when `value` has the shape of a stored record (version 1, integer seq, string prev/hash/type/actor). */
export function isAuditRecord(value: unknown): value is AuditRecord {
  if (value === null || typeof value !== 'object') return false;
  const r = value as Partial<Record<keyof AuditRecord, unknown>>;
  return (
    r.v === 1 &&
    typeof r.seq === 'number' &&
    Number.isSafeInteger(r.seq) &&
    r.seq >= 1 &&
    typeof r.prev === 'string' &&
    typeof r.hash === 'string' &&
    typeof r.type === 'string' &&
    typeof r.actor === 'string' &&
    typeof r.at === 'string'
  );
}

/** An entry from a stored body (the exact hashed text) and its stored hash, as the Redis store keeps them. */
export function entryFromBody(id: string, body: string | undefined, hash: string | undefined): ChainEntry {
  let parsed: unknown;
  try {
    parsed = body === undefined ? undefined : { ...(JSON.parse(body) as object), hash };
  } catch {
    parsed = undefined;
  }
  return {
    id,
    record: isAuditRecord(parsed) ? parsed : undefined,
    claimedHash: hash ?? '',
    contentHash: body === undefined ? '' : sha256Hex(body),
  };
}

/** An entry from a whole record (an exported line, an array element): its hash is recomputed from canonical JSON. */
export function entryFromRecord(id: string, value: unknown): ChainEntry {
  if (!isAuditRecord(value)) {
    const hash =
      value !== null && typeof value === 'object' && typeof (value as { hash?: unknown }).hash === 'string'
        ? (value as { hash: string }).hash
        : '';
    return { id, record: undefined, claimedHash: hash, contentHash: '' };
  }
  return { id, record: value, claimedHash: value.hash, contentHash: hashRecord(value) };
}
