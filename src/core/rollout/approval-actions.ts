import { REQUEST_ID_PATTERN } from '../request-id';

/** Block Kit ids of the approval card and the rollout's buttons. */
export const APPROVAL_ACTIONS = {
  approve: 'srs_approval_approve',
  deny: 'srs_approval_deny',
  abortNow: 'srs_rollout_abort_now',
  abortKeep: 'srs_rollout_abort_keep',
  confirm: 'srs_confirm_go',
  cancel: 'srs_confirm_cancel',
} as const;

/** The block and element ids of the approval card's reason box (its value arrives with a Deny press). */
export const REASON_INPUT = { blockId: 'srs_reason', actionId: 'reason' } as const;

/** A deny reason is kept to this many characters. */
export const REASON_MAX_CHARS = 300;

/** What an approval button carries: which plan, and its hash (a card for an older plan is refused). */
export interface ApprovalButtonValue {
  id: string;
  hash: string;
}

/** Parses a button value; undefined when it is not one of ours. */
export function parseApprovalButtonValue(value: string | undefined): ApprovalButtonValue | undefined {
  if (value === undefined || value.length > 300) return undefined;
  try {
    const v = JSON.parse(value) as Partial<ApprovalButtonValue>;
    if (typeof v.id === 'string' && REQUEST_ID_PATTERN.test(v.id) && typeof v.hash === 'string' && /^[a-f0-9]{64}$|^$/.test(v.hash))
      return { id: v.id, hash: v.hash };
  } catch {
    return undefined;
  }
  return undefined;
}
