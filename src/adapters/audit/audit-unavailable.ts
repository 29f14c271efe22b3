import { ChatopsError, ErrorCode } from '../../core/errors';

/** Why a record was not stored. */
export type AuditFailure = 'refused' | 'timeout' | 'contention' | 'file';

const MESSAGES: Readonly<Record<AuditFailure, string>> = {
  refused: 'the audit log could not be written (Redis refused the write or is not reachable)',
  timeout: 'the audit log could not be written (Redis did not answer in time)',
  contention: 'the audit log could not be written (too many concurrent writers; try again)',
  file: 'the audit log file could not be written',
};

/** The error `append` rejects with when a record was not (or not surely) stored: code `audit_unavailable`, retryable. */
export function auditUnavailable(why: AuditFailure, cause?: unknown): ChatopsError {
  const detail = cause instanceof Error ? `: ${cause.message}` : '';
  const err = new ChatopsError(ErrorCode.AuditUnavailable, MESSAGES[why], { retryable: true, cause });
  err.message = `${MESSAGES[why]}${detail}`;
  return err;
}
