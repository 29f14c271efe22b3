import type { VerbResult } from '../../../core/verb-result';
import type { HostJob } from '../../../ports/job-queue-port';
import type { JobContext } from './job-context';

/** Publishes a job's result (the bot answers it in the request's thread). */
export function publishResult(ctx: JobContext, data: HostJob, result: VerbResult): Promise<void> {
  const { opts } = ctx;
  return opts.events.publish({
    v: 1,
    type: 'job.result',
    requestId: data.requestId,
    jobId: data.jobId,
    host: data.host,
    verb: data.verb,
    at: Date.now(),
    worker: opts.workerId,
    result,
  });
}

/**
 * Publishes that a job started. A state-changing job waits for it; a read-only one does not (its first SSH bytes go
 * out meanwhile; the event still precedes the result in the stream), and a failure is only logged.
 */
export async function publishStarted(ctx: JobContext, data: HostJob, mutating: boolean): Promise<void> {
  const { opts } = ctx;
  const startedEvent = {
    v: 1 as const,
    type: 'job.started' as const,
    requestId: data.requestId,
    jobId: data.jobId,
    host: data.host,
    verb: data.verb,
    at: Date.now(),
    worker: opts.workerId,
  };
  if (mutating) await opts.events.publish(startedEvent);
  else {
    opts.events
      .publish(startedEvent)
      .catch((err: unknown) => opts.logger.warn({ jobId: data.jobId, err: String(err) }, 'job.started event not published'));
  }
}
