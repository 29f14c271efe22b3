import type { ChatMessage } from '../core/command';
import { APPROVAL_ACTIONS, REASON_INPUT, type ApprovalButtonValue } from '../core/rollout/approval-actions';
import { batchesOf, type Plan, type PlanHost } from '../core/rollout/plan';
import { capText, context, section, SECTION_TEXT_MAX, type Block } from './blocks';
import { escapeSlackText } from '../core/text/escape-slack-text';
import { describeClients, plural } from '../core/text/plural';
import { drainsOnQuit } from '../core/grace/grace-progress';
import { formatElapsed } from './format-elapsed';

function mention(id: string): string {
  return /^[UW][A-Z0-9]{2,20}$/.test(id) ? `<@${id}>` : escapeSlackText(id);
}

/** `2 players, 1 publisher, 1 stream`. */
function load(players: number | undefined, publishers: number | undefined, streams: number | undefined): string {
  return `${describeClients(players, publishers)}, ${streams === undefined ? '? streams' : plural(streams, 'stream')}`;
}

function hostLine(h: PlanHost, plan: Plan): string {
  const fiveOh =
    h.from !== undefined && !drainsOnQuit(h.from) ? ` :warning: ${escapeSlackText(h.from)} does not drain: its clients are dropped` : '';
  if (plan.verb === 'upgrade')
    return `• \`${escapeSlackText(h.name)}\` ${escapeSlackText(h.from ?? '?')} → *${escapeSlackText(plan.version ?? '?')}* (${load(h.clients, h.publishers, h.streams)})${fiveOh}`;
  return `• \`${escapeSlackText(h.name)}\` ${h.state.replace('_', ' ')}${h.from !== undefined ? `, SRS ${escapeSlackText(h.from)}` : ''} (${load(h.clients, h.publishers, h.streams)})${plan.drain !== undefined ? fiveOh : ''}`;
}

/** Plans with more hosts than this are shown a line per batch (names only), so that every host stays visible. */
const HOSTS_ONE_PER_LINE = 40;

