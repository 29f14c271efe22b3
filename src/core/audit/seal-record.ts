import type { AuditEventInput, AuditRecord } from '../../ports/audit-port';
import { canonicalJson } from './canonical-json';
import { sha256Hex, type UnsealedRecord } from './record-hash';

/** Where a record goes in the chain. */
export interface ChainPosition {
  /** 1 for the first record. */
  seq: number;
  /** Hash of the record before (GENESIS_HASH for the first). */
  prev: string;
  /** Epoch ms of the append. */
  atMs: number;
}

/** A sealed record and the exact text its hash covers (the canonical JSON of the record without `hash`). */
export interface SealedRecord {
  record: AuditRecord;
  /** What is stored and hashed; `record` is this text parsed, plus `hash`. */
  body: string;
}

/** Records larger than this (canonical JSON) are refused: a trimmed copy of output belongs in them, not all of it. */
export const MAX_RECORD_CHARS = 256 * 1024;

/**
 * Builds the stored record of an event at a chain position: the event's own fields only (a caller cannot set
 * `seq`, `hash`, ...), `undefined` members dropped, then hashed. Throws a plain Error when the event is not
 * recordable (no type or actor, data not a JSON object, too large).
 */
export function sealRecord(event: AuditEventInput, at: ChainPosition): SealedRecord {
  if (typeof event.type !== 'string' || (event.type as string) === '') throw new Error('audit event without a type');
  if (typeof event.actor !== 'string' || event.actor === '') throw new Error(`audit event ${event.type} without an actor`);
  if (event.data === null || typeof event.data !== 'object' || Array.isArray(event.data))
    throw new Error(`audit event ${event.type}: data must be an object`);
  const unsealed: UnsealedRecord = {
    v: 1,
    seq: at.seq,
    at: new Date(at.atMs).toISOString(),
    prev: at.prev,
    type: event.type,
    actor: event.actor,
    channel: event.channel,
    requestId: event.requestId,
    host: event.host,
    verb: event.verb,
    correlationId: event.correlationId,
    data: event.data,
  };
  const body = canonicalJson(unsealed);
  if (body.length > MAX_RECORD_CHARS)
    throw new Error(`audit event ${event.type} is too large (${body.length} characters; at most ${MAX_RECORD_CHARS})`);
  const record = { ...(JSON.parse(body) as UnsealedRecord), hash: sha256Hex(body) };
  return { record, body };
}
