import type { Command } from '../core/command';
import { REQUEST_ID_PREFIX } from '../core/request-id';
import { escapeSlackText } from '../presentation';
import { unrunResult } from '../core/verb-result';
import { recordAudit } from './record-audit';
import { hostJobId } from '../core/jobs/host-jobs';
import type { BotDeps } from './bot-deps';
import type { CommandReply } from './command-io';
import type { RequestRecord } from '../ports/request-store-port';
import type { CommandContext } from './command-context';
import { cancelFanOut } from './cancel-fan-out';
import { plural } from '../core/text/plural';

/** A job cancelled before it ran: recorded, and answered in its thread like a worker's result ("cancelled by ..."). */
async function answerCancelled(
  deps: BotDeps,
  record: RequestRecord,
  job: { requestId: string; host: string; jobId: string; by: string },
): Promise<void> {
  const { requestId, host, jobId, by } = job;
  const { verb } = record;
  const result = unrunResult(host, verb, `cancelled by ${by} before it ran; nothing was sent to ${host}`, 'cancelled');
  await recordAudit(deps, {
    type: 'job.result',
    actor: record.userId,
    channel: record.channelId,
    requestId,
    correlationId: requestId,
    host,
    verb,
    data: { jobId, outcome: 'refused', summary: result.summary, cancelledBy: by },
  });
  await deps.events.publish({ v: 1, type: 'job.result', requestId, jobId, host, verb, at: deps.now(), worker: 'bot', result });
}

/** Hosts named in the answer; the rest are counted (a fan-out may cancel a thousand). */
const HOSTS_NAMED = 10;

function listed(hosts: readonly string[]): string {
  const more = hosts.length > HOSTS_NAMED ? `, +${hosts.length - HOSTS_NAMED} more` : '';
  return `${hosts.slice(0, HOSTS_NAMED).join(', ')}${more}`;
}

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
  const fanOut =
    req.record.fanOut !== undefined && command.id === requestId ? await cancelFanOut(deps, req.record, input.userId) : undefined;
  const jobs =
    fanOut?.jobs ??
    (command.id === requestId
      ? req.record.hosts.map((h) => ({ host: h, jobId: hostJobId(requestId, h) }))
      : [{ host: command.id.slice(requestId.length + 1), jobId: command.id }]);
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
    if (state === 'cancelled') await answerCancelled(deps, req.record, { requestId, host, jobId, by: input.userId });
  }
  const parts: string[] = fanOut !== undefined && fanOut.note !== '' ? [fanOut.note] : [];
  const cancelled = [...done.cancelled, ...done.cancelling];
  if (cancelled.length > 0) parts.push(`cancelled ${plural(cancelled.length, 'queued job')} (${listed(cancelled)})`);
  if (done.running.length > 0)
    parts.push(`${listed(done.running)} already running: it goes on (a drain has its own Force quit / Leave buttons)`);
  if (done.finished.length > 0) parts.push(`${listed(done.finished)} already finished`);
  if (done.unknown.length > 0) parts.push(`${listed(done.unknown)}: no such job`);
  deps.logger.info({ requestId, user: input.userId, ...done }, 'cancel');
  return { ephemeral: { text: `${escapeSlackText(requestId)}: ${escapeSlackText(parts.join('; '))}.` } };
}
