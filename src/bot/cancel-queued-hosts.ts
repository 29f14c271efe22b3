import { batchesOf } from '../core/rollout/plan';
import type { RolloutRecord } from '../core/rollout/rollout-record';
import { unrunResult } from '../core/verb-result';
import type { BotDeps } from './bot-deps';
import { hostJobId } from '../core/jobs/host-jobs';

/**
 * Cancels the current batch's upgrade jobs that have not started; each one cancelled here is answered like a result
 * (a job a worker already holds is answered by that worker). Returns the hosts cancelled.
 */
export async function cancelQueuedHosts(deps: BotDeps, r: RolloutRecord, by: string): Promise<string[]> {
  const cancelled: string[] = [];
  for (const host of batchesOf(r.plan)[r.batch] ?? []) {
    if (r.hosts[host]?.stage !== 'queued') continue;
    const jobId = hostJobId(r.plan.id, host);
    const state = await deps.queue.cancel(jobId, by);
    if (state === 'cancelling') cancelled.push(host);
    if (state !== 'cancelled') continue;
    cancelled.push(host);
    const result = unrunResult(
      host,
      'upgrade',
      `cancelled by ${by} (rollout aborted) before it ran; nothing was sent to ${host}`,
      'cancelled',
    );
    await deps.events.publish({
      v: 1,
      type: 'job.result',
      requestId: r.plan.id,
      jobId,
      host,
      verb: 'upgrade',
      at: deps.now(),
      worker: 'bot',
      result,
    });
  }
  return cancelled;
}
