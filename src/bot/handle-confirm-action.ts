import type { ApprovalButtonValue } from '../core/rollout/approval-actions';
import { APPROVAL_ACTIONS } from '../core/rollout/approval-actions';
import { planDrift } from '../core/rollout/plan';
import { escapeSlackText, renderPlanClosed } from '../presentation';
import type { ActionReply } from './button-io';
import type { ButtonContext } from './button-context';
import { closeApproval } from './close-approval';
import { AUDIT_DOWN_TEXT, recordAudit } from './record-audit';
import { startApproved } from './start-approved';

const say = (text: string): ActionReply => ({ ephemeral: { text } });

/**
 * Confirm or Cancel on a wide change's card (the blast-radius check): the requester only, who saw the survey. Every
 * press is recorded first (fail closed); a card for an older plan, a decided or expired one does nothing. Confirm
 * starts the rollout for the plan as it still is (a changed inventory voids it); Cancel closes it, nothing runs.
 */
export async function pressConfirm(ctx: ButtonContext<ApprovalButtonValue>): Promise<ActionReply> {
  const { deps, input, value } = ctx;
  const rec = await deps.approvals.get(value.id);
  if (!rec || rec.plan.gate !== 'confirm') {
    const data = { action: input.actionId };
    return ctx.refuse(`Change ${escapeSlackText(value.id)} is unknown or older than a week; nothing was done.`, 'unknown confirmation', {
      type: 'button.denied',
      requestId: value.id,
      correlationId: value.id,
      data,
    });
  }
  const { plan } = rec;
  const audit = { actor: input.userId, channel: input.channelId, requestId: plan.id, correlationId: plan.id, verb: plan.verb };
  const refused = await ctx.authorize(
    { request: { requestedBy: plan.requestedBy, subject: escapeSlackText(plan.id) } },
    { ...audit, type: 'button.denied', data: { action: input.actionId, planHash: plan.hash } },
  );
  if (refused) return refused;
  if (!(await recordAudit(deps, { ...audit, type: 'button.pressed', data: { action: input.actionId, planHash: value.hash } })))
    return say(AUDIT_DOWN_TEXT);
  if (value.hash !== plan.hash) return say('This card is for an older plan; nothing was done.');
  if (rec.state !== 'pending')
    return say(`This change is already ${rec.state === 'approved' ? 'confirmed' : rec.state}; nothing more was done.`);
  if (deps.now() >= plan.expiresAt) {
    await closeApproval(deps, rec, { state: 'expired' });
    return say('This confirmation has expired: nothing runs. Ask again for a fresh survey.');
  }
  if (input.actionId === APPROVAL_ACTIONS.cancel) {
    if (!(await closeApproval(deps, rec, { state: 'denied', reason: 'cancelled by the requester', by: input.userId })))
      return say('This change was decided meanwhile; nothing more was done.');
    return say('Cancelled; nothing runs.');
  }
  const drift = planDrift(plan, deps.config, deps.hostKeys());
  if (drift !== undefined) {
    await closeApproval(deps, rec, { state: 'voided', why: drift, by: input.userId });
    return say(`The plan changed since the survey (${drift}): nothing runs. Ask again for a new survey.`);
  }
  const outcome = await deps.approvals.approve(plan.id, input.userId, plan.hash, deps.now());
  if (outcome.status === 'expired') {
    await closeApproval(deps, rec, { state: 'expired' });
    return say('This confirmation has expired: nothing runs.');
  }
  if (outcome.status !== 'complete') return say('This change was decided meanwhile; nothing more was done.');
  await recordAudit(deps, { ...audit, type: 'confirm.confirmed', data: { planHash: plan.hash, reason: plan.confirmReason ?? null } });
  await startApproved(deps, plan, [input.userId]);
  if (rec.cardTs !== undefined)
    await deps.chat.update(
      plan.channelId,
      rec.cardTs,
      renderPlanClosed(plan, `:white_check_mark: *Confirmed* by <@${input.userId}>: rolling.`),
    );
  return {};
}
