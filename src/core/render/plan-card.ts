import type { ChatMessage } from '../command';
import { APPROVAL_ACTIONS, REASON_INPUT, type ApprovalButtonValue } from '../rollout/approval-actions';
import { batchesOf, type Plan, type PlanHost } from '../rollout/plan';
import { capText, context, section } from './blocks';
import { escapeSlackText } from './escape-slack-text';
import { formatElapsed } from './format-elapsed';

/** Hosts listed one per line on the card; the rest are counted. */
const HOSTS_LISTED = 40;

function mention(id: string): string {
  return /^[UW][A-Z0-9]{2,20}$/.test(id) ? `<@${id}>` : escapeSlackText(id);
}

function hostLine(h: PlanHost, plan: Plan): string {
  const load = `${h.clients ?? '?'} clients, ${h.publishers ?? '?'} publishers, ${h.streams ?? '?'} streams`;
  const fiveOh = h.from !== undefined && /^5\./.test(h.from) ? ' :warning: 5.0 does not drain: its clients are dropped' : '';
  if (plan.verb === 'upgrade') return `• \`${escapeSlackText(h.name)}\` ${escapeSlackText(h.from ?? '?')} → *${escapeSlackText(plan.version ?? '?')}* (${load})${fiveOh}`;
  return `• \`${escapeSlackText(h.name)}\` ${h.state.replace('_', ' ')}${h.from !== undefined ? `, SRS ${escapeSlackText(h.from)}` : ''} (${load})`;
}

/** The plan as lines: batches in order with their hosts. */
export function planLines(plan: Plan): string[] {
  const lines: string[] = [];
  let listed = 0;
  batchesOf(plan).forEach((names, i) => {
    if (plan.verb === 'upgrade') lines.push(`*Batch ${i + 1}*`);
    for (const name of names) {
      const h = plan.hosts.find((x) => x.name === name);
      if (h === undefined) continue;
      listed += 1;
      if (listed <= HOSTS_LISTED) lines.push(hostLine(h, plan));
    }
  });
  if (listed > HOSTS_LISTED) lines.push(`… +${listed - HOSTS_LISTED} more hosts`);
  if (plan.skipped.length > 0) lines.push(`Left out: ${plan.skipped.map((s) => `\`${escapeSlackText(s.name)}\` (${escapeSlackText(s.reason)})`).join(', ')}`);
  return lines;
}

function what(plan: Plan): string {
  if (plan.verb === 'upgrade') return `upgrade *${escapeSlackText(plan.target)}* to SRS *${escapeSlackText(plan.version ?? '?')}*`;
  const opts = plan.options?.graceful === true ? ' --graceful' : '';
  return `*${escapeSlackText(plan.verb)}${opts}* on *${escapeSlackText(plan.target)}*`;
}

function terms(plan: Plan): string {
  const parts = [`${plan.hosts.length} host${plan.hosts.length === 1 ? '' : 's'}`];
  if (plan.verb === 'upgrade') {
    parts.push(`batches of ${plan.batchSize}`, `failure budget ${plan.failureBudget}`, plan.rollback ? 'automatic rollback on' : 'no automatic rollback');
    if (plan.drain !== undefined) parts.push(`drain deadline ${formatElapsed(plan.drain.deadlineMs)}${plan.drain.force ? ', then force quit' : ', then ask'}`);
  }
  return parts.join(' · ');
}

/** The approval card's header and plan, whatever its state. */
function planText(plan: Plan): string {
  return [`:lock: <@${plan.requestedBy}> asks to ${what(plan)}: ${terms(plan)}`, ...planLines(plan)].join('\n');
}

function button(text: string, actionId: string, value: ApprovalButtonValue, style?: 'primary' | 'danger'): Record<string, unknown> {
  return { type: 'button', text: { type: 'plain_text', text }, action_id: actionId, value: JSON.stringify(value), ...(style ? { style } : {}) };
}

/** The card with Approve / Deny buttons and a reason box, while approvals are wanted. */
export function renderPlanCard(plan: Plan, approvedBy: readonly string[], now: number): ChatMessage {
  const who = plan.approvers.length > 0 ? plan.approvers.map(mention).join(', ') : 'nobody (see `approvals.approvers`)';
  const got = approvedBy.length > 0 ? ` · approved so far by ${approvedBy.map(mention).join(', ')}` : '';
  const needs = `Needs ${plan.requiredApprovals} approval${plan.requiredApprovals === 1 ? '' : 's'} from: ${who} (not the requester)${got}. Expires in ${formatElapsed(plan.expiresAt - now)}.`;
  const id = `plan \`${plan.hash.slice(0, 12)}\` · request \`${plan.id}\``;
  const text = planText(plan);
  const value = { id: plan.id, hash: plan.hash };
  return {
    text: `${capText(text, 2500)}\n${needs}`,
    blocks: [
      section(text),
      context(needs, id),
      { type: 'input', block_id: REASON_INPUT.blockId, optional: true, label: { type: 'plain_text', text: 'Reason (needed to deny)' }, element: { type: 'plain_text_input', action_id: REASON_INPUT.actionId, max_length: 300 } },
      { type: 'actions', elements: [button('Approve', APPROVAL_ACTIONS.approve, value, 'primary'), button('Deny', APPROVAL_ACTIONS.deny, value, 'danger')] },
    ],
  };
}

/** The card once closed: the plan, then what happened (no buttons). */
export function renderPlanClosed(plan: Plan, outcome: string): ChatMessage {
  const text = planText(plan);
  return { text: `${capText(text, 2500)}\n${outcome}`, blocks: [section(text), section(outcome), context(`plan \`${plan.hash.slice(0, 12)}\` · request \`${plan.id}\``)] };
}
