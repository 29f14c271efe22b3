import type { Command } from '../core/command';
import { batchesOf } from '../core/rollout/plan';
import type { RolloutRecord } from '../core/rollout/rollout-record';
import { APPROVAL_ACTIONS } from '../core/rollout/approval-actions';
import { escapeSlackText, renderAbortNowConfirm } from '../presentation';
import { escapeKeepingUserMentions } from '../core/text/escape-slack-text';
import type { BotDeps } from './bot-deps';
import type { CommandReply } from './command-io';
import type { ActionReply } from './button-io';
import type { ButtonContext } from './button-context';
import type { CommandContext } from './command-context';
import type { ApprovalButtonValue } from '../core/rollout/approval-actions';
import { AUDIT_DOWN_TEXT, recordAudit } from './record-audit';
import { cancelQueuedHosts } from './cancel-queued-hosts';

function inProgress(r: RolloutRecord): string[] {
  return (batchesOf(r.plan)[r.batch] ?? []).filter(
    (h) => !['pending', 'queued', 'done', 'failed', 'cancelled'].includes(r.hosts[h]?.stage ?? 'pending'),
  );
}

/** Moves a running rollout to `aborting` and cancels what has not started; false when it was not running. */
async function beginAbort(deps: BotDeps, r: RolloutRecord, by: string, now: boolean): Promise<{ ok: boolean; cancelled: string[] }> {
  // A plain abort can still be made `--now` while the hosts in progress finish.
  if (
    !(await deps.rollouts.transition(r.plan.id, now ? ['running', 'aborting'] : ['running'], 'aborting', {
      reason: `aborted by <@${by}>${now ? ' (now)' : ''}`,
    }))
  )
    return { ok: false, cancelled: [] };
  if (now) await deps.rollouts.requestStopNow(r.plan.id, by);
  await recordAudit(deps, {
    type: 'rollout.aborted',
    actor: by,
    channel: r.plan.channelId,
    requestId: r.plan.id,
    correlationId: r.plan.id,
    verb: r.plan.verb,
    data: { phase: 'requested', now, batch: r.batch + 1, inProgress: inProgress(r) },
  });
  const cancelled = await cancelQueuedHosts(deps, r, by);
  const thread = (await deps.requests.head(r.plan.id))?.parentTs;
  if (thread !== undefined) {
    const going = inProgress(r);
    const text = `:no_entry_sign: <@${by}> aborted the rollout${now ? ' *now*' : ''}. ${cancelled.length > 0 ? `Cancelled: ${cancelled.join(', ')}. ` : ''}${going.length > 0 ? `${going.join(', ')} ${now ? 'stop at their next step' : 'finish first'}; ` : ''}no new host starts.`;
    await deps.chat.post(r.plan.channelId, { text: escapeKeepingUserMentions(text) }, thread);
  }
  return { ok: true, cancelled };
}

/**
 * `/srs abort <rollout> [--now]`: the requester or an operator stops a rollout. Without `--now` the hosts in
 * progress finish and nothing new starts; with `--now` a button asks to confirm first, then hosts in progress stop
 * at their next step (before installing, or before restarting).
 */
export async function abortRollout(ctx: CommandContext<Extract<Command, { kind: 'abort' }>>): Promise<CommandReply> {
  const { deps, input, command } = ctx;
  const r = await deps.rollouts.get(command.id);
  if (!r)
    return {
      ephemeral: {
        text: `No rollout ${escapeSlackText(command.id)} (unknown, not an upgrade, or older than 30 days). \`/srs jobs\` lists what runs.`,
      },
    };
  const refused = await ctx.authorize({ request: { requestedBy: r.plan.requestedBy, subject: escapeSlackText(command.id) } });
  if (refused) return refused;
  if (r.state !== 'running' && !(r.state === 'aborting' && command.now))
    return {
      ephemeral: {
        text: `Rollout ${escapeSlackText(command.id)} is ${r.state}; nothing to abort${r.state === 'aborting' ? ' (add `--now` to stop the hosts in progress at their next step)' : ''}.`,
      },
    };
  const audit = { actor: input.userId, channel: input.channelId, requestId: r.plan.id, correlationId: r.plan.id, verb: r.plan.verb };
  if (command.now) {
    const thread = (await deps.requests.head(r.plan.id))?.parentTs;
    if (thread === undefined) return { ephemeral: { text: 'The rollout has no thread yet; try again in a moment.' } };
    if (!(await recordAudit(deps, { ...audit, type: 'request.received', data: { abort: r.plan.id, now: true, stage: 'confirm' } })))
      return { ephemeral: { text: AUDIT_DOWN_TEXT } };
    await deps.chat.post(r.plan.channelId, renderAbortNowConfirm(r.plan, inProgress(r)), thread);
    return { ephemeral: { text: `Confirm in the rollout's thread: *Abort now* stops the hosts in progress at their next step.` } };
  }
  const begun = await beginAbort(deps, r, input.userId, false);
  if (!begun.ok) return { ephemeral: { text: `Rollout ${escapeSlackText(command.id)} moved on meanwhile; nothing to abort.` } };
  return {
    ephemeral: {
      text: `Aborting ${escapeSlackText(command.id)}: hosts in progress finish, no new host starts. The thread says when it has stopped.`,
    },
  };
}

/** The buttons of the `--now` confirmation (Abort now, Keep going): the requester or an operator decides. */
export async function confirmAbortNow(ctx: ButtonContext<ApprovalButtonValue>): Promise<ActionReply> {
  const { deps, input } = ctx;
  const { id } = ctx.value;
  const r = await deps.rollouts.get(id);
  if (!r) return { ephemeral: { text: 'This rollout is unknown or too old; nothing was done.' } };
  const refused = await ctx.authorize(
    { request: { requestedBy: r.plan.requestedBy, subject: escapeSlackText(id) } },
    { type: 'button.denied', requestId: id, correlationId: id, verb: r.plan.verb, data: { action: input.actionId } },
  );
  if (refused) return refused;
  if (
    !(await recordAudit(deps, {
      type: 'button.pressed',
      actor: input.userId,
      channel: input.channelId,
      requestId: id,
      correlationId: id,
      verb: r.plan.verb,
      data: { action: input.actionId },
    }))
  )
    return { ephemeral: { text: AUDIT_DOWN_TEXT } };
  const keep = input.actionId === APPROVAL_ACTIONS.abortKeep;
  let text: string;
  if (keep) text = `Kept going (<@${input.userId}>).`;
  else {
    const begun = await beginAbort(deps, r, input.userId, true);
    text = begun.ok
      ? `Abort now confirmed by <@${input.userId}>.`
      : `The rollout is ${r.state === 'running' ? 'no longer running' : r.state}; nothing was done.`;
  }
  if (input.messageTs !== undefined)
    await deps.chat.update(input.channelId, input.messageTs, { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] });
  return {};
}
