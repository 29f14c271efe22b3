import type { Job, Worker } from 'bullmq';
import type { HostJob, JobEvent, JobEventPublisher } from '../../ports/job-queue-port';
import type { VerbResult } from '../../core/verb-result';
import type { MetricsPort } from '../../ports/metrics-port';

/**
 * The job event publisher, counting what the events say once they are published: each host result (jobs by verb and
 * outcome, their duration) and each graceful quit that ended with the process gone (drain duration). A `job_failed`
 * answer is published by every worker that hears of the failure: the worker that ran the job counts it instead
 * ({@link countFailedJobs}).
 */
export function meteredEvents(inner: JobEventPublisher, metrics: MetricsPort): JobEventPublisher {
  return {
    publish: async (event: JobEvent) => {
      await inner.publish(event);
      if (event.type === 'job.result' && event.result.errorCode !== 'job_failed') {
        metrics.jobFinished(event.verb, event.result.outcome, event.result.durationMs);
      }
      if (event.type === 'grace.milestone' && event.milestone === 'exited' && event.progress.signalAt !== undefined) {
        metrics.drainFinished(event.progress.escalations.length > 0, (event.progress.exitedAt ?? event.at) - event.progress.signalAt);
      }
    },
  };
}

/** Counts the jobs this worker gave up on (outcome `unknown`): the other half of the `job_failed` rule above. */
export function countFailedJobs(worker: Worker<HostJob, VerbResult>, metrics: MetricsPort): void {
  worker.on('failed', (job: Job<HostJob, VerbResult> | undefined) => {
    if (job) metrics.jobFinished(job.data.verb, 'unknown', Date.now() - (job.processedOn ?? Date.now()));
  });
}
