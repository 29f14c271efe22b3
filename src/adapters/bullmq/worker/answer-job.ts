import { setTimeout as sleep } from 'node:timers/promises';
import type { VerbResult } from '../../../core/verb-result';
import type { HostJob } from '../../../ports/job-queue-port';
import type { JobContext } from './job-context';
import { publishResult } from './job-events';

/**
 * How long a worker keeps writing a job's answer again until the replicas confirm it: longer than the moment, after a
 * switch, when a connection may still write to the old primary (about a second); shorter than the time a new primary
 * may run without a replica (15 s measured; for good when the old one is dead): then the answer, written on the
 * primary of the moment, goes out unconfirmed rather than held.
 */
export const CONFIRM_FOR_MS = 5_000;
/** Between two tries. */
const RETRY_MS = 1000;

/**
 * Publishes the job's result and marks it answered, and resolves only once the replicas REDIS_URL asks for hold both
 * (`?waitReplicas=N`; the mark's WAIT confirms the event too: the worker publishes events on the ledger's connection,
 * src/app/run-worker.ts). Until then both are written again, every second: in a failover, a connection may still write
 * to the old primary (which takes writes until Sentinel demotes it, and then drops them) while BullMQ completes the job
 * on the new one; without this, the job was complete and its answer gone (a fan-out stuck at `9 of 10 answered`).
 * A duplicate event is harmless (the bot keeps one result per host). After {@link CONFIRM_FOR_MS}: rejects when the
 * event was never published (the job fails, and is answered as failed), else logs (warn) and resolves.
 */
export async function answerJob(ctx: JobContext, data: HostJob, result: VerbResult, confirmForMs = CONFIRM_FOR_MS): Promise<void> {
  const { logger } = ctx.opts;
  const deadline = Date.now() + confirmForMs;
  let published = false;
  for (let attempt = 1; ; attempt++) {
    try {
      await publishResult(ctx, data, result);
      published = true;
      await ctx.ledger.markAnswered(data.jobId, result);
      if (attempt > 1) logger.info({ jobId: data.jobId, host: data.host, attempt }, 'job answer confirmed on the replicas');
      return;
    } catch (err) {
      if (Date.now() >= deadline) {
        if (!published) throw err;
        logger.error(
          { jobId: data.jobId, err: String(err) },
          'job answered, but not confirmed on the replicas: a failover now may lose it',
        );
        return;
      }
      logger.info({ jobId: data.jobId, host: data.host, attempt, err: String(err) }, 'job answer not confirmed on the replicas; again');
      await sleep(RETRY_MS);
    }
  }
}
