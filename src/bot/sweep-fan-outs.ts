import { fanOutJobId, type FanOutJob } from '../ports/job-queue-port';
import type { RequestRecord } from '../ports/request-store-port';
import type { BotDeps } from './bot-deps';

/** A fan-out is looked at by the sweeper once it was accepted this long ago (its job normally starts at once). */
export const FAN_OUT_CHECK_AFTER_MS = 30_000;

/**
 * Fan-outs accepted and not finished, whose request-level job is gone without queueing a host job (lost with a Redis
 * primary that failed over before replicating it, say) are queued again, with their snapshot: the job id is the same,
 * so one that is in fact there stays as it is. One that failed for good is answered (`fanout.failed`), once.
 */
export async function sweepFanOuts(deps: BotDeps): Promise<void> {
  for (const id of await deps.requests.openFanOuts(deps.now() - FAN_OUT_CHECK_AFTER_MS)) {
    const head = await deps.requests.head(id);
    if (head === undefined || head.done || head.record.fanOut === undefined) continue;
    const found = await deps.queue.fanOutState(id);
    if (found.state === 'unknown') await requeue(deps, head.record);
    else if (found.state === 'failed' && (await deps.requests.claim(id, 'sweep-fanout-failed'))) {
      deps.logger.warn({ requestId: id, reason: found.reason }, 'fan-out failed for good; answering it');
      await deps.events.publish({
        v: 1,
        type: 'fanout.failed',
        requestId: id,
        jobId: fanOutJobId(id),
        host: head.record.fanOut.target,
        verb: head.record.verb,
        at: deps.now(),
        worker: 'bot',
        reason: `its host jobs could not all be queued (${found.reason})`,
        expanded: found.expanded,
      });
    }
  }
}

async function requeue(deps: BotDeps, record: RequestRecord): Promise<void> {
  const fanOut = record.fanOut;
  if (fanOut === undefined) return;
  const snapshot = deps.inventory.current();
  // The snapshot may have been lost with the job: published again when the bot still has it.
  if (snapshot.digest === fanOut.inventoryDigest) {
    const { hosts, bastions, groups, digest, loadedAt } = snapshot;
    await deps.inventories.publish({ hosts, bastions, groups, digest, loadedAt });
  }
  const job: FanOutJob = {
    v: 1,
    kind: 'fanout',
    jobId: fanOutJobId(record.requestId),
    requestId: record.requestId,
    verb: record.verb,
    ...fanOut,
    ssh: { user: deps.config.ssh.user },
    requestedBy: record.userId,
    enqueuedAt: record.createdAt,
  };
  deps.logger.warn({ requestId: record.requestId }, 'fan-out job not found (lost in a Redis failover?); queued again');
  await deps.queue.enqueueFanOut(job);
}
