/** Kinds of audit events. Plain strings so that records stay readable without this code. */
export type AuditEventType =
  | 'request.received'
  | 'request.denied'
  | 'request.invalid'
  | 'request.queued'
  | 'request.failed'
  | 'request.done'
  | 'request.expanded'
  | 'job.started'
  | 'job.result'
  | 'job.interrupted'
  | 'grace.progress'
  | 'grace.escalated'
  | 'button.pressed'
  | 'button.denied'
  | 'approval.requested'
  | 'approval.granted'
  | 'approval.denied'
  | 'approval.expired'
  | 'approval.voided'
  | 'approval.refused'
  | 'confirm.requested'
  | 'confirm.confirmed'
  | 'confirm.cancelled'
  | 'confirm.expired'
  | 'confirm.voided'
  | 'request.dry_run'
  | 'rollout.started'
  | 'rollout.batch'
  | 'rollout.done'
  | 'rollout.halted'
  | 'rollout.aborted'
  | 'process.started'
  | 'process.stopped'
  | 'inventory.changed'
  | 'inventory.reload_failed'
  | 'config.restart_needed'
  | 'redis.failover';

/** What a caller records; the store adds sequence, time, previous hash and hash. */
export interface AuditEventInput {
  type: AuditEventType;
  /** Immutable Slack user id (or `system`, `worker:<id>`). */
  actor: string;
  channel?: string;
  requestId?: string;
  host?: string;
  verb?: string;
  /** Correlates every record, log line and job of one chat request. */
  correlationId?: string;
  /** Event-specific fields (reason, outcome, exit code, digest of the output, trimmed output, ...). */
  data: Record<string, unknown>;
}

/** A stored record: versioned JSON, chained to the one before by its hash. */
export interface AuditRecord extends AuditEventInput {
  v: 1;
  /** 1, 2, 3... in append order. */
  seq: number;
  /** ISO-8601 time of append. */
  at: string;
  /** `hash` of the previous record (64 zeros for the first). */
  prev: string;
  /** SHA-256 (hex) over the canonical JSON of this record without `hash`. */
  hash: string;
}

/** Filters for history lookups; newest first. */
export interface AuditQuery {
  host?: string;
  verb?: string;
  actor?: string;
  /** Epoch ms. */
  since?: number;
  until?: number;
  types?: AuditEventType[];
  /** Only the records of this chat request. */
  requestId?: string;
  limit?: number;
}

/** The audit log: append-only, hash-chained. `append` rejects when the record could not be stored. */
export interface AuditPort {
  append(event: AuditEventInput): Promise<AuditRecord>;
  query(q: AuditQuery): Promise<AuditRecord[]>;
}
