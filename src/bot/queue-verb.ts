import { jobInventory } from './pin-inventory';
import { renderRequestParent } from '../presentation';
import type { BotDeps } from './bot-deps';
import type { CommandInput, CommandReply } from './command-io';
import { acceptRequest } from './accept-request';
import { describeQueue } from './describe-queue';
import { hostJobs } from '../core/jobs/host-jobs';
import { queuedAnswer } from './queued-answer';
import { isFanOutSize } from '../core/jobs/fan-out-size';
import { queueFanOut } from './queue-fan-out';
import type { VerbToQueue } from './verb-to-queue';

export type { VerbToQueue } from './verb-to-queue';

/**
 * Runs a verb request at once: accepted (see acceptRequest) with one job per host, or, a read-only fan-out, with one
 * request-level job the workers expand (queueFanOut); the answer says where each job waits when its host is busy.
 * Never throws.
 */
export async function queueVerb(deps: BotDeps, input: CommandInput, v: VerbToQueue): Promise<CommandReply> {
  const { requestId, command, hosts } = v;
  if (!v.mutating && isFanOutSize(hosts.length)) return queueFanOut(deps, input, v);
  const options = command.options ? { options: command.options } : {};
  const accepted = await acceptRequest(deps, input, {
    base: { ...v.base, requestId, verb: command.verb },
    received: v.received,
    mutating: v.mutating,
    queued: { hosts, ...options },
    hosts,
    build: (now) => ({
      records: [
        {
          v: 1,
          requestId,
          userId: input.userId,
          channelId: input.channelId,
          verb: command.verb,
          hosts,
          text: input.text.slice(0, 500),
          createdAt: now,
        },
      ],
      jobs: hostJobs(requestId, hosts, { verb: command.verb, requestedBy: input.userId, enqueuedAt: now, ...options }, jobInventory(deps)),
    }),
  });
  if (!accepted.accepted) return accepted.reply;
  deps.logger.info({ requestId, user: input.userId, verb: command.verb, hosts: hosts.length }, 'request queued');
  const waits = await describeQueue(deps.queue, accepted.jobs, accepted.receipt, accepted.now);
  const [record] = accepted.records;
  const parent = renderRequestParent({ requestId, userId: input.userId, verb: command.verb, hosts, state: 'queued' });
  return queuedAnswer(deps, { requestId, verb: command.verb, hostCount: hosts.length, recorded: accepted.recorded, record, waits, parent });
}
