/** Block Kit action ids of the graceful-quit buttons. */
export const GRACE_ACTIONS = {
  force: 'srs_grace_force',
  extend: 'srs_grace_extend',
  leave: 'srs_grace_leave',
  confirm: 'srs_grace_confirm',
  cancel: 'srs_grace_cancel',
} as const;

/** What an operator decided at the deadline (sent to the following worker). */
export type GraceDecision = 'force' | 'extend' | 'leave';

/** The value carried by a grace button: which job and host it acts on. */
export interface GraceButtonValue {
  requestId: string;
  jobId: string;
  host: string;
}

/** Parses a button value; undefined when it is not one of ours. */
export function parseGraceButtonValue(value: string | undefined): GraceButtonValue | undefined {
  if (value === undefined || value.length > 500) return undefined;
  try {
    const v = JSON.parse(value) as Partial<GraceButtonValue>;
    const id = /^[A-Za-z0-9._-]{1,200}$/;
    if (
      typeof v.requestId === 'string' &&
      typeof v.jobId === 'string' &&
      typeof v.host === 'string' &&
      id.test(v.requestId) &&
      id.test(v.jobId) &&
      id.test(v.host)
    ) {
      return { requestId: v.requestId, jobId: v.jobId, host: v.host };
    }
  } catch {
    return undefined;
  }
  return undefined;
}
