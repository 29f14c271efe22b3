import type { Command } from '../core/command';
import { REQUEST_ID_PREFIX } from '../core/request-id';
import { escapeSlackText } from '../presentation';
import { unrunResult } from '../core/verb-result';
import { recordAudit } from './record-audit';
import { hostJobId } from './host-jobs';
import type { CommandReply } from './command-io';
import type { CommandContext } from './command-context';
import { plural } from '../core/text/plural';

/**
 * `/srs cancel <id>`: removes queued jobs of a request (or one job) for its requester or an operator. A cancelled
 * job is answered in its thread ("cancelled by ..."); a running one goes on (stop it through its own path).
 */
export async function cancelJobs(ctx: CommandContext<Extract<Command, { kind: 'cancel' }>>): Promise<CommandReply> {
  const { deps, input, command } = ctx;
  const requestId = REQUEST_ID_PREFIX.exec(command.id)?.[0];
  const req = requestId === undefined ? undefined : await deps.requests.head(requestId);
  if (!req || requestId === undefined)
    return { ephemeral: { text: `No request ${escapeSlackText(command.id)} (unknown, or older than a week).` } };
  const refused = await ctx.authorize({ request: { requestedBy: req.record.userId, subject: escapeSlackText(requestId) } });
  if (refused) return refused;
  if (req.record.kind === 'approval')
    return {
      ephemeral: {
        text: `${escapeSlackText(requestId)} awaits approval and nothing is queued: press *Deny* on its card (with a reason) to withdraw it.`,
      },
    };
  if (req.record.kind === 'rollout')
    return {
      ephemeral: {
        text: `${escapeSlackText(requestId)} is a rollout: \`/srs abort ${escapeSlackText(requestId)}\` stops it after the hosts in progress.`,
      },
    };
  const jobs =
    command.id === requestId
      ? req.record.hosts.map((h) => ({ host: h, jobId: hostJobId(requestId, h) }))
      : [{ host: command.id.slice(requestId.length + 1), jobId: command.id }];
  const done: Record<'cancelled' | 'cancelling' | 'running' | 'finished' | 'unknown', string[]> = {
    cancelled: [],
    cancelling: [],
    running: [],
    finished: [],
    unknown: [],
  };
  for (const { host, jobId } of jobs) {
    const state = await deps.queue.cancel(jobId, input.userId);
    done[state].push(host);
    if (state !== 'cancelled') continue;
    const result = unrunResult(
      host,
      req.record.verb,
      `cancelled by ${input.userId} before it ran; nothing was sent to ${host}`,
      'cancelled',
    );
    await recordAudit(deps, {
      type: 'job.result',
      actor: req.record.userId,
      channel: req.record.channelId,
      requestId,
      correlationId: requestId,
      host,
      verb: req.record.verb,
      data: { jobId, outcome: 'refused', summary: result.summary, cancelledBy: input.userId },
    });
    await deps.events.publish({
      v: 1,
      type: 'job.result',
      requestId,
      jobId,
      host,
      verb: req.record.verb,
      at: deps.now(),
      worker: 'bot',
      result,
    });
  }
  const parts: string[] = [];
  const cancelled = [...done.cancelled, ...done.cancelling];
  if (cancelled.length > 0) parts.push(`cancelled ${plural(cancelled.length, 'queued job')} (${cancelled.join(', ')})`);
  if (done.running.length > 0)
    parts.push(`${done.running.join(', ')} already running: it goes on (a drain has its own Force quit / Leave buttons)`);
  if (done.finished.length > 0) parts.push(`${done.finished.join(', ')} already finished`);
  if (done.unknown.length > 0) parts.push(`${done.unknown.join(', ')}: no such job`);
  deps.logger.info({ requestId, user: input.userId, ...done }, 'cancel');
  return { ephemeral: { text: `${escapeSlackText(requestId)}: ${escapeSlackText(parts.join('; '))}.` } };
}
