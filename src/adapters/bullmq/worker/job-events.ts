import type { VerbResult } from '../../../core/verb-result';
import type { HostJob } from '../../../ports/job-queue-port';
import type { JobContext } from './job-context';

/** What every event of a job carries: which request, job, host and verb, when, from which worker. */
export function jobEventBase(ctx: JobContext, data: HostJob) {
  return {
    v: 1 as const,
    requestId: data.requestId,
    jobId: data.jobId,
    host: data.host,
    verb: data.verb,
    at: Date.now(),
    worker: ctx.opts.workerId,
  };
}

/** Publishes a job's result (the bot answers it in the request's thread). */
export function publishResult(ctx: JobContext, data: HostJob, result: VerbResult): Promise<void> {
  return ctx.opts.events.publish({ ...jobEventBase(ctx, data), type: 'job.result', result });
}

/**
 * Publishes that a job started. A state-changing job waits for it; a read-only one does not (its first SSH bytes go
 * out meanwhile; the event still precedes the result in the stream), and a failure is only logged.
 */
export async function publishStarted(ctx: JobContext, data: HostJob, mutating: boolean): Promise<void> {
  const { opts } = ctx;
  const startedEvent = { ...jobEventBase(ctx, data), type: 'job.started' as const };
  if (mutating) await opts.events.publish(startedEvent);
  else {
    opts.events
      .publish(startedEvent)
      .catch((err: unknown) => opts.logger.warn({ jobId: data.jobId, err: String(err) }, 'job.started event not published'));
  }
}
