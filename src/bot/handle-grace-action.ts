import { GRACE_ACTIONS, parseGraceButtonValue, type GraceDecision } from '../core/grace/grace-actions';
import type { ChatMessage } from '../core/command';
import { roleOf } from '../core/policy';
import { escapeSlackText } from '../presentation';
import type { GraceControlPort } from '../ports/grace-control-port';
import type { BotDeps } from './bot-deps';
import { AUDIT_DOWN_TEXT, recordAudit } from './record-audit';

/** A button press as the chat delivered it (signature already verified by the adapter). */
export interface ActionInput {
  actionId: string;
  value?: string;
  userId: string;
  channelId: string;
  /** The message carrying the buttons. */
  messageTs?: string;
}

/** What to tell the presser (ephemeral), if anything. */
export interface ActionReply {
  ephemeral?: ChatMessage;
}

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
 * A press on a graceful-quit button: only the requester or an operator (or admin) may press; the decision goes to
 * the worker following the quit (or, for SRS 5.0's confirmation, a new job is queued), and the buttons are replaced
 * by who decided what.
 */
export async function handleGraceAction(deps: BotDeps & { control: GraceControlPort }, input: ActionInput): Promise<ActionReply> {
  const value = parseGraceButtonValue(input.value);
  if (!value) return { ephemeral: { text: "This button is not one of srs-chatops's, or it is damaged; nothing was done." } };
  const req = await deps.requests.head(value.requestId);
  if (!req)
    return {
      ephemeral: {
        text: `Request ${escapeSlackText(value.requestId)} has expired or is unknown (after a week requests are forgotten); nothing was done.`,
      },
    };
  const role = roleOf(input.userId, deps.config.slack);
  const mayPress = input.userId === req.record.userId || role === 'operator' || role === 'admin';
  const audit = {
    actor: input.userId,
    channel: input.channelId,
    requestId: value.requestId,
    correlationId: value.requestId,
    host: value.host,
    verb: req.record.verb,
  };
  if (!mayPress) {
    deps.logger.info({ requestId: value.requestId, user: input.userId, action: input.actionId }, 'button press denied');
    await recordAudit(deps, {
      ...audit,
      type: 'button.denied',
      data: { action: input.actionId, jobId: value.jobId, reason: 'not the requester nor an operator' },
    });
    return {
      ephemeral: {
        text: `Only <@${req.record.userId}> (who asked) or an operator may decide for ${escapeSlackText(value.host)}; nothing was done.`,
      },
    };
  }
  const decision = DECISIONS[input.actionId];
  if (decision !== undefined && (await drainEnded(deps, value.requestId, value.host))) {
    deps.logger.info(
      { requestId: value.requestId, jobId: value.jobId, user: input.userId, action: input.actionId },
      'grace button pressed after the job ended',
    );
    await recordAudit(deps, {
      ...audit,
      type: 'button.denied',
      data: { action: input.actionId, jobId: value.jobId, reason: 'the drain already ended' },
    });
    return {
      ephemeral: { text: `This drain already ended (${escapeSlackText(value.host)} has its result in the thread); nothing was done.` },
    };
  }
  if (!(await recordAudit(deps, { ...audit, type: 'button.pressed', data: { action: input.actionId, jobId: value.jobId } }))) {
    return { ephemeral: { text: AUDIT_DOWN_TEXT } };
  }
  let done: keyof typeof DONE_TEXT;
  if (decision !== undefined) {
    await deps.control.send(value.jobId, decision, input.userId);
    done = decision;
  } else if (input.actionId === GRACE_ACTIONS.confirm || input.actionId === GRACE_ACTIONS.cancel) {
    if (!(await deps.requests.claim(value.requestId, `confirm:${value.jobId}`))) {
      return { ephemeral: { text: 'Someone already answered this question; nothing more was done.' } };
    }
    if (input.actionId === GRACE_ACTIONS.confirm) {
      await deps.requests.reopenHost(value.requestId, value.host);
      await deps.queue.enqueue([
        {
          v: 1,
          jobId: `${value.jobId}-confirmed`,
          requestId: value.requestId,
          host: value.host,
          verb: req.record.verb,
          requestedBy: input.userId,
          enqueuedAt: deps.now(),
          options: { confirmed: true },
        },
      ]);
      done = 'confirm';
    } else {
      done = 'cancel';
    }
  } else {
    return { ephemeral: { text: 'Unknown button; nothing was done.' } };
  }
  deps.logger.info({ requestId: value.requestId, jobId: value.jobId, user: input.userId, decision: done }, 'grace button pressed');
  if (input.messageTs !== undefined) {
    const text = `*${escapeSlackText(value.host)}*: ${DONE_TEXT[done]} by <@${input.userId}>.`;
    await deps.chat.update(input.channelId, input.messageTs, { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] });
  }
  return {};
}
