import type { AuditRecord } from '../ports/audit-port';
import type { StoredOutput } from '../ports/output-store-port';
import { outputSha256 } from './render-output';

/** The audit record a job's output is checked against: its result (or interrupted) record. */
export interface OutputRecord {
  seq: number;
  at: string;
  type: string;
  /** `outputSha256` as recorded; undefined in a record written before outputs were kept. */
  sha256?: string;
  bytes?: number;
  fullBytes?: number;
  truncated?: boolean;
  /** False when the worker could not store the output (the record says so). */
  kept?: boolean;
}

/** How a stored output compares with its audit record, by the SHA-256 recomputed from the stored text now. */
export type OutputVerdict =
  | { kind: 'matches'; sha256: string; record: OutputRecord }
  | { kind: 'mismatch'; sha256: string; record: OutputRecord }
  | { kind: 'no_record'; sha256: string };

const RESULT_TYPES = new Set(['job.result', 'job.interrupted']);

/** The result record of `jobId` among a request's records (newest first, as the audit port answers): the newest one. */
export function findOutputRecord(records: readonly AuditRecord[], jobId: string): OutputRecord | undefined {
  const r = records.find((rec) => RESULT_TYPES.has(rec.type) && rec.data.jobId === jobId);
  if (r === undefined) return undefined;
  const d = r.data;
  const out: OutputRecord = { seq: r.seq, at: r.at, type: r.type };
  if (typeof d.outputSha256 === 'string') out.sha256 = d.outputSha256;
  if (typeof d.outputBytes === 'number') out.bytes = d.outputBytes;
  if (typeof d.outputFullBytes === 'number') out.fullBytes = d.outputFullBytes;
  if (typeof d.outputTruncated === 'boolean') out.truncated = d.outputTruncated;
  if (typeof d.outputKept === 'boolean') out.kept = d.outputKept;
  return out;
}

/**
 * Recomputes the SHA-256 of the stored text (never trusting the hash stored beside it) and compares it with the audit
 * record's `outputSha256`.
 */
export function checkOutput(stored: Pick<StoredOutput, 'text'>, record: OutputRecord | undefined): OutputVerdict {
  const sha256 = outputSha256(stored.text);
  if (record === undefined) return { kind: 'no_record', sha256 };
  return { kind: record.sha256 === sha256 ? 'matches' : 'mismatch', sha256, record };
}

/** The job ids of a request, from its result records (oldest first), with host and outcome. */
export function requestJobs(records: readonly AuditRecord[]): Array<{ jobId: string; host: string; outcome: string }> {
  const seen = new Map<string, { jobId: string; host: string; outcome: string }>();
  for (const r of [...records].reverse()) {
    if (!RESULT_TYPES.has(r.type) || typeof r.data.jobId !== 'string') continue;
    seen.set(r.data.jobId, {
      jobId: r.data.jobId,
      host: r.host ?? '?',
      outcome: typeof r.data.outcome === 'string' ? r.data.outcome : '?',
    });
  }
  return [...seen.values()];
}
