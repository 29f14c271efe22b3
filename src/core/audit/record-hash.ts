import { createHash } from 'node:crypto';
import type { AuditRecord } from '../../ports/audit-port';
import { canonicalJson } from './canonical-json';

/** `prev` of the first record. */
export const GENESIS_HASH = '0'.repeat(64);

/** A record before it is sealed: everything but `hash`. */
export type UnsealedRecord = Omit<AuditRecord, 'hash'>;

/** SHA-256 (hex) of a text, as UTF-8. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The hash a record must carry: SHA-256 over the canonical JSON of the record without its `hash` member. */
export function hashRecord(record: UnsealedRecord | AuditRecord): string {
  const { hash: _ignored, ...rest } = record as AuditRecord;
  return sha256Hex(canonicalJson(rest));
}
