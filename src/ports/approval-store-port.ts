import type { Plan } from '../core/rollout/plan';

/** Where an approval is: waiting for presses, or closed one way or another. */
export type ApprovalState = 'pending' | 'approved' | 'denied' | 'expired' | 'voided';

/** A plan waiting for (or past) its approvals. Plain JSON, shared by every bot process (Redis). */
export interface ApprovalRecord {
  plan: Plan;
  state: ApprovalState;
  /** Approvers so far, in press order. */
  approvedBy: string[];
  /** The message with the Approve / Deny buttons. */
  cardTs?: string;
  /** Who closed it (denied, voided) and why. */
  decidedBy?: string;
  reason?: string;
  decidedAt?: number;
}

/** What a press on Approve did. */
export type ApproveOutcome =
  | { status: 'added'; approvedBy: string[] }
  | { status: 'complete'; approvedBy: string[] }
  | { status: 'duplicate' | 'not_pending' | 'expired' | 'plan_mismatch' | 'unknown' };

/** Pending approvals and their decisions; every transition is atomic, so two presses never both win. */
export interface ApprovalStorePort {
  /**
   * Stores a new pending approval (kept a week after it expires, so old cards still answer clearly); false, and
   * nothing changed, when one with this id exists (a retried delivery never reopens a decided approval).
   */
  create(plan: Plan): Promise<boolean>;
  get(id: string): Promise<ApprovalRecord | undefined>;
  /** Records the card's message ts. */
  setCard(id: string, ts: string): Promise<void>;
  /**
   * Adds an approval by `userId` for the plan with `hash`, if still pending and not expired at `now`; `complete`
   * when it was the last one needed (the approval is then `approved`). Earlier approvals by the users in `drop`
   * (no longer entitled under the current policy) are removed first, in the same atomic step, and do not count.
   */
  approve(id: string, userId: string, hash: string, now: number, drop?: readonly string[]): Promise<ApproveOutcome>;
  /** Closes a pending approval (denied, expired, voided); true only for the caller that closed it. */
  close(id: string, state: Exclude<ApprovalState, 'pending' | 'approved'>, by: string, reason: string, now: number): Promise<boolean>;
  /** Approved plans whose run was not confirmed started (approved before `before`): the sweeper starts them. */
  unstarted(before: number): Promise<string[]>;
  /** The approved plan's jobs or rollout are queued. */
  markStarted(id: string): Promise<void>;
  /** Ids of pending approvals whose time is up at `now`. */
  due(now: number): Promise<string[]>;
  /** Every pending approval (for `/srs jobs`). */
  pending(): Promise<ApprovalRecord[]>;
}