/** The plan as lines: batches in order with their hosts; every host of the plan is named. */
export function planLines(plan: Plan): string[] {
  const lines: string[] = [];
  const byName = new Map(plan.hosts.map((h) => [h.name, h]));
  const compact = plan.hosts.length > HOSTS_ONE_PER_LINE;
  batchesOf(plan).forEach((names, i) => {
    const hosts = names.map((n) => byName.get(n)).filter((h): h is PlanHost => h !== undefined);
    if (!compact) {
      if (plan.verb === 'upgrade' || plan.batchSize < plan.hosts.length) lines.push(`*Batch ${i + 1}*`);
      for (const h of hosts) lines.push(hostLine(h, plan));
      return;
    }
    const from = [...new Set(hosts.map((h) => h.from ?? '?'))].map(escapeSlackText).join('/');
    const sum = (k: 'clients' | 'publishers' | 'streams') => hosts.reduce((n, h) => n + (h[k] ?? 0), 0);
    const head =
      plan.verb === 'upgrade'
        ? `*Batch ${i + 1}* (${from} → ${escapeSlackText(plan.version ?? '?')}; `
        : plan.batchSize < plan.hosts.length
          ? `*Batch ${i + 1}* (`
          : '(';
    lines.push(
      `${head}${load(sum('clients'), sum('publishers'), sum('streams'))}): ${hosts.map((h) => `\`${escapeSlackText(h.name)}\``).join(', ')}`,
    );
  });
  if (plan.skipped.length > 0)
    lines.push(`Left out: ${plan.skipped.map((s) => `\`${escapeSlackText(s.name)}\` (${escapeSlackText(s.reason)})`).join(', ')}`);
  return lines;
}

/** Section blocks holding `lines` whole (a line is never cut), each within Slack's section limit. */
export function sections(lines: readonly string[]): Block[] {
  const out: Block[] = [];
  let chunk = '';
  for (const line of lines) {
    if (chunk !== '' && chunk.length + 1 + line.length > SECTION_TEXT_MAX - 100) {
      out.push(section(chunk));
      chunk = '';
    }
    chunk = chunk === '' ? line : `${chunk}\n${line}`;
  }
  if (chunk !== '') out.push(section(chunk));
  return out;
}

function what(plan: Plan): string {
  if (plan.verb === 'upgrade') return `upgrade *${escapeSlackText(plan.target)}* to SRS *${escapeSlackText(plan.version ?? '?')}*`;
  const opts = plan.options?.graceful === true ? ' --graceful' : '';
  return `*${escapeSlackText(plan.verb)}${opts}* on *${escapeSlackText(plan.target)}*`;
}

/** Verbs after which a host's health gate runs (stop and grace are confirmed stopped instead). */
const LEAVES_SRS_RUNNING: ReadonlySet<string> = new Set(['start', 'restart', 'reload', 'rotate']);

function terms(plan: Plan): string {
  const parts = [plural(plan.hosts.length, 'host')];
  const batches = batchesOf(plan).length;
  if (plan.verb === 'upgrade' || plan.hosts.length > 1) {
    parts.push(batches === 1 ? 'all at once' : `batches of ${plan.batchSize} (${batches} batches)`, `failure budget ${plan.failureBudget}`);
    if (plan.verb === 'upgrade') parts.push(plan.rollback ? 'automatic rollback on' : 'no automatic rollback');
    else if (plan.healthTimeoutMs !== undefined && LEAVES_SRS_RUNNING.has(plan.verb))
      parts.push(`health gate ${formatElapsed(plan.healthTimeoutMs)} per host`);
  }
  if (plan.drain !== undefined)
    parts.push(`drain deadline ${formatElapsed(plan.drain.deadlineMs)}${plan.drain.force ? ', then force quit' : ', then ask'}`);
  return parts.join(' · ');
}

/** The card's header and plan, whatever its state. */
export function planText(plan: Plan): string[] {
  const icon = plan.gate === 'confirm' ? ':warning:' : ':lock:';
  return [`${icon} <@${plan.requestedBy}> asks to ${what(plan)}: ${terms(plan)}`, ...planLines(plan)];
}

export function button(text: string, actionId: string, value: ApprovalButtonValue, style?: 'primary' | 'danger'): Record<string, unknown> {
  return {
    type: 'button',
    text: { type: 'plain_text', text },
    action_id: actionId,
    value: JSON.stringify(value),
    ...(style ? { style } : {}),
  };
}

/**
 * The card with Approve / Deny buttons and a reason box, while approvals are wanted. `note`: a line shown above the
 * count (approvals that no longer count under the current policy).
 */
export function renderPlanCard(plan: Plan, approvedBy: readonly string[], now: number, note?: string): ChatMessage {
  const who = plan.approvers.length > 0 ? plan.approvers.map(mention).join(', ') : 'nobody (see `approvals.approvers`)';
  const got = approvedBy.length > 0 ? ` · approved so far by ${approvedBy.map(mention).join(', ')}` : '';
  const needs = `Needs ${plural(plan.requiredApprovals, 'approval')} from: ${who} (not the requester)${got}. Expires in ${formatElapsed(plan.expiresAt - now)}.`;
  const id = `plan \`${plan.hash.slice(0, 12)}\` · request \`${plan.id}\`${plan.install !== undefined ? ` · install: \`${escapeSlackText(plan.install.join(' '))}\`` : ''}`;
  const text = note === undefined ? planText(plan) : [...planText(plan), `:warning: ${note}`];
  const value = { id: plan.id, hash: plan.hash };
  return {
    text: `${capText(text.join('\n'), 2500)}\n${needs}`,
    blocks: [
      ...sections(text),
      context(needs, id),
      {
        type: 'input',
        block_id: REASON_INPUT.blockId,
        optional: true,
        label: { type: 'plain_text', text: 'Reason (needed to deny)' },
        element: { type: 'plain_text_input', action_id: REASON_INPUT.actionId, max_length: 300 },
      },
      {
        type: 'actions',
        elements: [button('Approve', APPROVAL_ACTIONS.approve, value, 'primary'), button('Deny', APPROVAL_ACTIONS.deny, value, 'danger')],
      },
    ],
  };
}

/** The card once closed: the plan, then what happened (no buttons). */
export function renderPlanClosed(plan: Plan, outcome: string): ChatMessage {
  const text = planText(plan);
  return {
    text: `${capText(text.join('\n'), 2500)}\n${outcome}`,
    blocks: [...sections(text), section(outcome), context(`plan \`${plan.hash.slice(0, 12)}\` · request \`${plan.id}\``)],
  };
}
