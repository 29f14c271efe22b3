import { DelayedError, type Job, type Queue } from 'bullmq';
import type { HostJob } from '../../../ports/job-queue-port';
import type { JobContext } from './job-context';

/**
 * Waits (without using an attempt) until the job is first in its host's FIFO and holds the host lock; returns who
 * cancelled the job meanwhile (null: not cancelled). One round trip when the host is free. A finished job left at the
 * head of the line (its worker died before cleaning up) is taken out of it.
 */
export async function waitForTurn(ctx: JobContext, job: Job<HostJob>, token: string | undefined): Promise<string | null> {
  const data = job.data;
  const turn = await ctx.hostQueue.takeTurn(data.host, data.jobId, ctx.lockTtlMs);
  if (turn.kind === 'acquired') return turn.cancelledBy;
  if (turn.kind === 'behind' && (await isFinished(ctx.queue, turn.head))) {
    await ctx.hostQueue.remove(data.host, turn.head);
  }
  await job.moveToDelayed(Date.now() + ctx.pollMs, token);
  throw new DelayedError();
}

/** Whether BullMQ is done with a job (or no longer knows it). */
export async function isFinished(queue: Queue, jobId: string): Promise<boolean> {
  const job = await queue.getJob(jobId);
  if (!job) return true;
  const state = await job.getState();
  return state === 'completed' || state === 'failed' || state === 'unknown';
}
