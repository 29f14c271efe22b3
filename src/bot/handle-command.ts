import type { ChatMessage } from '../core/command';
import { parseCommand } from '../core/parse-command';
import { authorize } from '../core/policy';
import { listHosts, resolveTargets } from '../core/resolve-targets';
import { renderDenied, renderHelp, renderHosts, renderQueueUnavailable, renderRequestParent, renderUsageError } from '../core/render';
import type { HostJob } from '../ports/job-queue-port';
import type { RequestRecord } from '../ports/request-store-port';
import type { BotDeps } from './bot-deps';
import { postParent } from './post-parent';
import { answerHistory } from './answer-history';
import { cancelJobs } from './cancel-jobs';
import { describeQueue } from './describe-queue';

/** A command as the chat delivered it. */
export interface CommandInput {
  userId: string;
  channelId: string;
  /** The text after `/srs`, as typed. */
  text: string;
  /** The chat's id of this invocation (Slack's trigger_id): a redelivery with the same id runs once. */
  triggerId?: string;
}

/**
 * The answer to give at once (ephemeral, within Slack's 3 s), and work to do right after acknowledging (posting the
 * request's parent message). A request is accepted only once its jobs are in the queue.
 */
export interface CommandReply {
  ephemeral: ChatMessage;
  requestId?: string;
  followUp?: () => Promise<void>;
}

/** Parses, authorizes, resolves targets and queues one job per host. Never throws. */
export async function handleCommand(deps: BotDeps, input: CommandInput): Promise<CommandReply> {
  const parsed = parseCommand(input.text);
  if (!parsed.ok) return { ephemeral: renderUsageError(parsed.error) };
  const decision = authorize({ userId: input.userId, channelId: input.channelId }, parsed.command, deps.config.slack);
  if (!decision.allowed) {
    deps.logger.info({ user: input.userId, channel: input.channelId, reason: decision.reason }, 'command denied');
    return { ephemeral: renderDenied(decision.reason) };
  }
  const command = parsed.command;
  if (command.kind === 'help') return { ephemeral: renderHelp(decision.role) };
  if (command.kind === 'hosts') return { ephemeral: renderHosts(listHosts(deps.config.hosts, command.group)) };
  if (command.kind === 'history') return answerHistory(deps, command);
  if (command.kind === 'cancel') return cancelJobs(deps, input, command);

  const resolved = resolveTargets(command.target, deps.config.hosts);
  if (!resolved.ok) return { ephemeral: renderUsageError(resolved.error) };

  const now = deps.now();
  const requestId = deps.newId();
  const record: RequestRecord = {
    v: 1,
    requestId,
    userId: input.userId,
    channelId: input.channelId,
    verb: command.verb,
    hosts: resolved.hosts,
    text: input.text.slice(0, 500),
    createdAt: now,
  };
  const jobs: HostJob[] = resolved.hosts.map((host) => ({
    v: 1,
    jobId: `${requestId}-${host}`,
    requestId,
    host,
    verb: command.verb,
    requestedBy: input.userId,
    enqueuedAt: now,
    ...(command.options ? { options: command.options } : {}),
  }));
  try {
    if (input.triggerId !== undefined) {
      const earlier = await deps.requests.claimTrigger(input.triggerId, requestId);
      if (earlier !== undefined) {
        deps.logger.info({ requestId: earlier, trigger: input.triggerId }, 'redelivered command ignored');
        return { ephemeral: { text: `Already received (request ${earlier}); it runs once.` } };
      }
    }
    await deps.requests.create(record);
    await deps.queue.enqueue(jobs);
  } catch (err) {
    deps.logger.error({ requestId, err: err instanceof Error ? err.message : String(err) }, 'request not queued');
    if (input.triggerId !== undefined) await deps.requests.releaseTrigger(input.triggerId).catch(() => undefined);
    return { ephemeral: renderQueueUnavailable() };
  }
  deps.logger.info({ requestId, user: input.userId, verb: command.verb, hosts: resolved.hosts.length }, 'request queued');
  const n = resolved.hosts.length;
  const busy = await describeQueue(deps.queue, jobs, now);
  return {
    requestId,
    ephemeral: {
      text: [`Queued \`${command.verb}\` on ${n} host${n === 1 ? '' : 's'} (request ${requestId}). Results will appear in the thread.`, ...busy].join('\n'),
    },
    followUp: () => postParent(deps, record, renderRequestParent({ requestId, userId: input.userId, verb: command.verb, hosts: resolved.hosts, state: 'queued' })),
  };
}
