import { fanOutJobId } from '../ports/job-queue-port';
import type { RequestRecord } from '../ports/request-store-port';
import { hostJobId } from '../core/jobs/host-jobs';
import type { BotDeps } from './bot-deps';

/** What cancelling a fan-out's request-level job left to do: its host jobs to cancel, and what to say about it. */
export interface FanOutCancel {
  /** The host jobs queued from it so far (cancelled like any host job). */
  jobs: Array<{ host: string; jobId: string }>;
  /** What happened to the request-level job, for the answer ('' when nothing worth saying). */
  note: string;
}

/**
 * `/srs cancel <fan-out>`: a request-level job still waiting is removed, one being expanded queues nothing more; either
 * way the hosts it never queued are answered here (`fanout.failed` through the thread's own path: the request then
 * ends with the results of the hosts it did queue), and those are returned, to be cancelled like any host job.
 */
export async function cancelFanOut(deps: BotDeps, record: RequestRecord, by: string): Promise<FanOutCancel> {
  const { requestId } = record;
  const found = await deps.queue.cancelFanOut(requestId, by);
  const jobs = found.expanded.map((host) => ({ host, jobId: hostJobId(requestId, host) }));
  if (found.state === 'cancelled' || found.state === 'stopping') {
    // Answered through the thread's own path (once, whichever replica reads it), like an expansion that failed.
    await deps.events.publish({
      v: 1,
      type: 'fanout.failed',
      requestId,
      jobId: fanOutJobId(requestId),
      host: record.fanOut?.target ?? '',
      verb: record.verb,
      at: deps.now(),
      worker: 'bot',
      reason: `cancelled by ${by}${jobs.length === 0 ? ' before any host job was queued' : ''}`,
      expanded: jobs.length,
    });
    return {
      jobs,
      note:
        jobs.length === 0 ? 'cancelled before any host job was queued; nothing ran' : `stopped queueing it after ${jobs.length} host jobs`,
    };
  }
  return { jobs, note: '' };
}
