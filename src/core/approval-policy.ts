import type { ApprovalsConfig, HostConfig } from '../../config/schema';
import type { JobVerb } from './verbs';

/** The group name that stands for every host in the approvals config. */
export const EVERY_HOST = 'all';

type Host = Pick<HostConfig, 'name' | 'groups'>;

function groupsOf(host: Host): string[] {
  return [EVERY_HOST, ...host.groups];
}

/** True when running `verb` on these hosts needs another person's approval: upgrades always; verbs as configured. */
export function needsApproval(verb: JobVerb, hosts: readonly Host[], approvals: Pick<ApprovalsConfig, 'gated'>): boolean {
  if (verb === 'upgrade') return true;
  return approvals.gated.some((gate) => gate.verb === verb && hosts.some((h) => groupsOf(h).some((g) => gate.groups.includes(g))));
}

/** Approvals a plan needs: the largest `required` over its hosts' groups (1 when none is set). */
export function requiredApprovals(hosts: readonly Host[], approvals: Pick<ApprovalsConfig, 'required'>): number {
  let n = 1;
  for (const h of hosts) for (const g of groupsOf(h)) n = Math.max(n, approvals.required[g] ?? 1);
  return n;
}

/** Hosts of the plan that `userId` may not approve (empty: the user is an approver for every host). */
export function hostsNotApprovable(userId: string, hosts: readonly Host[], approvals: Pick<ApprovalsConfig, 'approvers'>): string[] {
  return hosts.filter((h) => !groupsOf(h).some((g) => (approvals.approvers[g] ?? []).includes(userId))).map((h) => h.name);
}

/** Users who may approve every host of the plan, in config order, the requester left out (four eyes). */
export function eligibleApprovers(hosts: readonly Host[], approvals: Pick<ApprovalsConfig, 'approvers'>, requester: string): string[] {
  const everyone = [...new Set(Object.values(approvals.approvers).flat())];
  return everyone.filter((u) => u !== requester && hostsNotApprovable(u, hosts, approvals).length === 0);
}

/** Why a press cannot count as an approval, or undefined when it can. Slack mrkdwn. */
export function approvalRefusal(
  userId: string,
  plan: { requestedBy: string; hosts: readonly Host[]; approvedBy: readonly string[] },
  approvals: Pick<ApprovalsConfig, 'approvers'>,
): string | undefined {
  if (userId === plan.requestedBy)
    return 'you asked for this, and nobody approves their own request (four eyes): another approver must press Approve';
  if (plan.approvedBy.includes(userId)) return 'you already approved this plan; it needs another approver';
  const missing = hostsNotApprovable(userId, plan.hosts, approvals);
  if (missing.length > 0) {
    const shown = missing.slice(0, 8).join(', ') + (missing.length > 8 ? `, +${missing.length - 8} more` : '');
    return `you are not an approver for ${shown} (approvers are set per group in \`approvals.approvers\`)`;
  }
  return undefined;
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
