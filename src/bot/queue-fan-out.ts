import { fanOutJobId, type FanOutJob } from '../ports/job-queue-port';
import type { RequestRecord } from '../ports/request-store-port';
import { renderRequestParent } from '../presentation';
import { plural } from '../core/text/plural';
import type { BotDeps } from './bot-deps';
import type { CommandInput, CommandReply } from './command-io';
import { acceptRequest } from './accept-request';
import { queuedAnswer } from './queued-answer';
import { ensureSnapshotPublished } from './publish-snapshot';
import type { VerbToQueue } from './verb-to-queue';

/**
 * Queues a read-only fan-out (`status all`) as ONE request-level job that the workers expand into host jobs: the accept
 * path does the same work on a thousand hosts as on six (the snapshot the hosts resolve from is published once per
 * inventory, the record names the target and the count, not the hosts). Never throws.
 */
export async function queueFanOut(deps: BotDeps, input: CommandInput, v: VerbToQueue): Promise<CommandReply> {
  const { requestId, command } = v;
  const snapshot = deps.inventory.current();
  const hostCount = v.hosts.length;
  const fanOut = { target: command.target, hostCount, inventoryDigest: snapshot.digest };
  const options = command.options ? { options: command.options } : {};
  const accepted = await acceptRequest(deps, input, {
    base: { ...v.base, requestId, verb: command.verb },
    received: v.received,
    mutating: v.mutating,
    queued: { target: command.target, hosts: hostCount, inventoryDigest: snapshot.digest, fanOut: true, ...options },
    hosts: [command.target],
    build: (now) => {
      const record: RequestRecord = {
        v: 1,
        requestId,
        userId: input.userId,
        channelId: input.channelId,
        verb: command.verb,
        hosts: [],
        fanOut,
        text: input.text.slice(0, 500),
        createdAt: now,
      };
      const job: FanOutJob = {
        v: 1,
        kind: 'fanout',
        jobId: fanOutJobId(requestId),
        requestId,
        verb: command.verb,
        ...fanOut,
        ssh: { user: deps.config.ssh.user },
        requestedBy: input.userId,
        enqueuedAt: now,
        ...options,
      };
      return { records: [record], jobs: [], fanOut: job };
    },
    // The workers read the hosts from this snapshot: published before the job can be taken (once per inventory).
    prepare: () => ensureSnapshotPublished(deps.inventories, snapshot, deps.now()),
  });
  if (!accepted.accepted) return accepted.reply;
  deps.logger.info({ requestId, user: input.userId, verb: command.verb, hosts: hostCount, fanOut: true }, 'request queued');
  const ahead = accepted.fanOutAhead ?? 0;
  const waits = ahead > 0 ? [`${plural(ahead, 'other fan-out')} ${ahead === 1 ? 'is' : 'are'} queued before it.`] : [];
  const [record] = accepted.records;
  const parent = renderRequestParent({ requestId, userId: input.userId, verb: command.verb, hosts: [], fanOut, state: 'queued' });
  return queuedAnswer(deps, { requestId, verb: command.verb, hostCount, recorded: accepted.recorded, record, waits, parent });
}
