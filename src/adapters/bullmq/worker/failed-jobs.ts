import { QueueEvents, type Job } from 'bullmq';
import { QUEUE_NAME } from '../../redis/keys';
import type { HostJob } from '../../../ports/job-queue-port';
import type { JobContext } from './job-context';
import { answerFailed } from './unrun-answers';

/**
 * A job that failed for good (an unexpected error, or its workers died too often) still gets a final answer in its
 * thread. Every worker hears the event; the bot posts one answer per host whatever the duplicates. Returns the
 * function that stops listening (and closes the listener's own connection).
 */
export function answerFailedJobs(ctx: JobContext): () => Promise<void> {
  const { redis, logger } = ctx.opts;
  const connection = redis.duplicate();
  const events = new QueueEvents(QUEUE_NAME, { connection });
  events.on('error', (err) => logger.warn({ err: err.message }, 'queue events error'));
  events.on('failed', ({ jobId, failedReason }) => {
    void answerFailedJob(ctx, jobId, failedReason).catch((err: unknown) =>
      logger.error({ jobId, err: String(err) }, 'could not answer a failed job'),
    );
  });
  return async () => {
    await events.close();
    connection.disconnect(); // BullMQ never closes a connection it was given
  };
}

/** Answers one failed job, when it is still known and is a v1 verb job. */
async function answerFailedJob(ctx: JobContext, jobId: string, reason: string): Promise<void> {
  const job = (await ctx.queue.getJob(jobId)) as Job<HostJob> | undefined;
  if (!job || job.data.v !== 1) return;
  await answerFailed(ctx, job.data, reason);
}
