import type { AuditIndexRef } from '../../core/audit/index-plan';

/** Key prefix of everything the audit log keeps in Redis (apart from BullMQ's keys: cleaning the queue never touches it). */
export const AUDIT_PREFIX = 'srs-chatops:audit';

/** The Redis keys of one audit log; `prefix` lets tests and benchmarks keep several logs in one database. */
export interface AuditKeys {
  /** The prefix every key starts with (the stream's own key). */
  prefix: string;
  /** The stream of records (fields `r`: the hashed body, `h`: its hash). Never trimmed. */
  stream: string;
  /** Hash `seq`, `hash`, `id` of the last record: what the next append must chain to. */
  head: string;
  /** Sorted set of the stream ids of an index's records, scored by `seq`. */
  index(ref: AuditIndexRef): string;
}

/** The keys under `prefix` (default {@link AUDIT_PREFIX}): `<prefix>` (stream), `<prefix>:head`, `<prefix>:host:<name>`, ... */
export function auditKeys(prefix: string = AUDIT_PREFIX): AuditKeys {
  return {
    prefix,
    stream: prefix,
    head: `${prefix}:head`,
    index: (ref) => `${prefix}:${ref.kind}:${ref.value}`,
  };
}
