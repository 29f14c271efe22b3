import type { ApprovalsConfig, HostConfig } from '../../../config/schema';
import type { Role } from '../command';
import { hostsNotApprovable } from '../approvers';
import { escapeSlackText } from '../text/escape-slack-text';
import { inlineCode } from '../text/inline-code';
import type { AccessRow } from './access';
import { atLeast, commandsOf, isOperator } from './roles';

/** Who presses or types: the chat's user id, their role (none: not in the user list), where. */
export interface Actor {
  userId: string;
  role: Role | undefined;
  channelId?: string;
}

/** A plan an approval button acts on, and who may approve its hosts. */
export interface ApprovalState {
  plan: { requestedBy: string; hosts: ReadonlyArray<Pick<HostConfig, 'name' | 'groups'>>; approvedBy: readonly string[] };
  approvals: Pick<ApprovalsConfig, 'approvers'>;
}

/** What the decision depends on besides the actor and the row; each part is judged when given. */
export interface AccessState {
  /** Commands: the channels commands are allowed in (empty: every channel). */
  allowedChannels?: readonly string[];
  /** Rows acting on a request: who asked for it, and what the refusal names (a host or an id, Slack-escaped). */
  request?: { requestedBy: string; subject: string };
  /** Approval buttons: the plan as it is. */
  approval?: ApprovalState;
}

/** Allowed, or refused: `reason` for the audit log, `text` for the person refused (Slack mrkdwn). */
export type Verdict = { allowed: true } | { allowed: false; reason: string; text: string };

const CHANNEL_ID = /^[CGD][A-Z0-9]{2,20}$/;
const USER_ID = /^[UW][A-Z0-9]{2,20}$/;

function refused(reason: string, text = reason): Verdict {
  return { allowed: false, reason, text };
}

/** `<#C123>` for a well-formed channel id (Slack shows the channel's name), escaped text otherwise. */
function channelLink(id: string): string {
  return CHANNEL_ID.test(id) ? `<#${id}>` : escapeSlackText(id);
}

/** The role part: the channel, the user list, the row's role. Only rows that name a role (commands). */
function byRole(actor: Actor, row: AccessRow, role: Role, channels: readonly string[]): Verdict {
  if (channels.length > 0 && (actor.channelId === undefined || !channels.includes(actor.channelId)))
    return refused(`commands are not allowed in this channel; use one of ${channels.map(channelLink).join(', ')}`);
  if (actor.role === undefined) {
    const id = USER_ID.test(actor.userId) ? actor.userId : inlineCode(actor.userId);
    return refused(`you are not in srs-chatops's user list; ask an admin to add your Slack user id ${id}`);
  }
  if (!atLeast(actor.role, role)) {
    const a = actor.role === 'viewer' ? 'a' : 'an';
    return refused(`\`${row.name}\` needs the ${role} role; you are ${a} ${actor.role}, who may run ${commandsOf(actor.role).join(', ')}`);
  }
  return { allowed: true };
}

/** Why `userId` may not approve the plan (four eyes, once each, an approver of every host), or undefined. */
function approverRefusal(userId: string, { plan, approvals }: ApprovalState): string | undefined {
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

/** The rule part: requester or operator, approver, approver or requester. */
function byRule(actor: Actor, row: AccessRow, state: AccessState): Verdict {
  const { access } = row;
  if (access.rule === 'role') return { allowed: true };
  if (access.rule === 'requester-or-operator') {
    const { request } = state;
    if (request === undefined || actor.userId === request.requestedBy || isOperator(actor.role)) return { allowed: true };
    const text = `Only <@${request.requestedBy}> (who asked) or an operator may ${access.may(request.subject)}.`;
    return refused('not the requester nor an operator', text);
  }
  if (access.rule === 'requester') {
    const { request } = state;
    if (request !== undefined && actor.userId === request.requestedBy) return { allowed: true };
    const who = request === undefined ? 'the requester' : `<@${request.requestedBy}> (who asked and saw the survey)`;
    return refused('not the requester', `Only ${who} may ${access.may}; nothing was done.`);
  }
  const { approval } = state;
  if (approval === undefined) return refused('no plan to judge', 'This plan is unknown; nothing was done.');
  if (access.rule === 'approver') {
    const reason = approverRefusal(actor.userId, approval);
    return reason === undefined ? { allowed: true } : refused(reason, `Not counted: ${reason}. Nothing was done.`);
  }
  if (actor.userId === approval.plan.requestedBy || hostsNotApprovable(actor.userId, approval.plan.hosts, approval.approvals).length === 0)
    return { allowed: true };
  return refused(
    'not an approver of every host',
    'Only an approver of every host in the plan (or the requester, to withdraw it) may deny it; nothing was done.',
  );
}

/**
 * The one authorization decision, for commands and buttons alike: may `actor` use `row` in `state`? A row naming a
 * role (a command) needs an allowed channel, a role, and that role or a stronger one; then the row's rule is judged
 * on the parts of `state` given (a request's requester once the request is known, an approval's plan).
 */
export function authorizeRow(actor: Actor, row: AccessRow, state: AccessState = {}): Verdict {
  if (row.role !== undefined) {
    const verdict = byRole(actor, row, row.role, state.allowedChannels ?? []);
    if (!verdict.allowed) return verdict;
  }
  return byRule(actor, row, state);
}
