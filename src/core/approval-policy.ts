import type { ApprovalsConfig } from '../../config/schema';
import { groupsOf, hostsNotApprovable, type Host } from './approvers';
import { authorizeRow, type ApprovalState } from './commands/authorize-row';
import { buttonRow } from './commands/button-table';
import { commandRow } from './commands/command-table';
import { APPROVAL_ACTIONS } from './rollout/approval-actions';
import type { JobVerb } from './verbs';

export { EVERY_HOST, hostsNotApprovable } from './approvers';

/** Whether {@link needsApproval} could say yes for `verb` on some hosts (no host is looked at). */
export function mayNeedApproval(verb: JobVerb, approvals: Pick<ApprovalsConfig, 'gated'>): boolean {
  const rule = commandRow(verb).approval;
  return rule === 'always' || (rule === 'when-gated' && approvals.gated.some((gate) => gate.verb === verb));
}

/**
 * True when running `verb` on these hosts needs another person's approval, as its command row's rule says: upgrades
 * always; service verbs when `approvals.gated` gates the verb on one of the hosts' groups.
 */
export function needsApproval(verb: JobVerb, hosts: readonly Host[], approvals: Pick<ApprovalsConfig, 'gated'>): boolean {
  const rule = commandRow(verb).approval;
  if (rule !== 'when-gated') return rule === 'always';
  return approvals.gated.some((gate) => gate.verb === verb && hosts.some((h) => groupsOf(h).some((g) => gate.groups.includes(g))));
}

/** Approvals a plan needs: the largest `required` over its hosts' groups (1 when none is set). */
export function requiredApprovals(hosts: readonly Host[], approvals: Pick<ApprovalsConfig, 'required'>): number {
  let n = 1;
  for (const h of hosts) for (const g of groupsOf(h)) n = Math.max(n, approvals.required[g] ?? 1);
  return n;
}

/** Users who may approve every host of the plan, in config order, the requester left out (four eyes). */
export function eligibleApprovers(hosts: readonly Host[], approvals: Pick<ApprovalsConfig, 'approvers'>, requester: string): string[] {
  const everyone = [...new Set(Object.values(approvals.approvers).flat())];
  return everyone.filter((u) => u !== requester && hostsNotApprovable(u, hosts, approvals).length === 0);
}

/**
 * Why a press cannot count as an approval, or undefined when it can (Slack mrkdwn). The decision is the Approve
 * button's row, judged by {@link authorizeRow}.
 */
export function approvalRefusal(userId: string, plan: ApprovalState['plan'], approvals: ApprovalState['approvals']): string | undefined {
  const row = buttonRow(APPROVAL_ACTIONS.approve);
  if (row === undefined) throw new Error('the Approve button has no row');
  const verdict = authorizeRow({ userId, role: undefined }, row, { approval: { plan, approvals } });
  return verdict.allowed ? undefined : verdict.reason;
}

/** An earlier approval that the current policy no longer counts, and why (Slack mrkdwn). */
export interface LapsedApproval {
  userId: string;
  reason: string;
}

/**
 * Earlier approvals re-checked against the policy as it is now: an approver no longer listed for every host of the
 * plan (or who became its requester) no longer counts. Empty when all still count.
 */
export function lapsedApprovals(
  approvedBy: readonly string[],
  plan: { requestedBy: string; hosts: readonly Host[] },
  approvals: Pick<ApprovalsConfig, 'approvers'>,
): LapsedApproval[] {
  const out: LapsedApproval[] = [];
  for (const userId of approvedBy) {
    if (userId === plan.requestedBy) {
      out.push({ userId, reason: 'the requester cannot approve their own request' });
      continue;
    }
    const missing = hostsNotApprovable(userId, plan.hosts, approvals);
    if (missing.length > 0) {
      const shown = missing.slice(0, 8).join(', ') + (missing.length > 8 ? `, +${missing.length - 8} more` : '');
      out.push({ userId, reason: `not an approver for ${shown} any more` });
    }
  }
  return out;
}

/** `<@U1>'s approval no longer counts: not an approver for edge-2 any more` (one clause per lapsed approval). */
export function describeLapsed(lapsed: readonly LapsedApproval[]): string {
  return lapsed.map((l) => `<@${l.userId}>'s approval no longer counts: ${l.reason}`).join('; ');
}
