import { renderPlanClosed } from '../presentation';
import { formatElapsed } from '../presentation/format-elapsed';
import { escapeSlackText } from '../core/text/escape-slack-text';
import type { ApprovalRecord } from '../ports/approval-store-port';
import type { BotDeps } from './bot-deps';
import { closeRequest } from './close-request';
import { recordAudit } from './record-audit';

/** How an approval closed without running, and the words for it. */
export type Closing = { state: 'expired' } | { state: 'voided'; why: string; by: string } | { state: 'denied'; reason: string; by: string };

/** A confirmation (the blast-radius check) closing: the requester did not confirm. */
function confirmText(rec: ApprovalRecord, c: Closing): { card: string; parent: string } {
  if (c.state === 'expired') {
    const after = formatElapsed(rec.plan.expiresAt - rec.plan.createdAt);
    return {
      card: `:alarm_clock: *Expired* after ${after} without a confirmation: nothing ran. Ask again for a fresh survey.`,
      parent: `not confirmed within ${after}; nothing ran`,
    };
  }
  if (c.state === 'voided')
    return { card: `:warning: *Void*: ${c.why}. Nothing ran. Ask again for a new survey.`, parent: 'void (the plan changed); nothing ran' };
  return { card: `:no_entry: *Cancelled* by <@${c.by}>. Nothing ran.`, parent: `cancelled by <@${c.by}>; nothing ran` };
}

/** The audit type of a closing, for an approval or a confirmation. */
function closingType(rec: ApprovalRecord, c: Closing) {
  if (rec.plan.gate === 'confirm')
    return c.state === 'expired' ? 'confirm.expired' : c.state === 'voided' ? 'confirm.voided' : 'confirm.cancelled';
  return c.state === 'expired' ? 'approval.expired' : c.state === 'voided' ? 'approval.voided' : 'approval.denied';
}

function outcomeText(rec: ApprovalRecord, c: Closing): { card: string; parent: string } {
  if (rec.plan.gate === 'confirm') return confirmText(rec, c);
  if (c.state === 'expired') {
    const after = formatElapsed(rec.plan.expiresAt - rec.plan.createdAt);
    return {
      card: `:alarm_clock: *Expired* after ${after} without enough approvals (${rec.approvedBy.length} of ${rec.plan.requiredApprovals}): nothing ran. Ask again to get a fresh plan.`,
      parent: `expired unapproved after ${after}; nothing ran`,
    };
  }
  if (c.state === 'voided') {
    return {
      card: `:warning: *Void*: ${c.why}. The approval was for the exact plan above, so nothing ran. Ask again to get a new plan.`,
      parent: `void (the plan changed); nothing ran`,
    };
  }
  const withdrew = c.by === rec.plan.requestedBy;
  return {
    card: `:no_entry: *${withdrew ? 'Withdrawn' : 'Denied'}* by <@${c.by}>: ${escapeSlackText(c.reason)}. Nothing ran.`,
    parent: `${withdrew ? 'withdrawn' : 'denied'} by <@${c.by}>: ${escapeSlackText(c.reason.slice(0, 120))}; nothing ran`,
  };
}

/**
 * Closes a pending approval (expired, void, denied) exactly once whatever the bot replicas and presses: the card
 * loses its buttons and says why, the request's message says so, and the decision is recorded. False when it was
 * no longer pending (someone else closed or approved it first).
 */
export async function closeApproval(deps: BotDeps, rec: ApprovalRecord, c: Closing): Promise<boolean> {
  const { plan } = rec;
  const by = c.state === 'expired' ? 'system' : c.by;
  const reason = c.state === 'expired' ? 'expired' : c.state === 'voided' ? c.why : c.reason;
  if (!(await deps.approvals.close(plan.id, c.state, by, reason, deps.now()))) return false;
  const words = outcomeText(rec, c);
  // One record per host, so that `/srs history <host>` shows what was asked for it and why it did not run.
  for (const h of plan.hosts) {
    await recordAudit(deps, {
      type: closingType(rec, c),
      actor: by,
      channel: plan.channelId,
      requestId: plan.id,
      correlationId: plan.id,
      host: h.name,
      verb: plan.verb,
      data: {
        planHash: plan.hash,
        reason,
        requestedBy: plan.requestedBy,
        target: plan.target,
        approvedBy: rec.approvedBy,
        requiredApprovals: plan.requiredApprovals,
        hosts: plan.hosts.length,
      },
    });
  }
  if (rec.cardTs !== undefined) await deps.chat.update(plan.channelId, rec.cardTs, renderPlanClosed(plan, words.card));
  const req = await deps.requests.head(plan.id);
  if (req?.parentTs !== undefined) await closeRequest(deps, req.record, req.parentTs, words.parent, { approval: c.state });
  return true;
}

/** Expires every pending approval whose time is up (the bot's sweeper, every few seconds); returns how many. */
export async function expireDueApprovals(deps: BotDeps): Promise<number> {
  let n = 0;
  for (const id of await deps.approvals.due(deps.now())) {
    const rec = await deps.approvals.get(id);
    if (!rec)
      await deps.approvals.close(id, 'expired', 'system', 'forgotten', deps.now()); // drops a stale index entry
    else if (rec.state === 'pending' && (await closeApproval(deps, rec, { state: 'expired' }))) n += 1;
  }
  return n;
}
