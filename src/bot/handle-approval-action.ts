import type { HostConfig } from '../../config/schema';
import { describeLapsed, lapsedApprovals, type LapsedApproval } from '../core/approval-policy';
import { REASON_MAX_CHARS, type ApprovalButtonValue } from '../core/rollout/approval-actions';
import { planDrift } from '../core/rollout/plan';
import { escapeSlackText, renderPlanCard, renderPlanClosed, renderRequestParent } from '../presentation';
import type { ApprovalRecord } from '../ports/approval-store-port';
import type { BotDeps } from './bot-deps';
import { closeApproval } from './close-approval';
import type { ActionReply } from './button-io';
import type { ButtonContext } from './button-context';
import { awaitingNote } from './close-request';
import { AUDIT_DOWN_TEXT, recordAudit } from './record-audit';
import { startApproved } from './start-approved';
import { plural } from '../core/text/plural';

const say = (text: string): ActionReply => ({ ephemeral: { text } });

/** The plan's hosts as the inventory knows them now (a host gone from it can be approved by nobody). */
function planHosts(deps: BotDeps, rec: ApprovalRecord): Array<Pick<HostConfig, 'name' | 'groups'>> {
  const byName = new Map(deps.inventory.current().hosts.map((h) => [h.name, h]));
  return rec.plan.hosts.map((h) => byName.get(h.name) ?? { name: h.name, groups: [] });
}

function stateText(rec: ApprovalRecord): string {
  if (rec.state === 'approved') return `already approved (by ${rec.approvedBy.map((u) => `<@${u}>`).join(', ')})`;
  if (rec.state === 'expired') return 'expired';
  if (rec.state === 'voided') return 'void (the plan changed)';
  return `already ${rec.state}${rec.decidedBy !== undefined ? ` by <@${rec.decidedBy}>` : ''}`;
}

/** A plan's card as a press found it: the record, its hosts as the inventory knows them now, and the audit fields. */
interface OpenPlan {
  rec: ApprovalRecord;
  hosts: Array<Pick<HostConfig, 'name' | 'groups'>>;
  audit: { actor: string; channel: string; requestId: string; correlationId: string; verb: string };
}

/**
 * What Approve and Deny share: the plan must be known (else the press is refused), the press is recorded first (fail
 * closed), and the card must be for the plan as it is, still pending and not expired. A reply when it is not.
 */
async function openPlan(ctx: ButtonContext<ApprovalButtonValue>): Promise<OpenPlan | ActionReply> {
  const { deps, input, value } = ctx;
  const rec = await deps.approvals.get(value.id);
  if (!rec) {
    const text = `Approval ${escapeSlackText(value.id)} is unknown or older than a week; nothing was done.`;
    const data = { action: input.actionId };
    return ctx.refuse(text, 'unknown approval', { type: 'button.denied', requestId: value.id, correlationId: value.id, data });
  }
  const { plan } = rec;
  const audit = { actor: input.userId, channel: input.channelId, requestId: plan.id, correlationId: plan.id, verb: plan.verb };
  if (!(await recordAudit(deps, { ...audit, type: 'button.pressed', data: { action: input.actionId, planHash: value.hash } })))
    return say(AUDIT_DOWN_TEXT);
  if (value.hash !== plan.hash) return say('This card is for an older plan; nothing was done.');
  if (rec.state !== 'pending') return say(`This plan is ${stateText(rec)}; nothing more was done.`);
  if (deps.now() >= plan.expiresAt) {
    await closeApproval(deps, rec, { state: 'expired' });
    return say('This approval has expired: nothing runs. Ask again for a fresh plan.');
  }
  return { rec, hosts: planHosts(deps, rec), audit };
}

/**
 * Approve on a plan's card. Every press is recorded first (fail closed). Approve: never by the requester (four
 * eyes), only by an approver of every host, once per person, before expiry, for the plan as it still is (else the
 * approval is void); the last approval needed starts the run.
 */
