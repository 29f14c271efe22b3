import type { ChatMessage } from '../core/command';
import { batchesOf, type Plan } from '../core/rollout/plan';
import type { HostStage, RolloutHost, RolloutRecord } from '../core/rollout/rollout-record';
import { APPROVAL_ACTIONS } from '../core/rollout/approval-actions';
import { capText, context, section } from './blocks';
import { escapeKeepingUserMentions, escapeSlackText } from '../core/text/escape-slack-text';
import { formatElapsed } from './format-elapsed';
import { drainText, drainTotalsText } from './drain-text';
import { drainTotals } from '../core/rollout/drain-totals';

const STAGE_EMOJI: Readonly<Record<HostStage, string>> = {
  pending: ':white_circle:',
  queued: ':hourglass_flowing_sand:',
  snapshot: ':mag:',
  running: ':gear:',
  installing: ':package:',
  restarting: ':arrows_counterclockwise:',
  verifying: ':stethoscope:',
  'rolling back': ':rewind:',
  done: ':white_check_mark:',
  failed: ':x:',
  cancelled: ':no_entry_sign:',
};

const STATE_TEXT: Readonly<Record<RolloutRecord['state'], string>> = {
  running: 'running',
  aborting: 'aborting: no new host starts; hosts in progress finish',
  halted: 'HALTED',
  aborted: 'aborted',
  done: 'done',
};

/** Hosts shown one per line; bigger rollouts show counts and the hosts that are not pending or done. */
const LINES_MAX = 30;

function hostLine(name: string, h: RolloutHost | undefined, plan: Plan): string {
  const stage = h?.stage ?? 'pending';
  const from = plan.hosts.find((x) => x.name === name)?.from ?? '?';
  const detail = h?.detail !== undefined ? `: ${escapeSlackText(h.detail.slice(0, 200))}` : '';
  const drain = h?.drain !== undefined ? ` · ${drainText(h.drain)}` : '';
  // A service verb's host that is done needs no more than its drain (its reply in the thread has the rest).
  if (plan.verb !== 'upgrade')
    return `${STAGE_EMOJI[stage]} \`${escapeSlackText(name)}\` · ${stage}${drain}${stage === 'done' ? '' : detail}`;
  const version = h?.version !== undefined && h.version !== from ? ` now ${escapeSlackText(h.version)}` : '';
  return `${STAGE_EMOJI[stage]} \`${escapeSlackText(name)}\` ${escapeSlackText(from)} → ${escapeSlackText(plan.version ?? '?')} · ${stage}${version}${drain}${detail}`;
}

/** What the rollout does: `upgrade edges to SRS *6.0.184*`, `restart --graceful edges`. */
export function rolloutWhat(plan: Plan): string {
  if (plan.verb === 'upgrade') return `upgrade ${escapeSlackText(plan.target)} to SRS *${escapeSlackText(plan.version ?? '?')}*`;
  const graceful = plan.verb === 'restart' && plan.drain !== undefined ? ' --graceful' : '';
  return `rolling \`${plan.verb}${graceful}\` on ${escapeSlackText(plan.target)}`;
}

/** Who let it start: approvers, the requester's confirmation, or nobody (a change within the confirm policy). */
function startedBy(r: RolloutRecord): string {
  if (r.approvedBy.length === 0) return 'within the confirm policy (no confirmation needed)';
  const who = r.approvedBy.map((u) => `<@${u}>`).join(', ');
  return r.plan.gate === 'confirm' ? `confirmed by ${who}` : `approved by ${who}`;
}

/** Counts of hosts per stage: `2 done, 1 installing, 3 pending`. */
export function stageCounts(r: Pick<RolloutRecord, 'plan' | 'hosts'>): string {
  const counts = new Map<HostStage, number>();
  for (const h of r.plan.hosts) {
    const stage = r.hosts[h.name]?.stage ?? 'pending';
    counts.set(stage, (counts.get(stage) ?? 0) + 1);
  }
  return [...counts].map(([stage, n]) => `${n} ${stage}`).join(', ');
}

/**
 * The rollout's status message, edited in place: state, batch, a line per host (stage, version, why it failed),
 * failures against the budget, who approved, how long it has run.
 */
export function renderRolloutStatus(r: RolloutRecord, now: number): ChatMessage {
  const { plan } = r;
  const batches = batchesOf(plan);
  const failed = plan.hosts.filter((h) => r.hosts[h.name]?.stage === 'failed').length;
  const head = `*Rollout \`${plan.id}\`*: ${rolloutWhat(plan)}: ${STATE_TEXT[r.state]}${r.state === 'running' || r.state === 'aborting' ? ` (batch ${r.batch + 1} of ${batches.length})` : ''}`;
  const names = plan.hosts.map((h) => h.name);
  const shown =
    names.length <= LINES_MAX
      ? names
      : names.filter((n) => !['pending', 'done'].includes(r.hosts[n]?.stage ?? 'pending')).slice(0, LINES_MAX);
  const lines = shown.map((n) => hostLine(n, r.hosts[n], plan));
  if (shown.length < names.length) lines.push(`(${stageCounts(r)})`);
  const reason =
    r.reason !== undefined && (r.state === 'halted' || r.state === 'aborted' || r.state === 'aborting')
      ? `\n*Why:* ${escapeKeepingUserMentions(r.reason)}`
      : '';
  const drain = drainTotalsText(drainTotals(r));
  const text = `${head}${reason}\n${lines.join('\n')}${drain !== undefined ? `\n${drain}` : ''}`;
  const took = formatElapsed((r.endedAt ?? now) - r.startedAt);
  const foot = `failures ${failed} of budget ${plan.failureBudget} · batches of ${plan.batchSize} · ${startedBy(r)} · ${r.endedAt !== undefined ? 'took' : 'running for'} ${took}`;
  const stop =
    r.state === 'running' ? `stop after the hosts in progress: \`/srs abort ${plan.id}\` (\`--now\` to stop them at their next step)` : '';
  return { text: `${capText(text, 2800)}\n${foot}`, blocks: [section(text), context(foot, stop)] };
}

/** The question `/srs abort --now` asks, with its buttons. */
export function renderAbortNowConfirm(plan: Plan, inProgress: readonly string[]): ChatMessage {
  const hosts = inProgress.length > 0 ? inProgress.map((h) => `\`${escapeSlackText(h)}\``).join(', ') : 'no host';
  const next =
    plan.verb === 'upgrade'
      ? 'before the install, or before the restart. A host already restarting finishes its restart (a host is never left half-restarted).'
      : `before their \`${plan.verb}\` is sent; a host whose \`${plan.verb}\` was sent finishes it and its health gate (a host is never left half-done).`;
  const text = `:warning: Abort rollout \`${plan.id}\` *now*? Queued hosts are cancelled, and ${hosts} (in progress) stop at their next step: ${next}`;
  const value = JSON.stringify({ id: plan.id, hash: '' });
  return {
    text,
    blocks: [
      section(text),
      {
        type: 'actions',
        elements: [
          { type: 'button', text: { type: 'plain_text', text: 'Abort now' }, style: 'danger', action_id: APPROVAL_ACTIONS.abortNow, value },
          { type: 'button', text: { type: 'plain_text', text: 'Keep going' }, action_id: APPROVAL_ACTIONS.abortKeep, value },
        ],
      },
    ],
  };
}
