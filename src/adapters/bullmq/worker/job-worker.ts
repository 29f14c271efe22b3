import { Queue, Worker } from 'bullmq';
import { QUEUE_NAME } from '../../redis/keys';
import type { VerbResult } from '../../../core/verb-result';
import type { HostJob } from '../../../ports/job-queue-port';
import { answerFailedJobs } from './failed-jobs';
import { jobContext } from './job-context';
import type { JobWorkerOptions } from './job-worker-options';
import { processJob } from './process-job';

export type { JobWorkerOptions } from './job-worker-options';

/**
 * Starts a BullMQ worker running verb jobs: one job at a time per host (FIFO), many hosts in parallel. The steps of a
 * job live in src/adapters/bullmq/worker/: waiting for the host's turn, running the verb, audit, events, and the answers of jobs that
 * did not run.
 */
export function startJobWorker(opts: JobWorkerOptions): { worker: Worker<HostJob, VerbResult>; close: (force?: boolean) => Promise<void> } {
  const { redis, config, logger } = opts;
  const queue = new Queue(QUEUE_NAME, { connection: redis });
  queue.on('error', (err) => logger.warn({ err: err.message }, 'queue error'));
  const ctx = jobContext(opts, queue);
  const worker = new Worker<HostJob, VerbResult>(QUEUE_NAME, (job, token) => processJob(ctx, job, token), {
    connection: redis,
    concurrency: config.worker.concurrency,
    lockDuration: opts.lockDurationMs ?? config.worker.lockDurationMs,
    stalledInterval: opts.stalledIntervalMs ?? config.worker.stalledIntervalMs,
    maxStalledCount: 2,
  });
  worker.on('error', (err) => logger.warn({ err: err.message }, 'worker error'));
  worker.on('failed', (job, err) => logger.warn({ jobId: job?.id, err: err.message }, 'job failed'));
  const stopAnswering = answerFailedJobs(ctx);
  return {
    worker,
    /** Stops taking jobs and waits for active ones (`force`: does not wait; they are taken over after their lock expires). */
    close: async (force = false) => {
      await worker.close(force);
      await stopAnswering();
      await queue.close();
    },
  };
}
