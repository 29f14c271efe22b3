import { GRACE_ACTIONS, type GraceButtonValue, type GraceDecision } from '../core/grace/grace-actions';
import { buttonRow } from '../core/commands/button-table';
import type { JobVerb } from '../core/verbs';
import { escapeSlackText } from '../presentation';
import type { BotDeps } from './bot-deps';
import type { ButtonContext, ButtonDeps } from './button-context';
import type { ActionInput, ActionReply } from './button-io';
import { press, unknownButton } from './pipeline/press-button';
import { AUDIT_DOWN_TEXT, recordAudit } from './record-audit';

export type { ActionInput, ActionReply } from './button-io';

const DECISIONS: Readonly<Record<string, GraceDecision>> = {
  [GRACE_ACTIONS.force]: 'force',
  [GRACE_ACTIONS.extend]: 'extend',
  [GRACE_ACTIONS.leave]: 'leave',
};

const DONE_TEXT: Readonly<Record<GraceDecision | 'confirm' | 'cancel', string>> = {
  force: 'force quit requested',
  extend: 'deadline extended',
  leave: 'left draining (no longer watched)',
  confirm: 'confirmed: quitting without a drain (clients dropped)',
  cancel: 'cancelled: nothing was sent',
};

/**
 * True when the host's job in the request has ended (its result is stored, or the request is done or forgotten): no
 * worker follows the drain any more, so a force / extend / leave would reach nobody.
 */
async function drainEnded(deps: BotDeps, requestId: string, host: string): Promise<boolean> {
  const progress = await deps.requests.get(requestId);
  return progress === undefined || progress.done || progress.results.some((r) => r.host === host);
}

/**
 * SRS 5.0's question (quit without a drain?): answered once; Confirm reopens the host and queues the confirmed job.
 * Undefined when someone answered first.
 */
async function answerConfirm(ctx: ButtonContext<GraceButtonValue>, verb: JobVerb): Promise<'confirm' | 'cancel' | undefined> {
  const { deps, input, value } = ctx;
  if (!(await deps.requests.claim(value.requestId, `confirm:${value.jobId}`))) return undefined;
  if (input.actionId !== GRACE_ACTIONS.confirm) return 'cancel';
  await deps.requests.reopenHost(value.requestId, value.host);
  await deps.queue.enqueue([
    {
      v: 1,
      jobId: `${value.jobId}-confirmed`,
      requestId: value.requestId,
      host: value.host,
      verb,
      requestedBy: input.userId,
      enqueuedAt: deps.now(),
      options: { confirmed: true },
    },
  ]);
  return 'confirm';
}

/**
 * A press on a graceful-quit button: only the requester or an operator (or admin) may press (the pipeline judges the
 * row); the decision goes to the worker following the quit (or, for SRS 5.0's confirmation, a new job is queued), and
 * the buttons are replaced by who decided what.
 */
export async function pressGrace(ctx: ButtonContext<GraceButtonValue>): Promise<ActionReply> {
  const { deps, input, value } = ctx;
  const req = await deps.requests.head(value.requestId);
  if (!req)
    return {
      ephemeral: {
        text: `Request ${escapeSlackText(value.requestId)} has expired or is unknown (after a week requests are forgotten); nothing was done.`,
      },
    };
  const audit = { requestId: value.requestId, correlationId: value.requestId, host: value.host, verb: req.record.verb };
  const record = { ...audit, type: 'button.denied' as const, data: { action: input.actionId, jobId: value.jobId } };
  const refused = await ctx.authorize({ request: { requestedBy: req.record.userId, subject: escapeSlackText(value.host) } }, record);
  if (refused) return refused;
  const decision = DECISIONS[input.actionId];
  if (decision !== undefined && (await drainEnded(deps, value.requestId, value.host))) {
    const text = `This drain already ended (${escapeSlackText(value.host)} has its result in the thread); nothing was done.`;
    return ctx.refuse(text, 'the drain already ended', record);
  }
  const pressed = { ...audit, actor: input.userId, channel: input.channelId, type: 'button.pressed' as const };
  if (!(await recordAudit(deps, { ...pressed, data: { action: input.actionId, jobId: value.jobId } }))) {
    return { ephemeral: { text: AUDIT_DOWN_TEXT } };
  }
  let done: keyof typeof DONE_TEXT;
  if (decision !== undefined) {
    await deps.control.send(value.jobId, decision, input.userId);
    done = decision;
  } else {
    const answered = await answerConfirm(ctx, req.record.verb);
    if (answered === undefined) return { ephemeral: { text: 'Someone already answered this question; nothing more was done.' } };
    done = answered;
  }
  deps.logger.info({ requestId: value.requestId, jobId: value.jobId, user: input.userId, decision: done }, 'grace button pressed');
  if (input.messageTs !== undefined) {
    const text = `*${escapeSlackText(value.host)}*: ${DONE_TEXT[done]} by <@${input.userId}>.`;
    await deps.chat.update(input.channelId, input.messageTs, { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] });
  }
  return {};
}

/** A press on a graceful-quit button, through the button pipeline (the grace rows of the button table only). */
export function handleGraceAction(deps: ButtonDeps, input: ActionInput): Promise<ActionReply> {
  const row = buttonRow(input.actionId);
  return row?.family === 'grace' ? press(deps, input, row, row.parse(input.value), pressGrace) : unknownButton(deps, input);
}