export async function pressApprove(ctx: ButtonContext<ApprovalButtonValue>): Promise<ActionReply> {
  const opened = await openPlan(ctx);
  if (!('rec' in opened)) return opened;
  const { deps, input } = ctx;
  const { rec, hosts, audit } = opened;
  const { plan } = rec;
  // The plan first: a host gone from the inventory or re-pointed at another machine voids it, whoever presses (the
  // approver role is judged against hosts that still stand).
  const drift = planDrift(plan, deps.config, deps.hostKeys());
  if (drift !== undefined) {
    await closeApproval(deps, rec, { state: 'voided', why: drift, by: input.userId });
    return say(`The plan changed since it was made (${drift}): this approval is void and nothing runs. Ask again for a new plan.`);
  }
  const refused = await ctx.authorize(
    { approval: { plan: { requestedBy: plan.requestedBy, hosts, approvedBy: rec.approvedBy }, approvals: deps.config.approvals } },
    { ...audit, type: 'approval.refused', data: { planHash: plan.hash } },
  );
  if (refused) return refused;
  // Earlier approvals are judged by the policy as it is now: one no longer entitled is dropped before counting.
  const lapsed = lapsedApprovals(rec.approvedBy, { requestedBy: plan.requestedBy, hosts }, deps.config.approvals);
  const outcome = await deps.approvals.approve(
    plan.id,
    input.userId,
    plan.hash,
    deps.now(),
    lapsed.map((l) => l.userId),
  );
  if (outcome.status === 'expired') {
    await closeApproval(deps, rec, { state: 'expired' });
    return say('This approval has expired: nothing runs.');
  }
  if (outcome.status === 'duplicate') return say('You already approved this plan; it needs another approver.');
  if (outcome.status !== 'added' && outcome.status !== 'complete') return say('This plan was decided meanwhile; nothing more was done.');
  const final = outcome.status === 'complete';
  await recordAudit(deps, {
    ...audit,
    type: 'approval.granted',
    data: {
      planHash: plan.hash,
      approvedBy: outcome.approvedBy,
      count: outcome.approvedBy.length,
      required: plan.requiredApprovals,
      final,
      ...(lapsed.length > 0 ? { noLongerCounted: lapsed } : {}),
    },
  });
  deps.logger.info(
    { requestId: plan.id, user: input.userId, count: outcome.approvedBy.length, required: plan.requiredApprovals },
    'approval granted',
  );
  return final ? runApproved(deps, rec, outcome.approvedBy, lapsed) : awaitMore(deps, rec, outcome.approvedBy, lapsed);
}

/** An approval counted, more needed: the card and the request's parent say who approved; the presser is told how many are left. */
async function awaitMore(deps: BotDeps, rec: ApprovalRecord, approvedBy: string[], lapsed: LapsedApproval[]): Promise<ActionReply> {
  const { plan } = rec;
  const lapsedNote = lapsed.length > 0 ? `${describeLapsed(lapsed)}; ${approvedBy.length} of ${plan.requiredApprovals}` : undefined;
  if (rec.cardTs !== undefined)
    await deps.chat.update(plan.channelId, rec.cardTs, renderPlanCard(plan, approvedBy, deps.now(), lapsedNote));
  const req = await deps.requests.head(plan.id);
  if (req?.parentTs !== undefined) {
    await deps.chat.update(
      plan.channelId,
      req.parentTs,
      renderRequestParent({
        requestId: plan.id,
        userId: plan.requestedBy,
        verb: plan.verb,
        hosts: req.record.hosts,
        state: 'awaiting',
        note: awaitingNote(plan, approvedBy),
      }),
    );
  }
  const left = plan.requiredApprovals - approvedBy.length;
  const lapsedText = lapsed.length > 0 ? `${describeLapsed(lapsed)}; ` : '';
  return say(`Approved (${approvedBy.length} of ${plan.requiredApprovals}); ${lapsedText}it waits for ${plural(left, 'more approver')}.`);
}

/** The last approval needed: the run starts, then the card says who approved. */
async function runApproved(deps: BotDeps, rec: ApprovalRecord, approvedBy: string[], lapsed: LapsedApproval[]): Promise<ActionReply> {
  const { plan } = rec;
  // The run first, the chat after: a chat that fails here must not keep the approved plan from running (and the
  // bot's sweeper starts an approved plan whose start was not confirmed, after a crash).
  await startApproved(deps, plan, approvedBy);
  if (rec.cardTs !== undefined) {
    const by = approvedBy.map((u) => `<@${u}>`).join(', ');
    const note = lapsed.length > 0 ? ` (${describeLapsed(lapsed)}.)` : '';
    await deps.chat.update(plan.channelId, rec.cardTs, renderPlanClosed(plan, `:white_check_mark: *Approved* by ${by}: running.${note}`));
  }
  return {};
}

/** Deny on a plan's card: by an approver of every host, or the requester (withdraw), with a reason typed in its box. */
export async function pressDeny(ctx: ButtonContext<ApprovalButtonValue>): Promise<ActionReply> {
  const opened = await openPlan(ctx);
  if (!('rec' in opened)) return opened;
  const { deps, input } = ctx;
  const { rec, hosts, audit } = opened;
  const { plan } = rec;
  const isRequester = input.userId === plan.requestedBy;
  const refused = await ctx.authorize(
    { approval: { plan: { requestedBy: plan.requestedBy, hosts, approvedBy: rec.approvedBy }, approvals: deps.config.approvals } },
    { ...audit, type: 'approval.refused', data: { planHash: plan.hash, action: 'deny' } },
  );
  if (refused) return refused;
  const reason = (input.reason ?? '').trim().slice(0, REASON_MAX_CHARS);
  if (reason === '') return say('Type a reason in the box above the buttons, then press Deny again; nothing was done.');
  if (!(await closeApproval(deps, rec, { state: 'denied', reason, by: input.userId })))
    return say('This plan was decided meanwhile; nothing more was done.');
  deps.logger.info({ requestId: plan.id, user: input.userId }, isRequester ? 'approval withdrawn' : 'approval denied');
  return say(isRequester ? 'Withdrawn; nothing runs.' : 'Denied; nothing runs.');
}
