import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ExpandOutcome } from '../../ports/fan-out-expansion-port';
import type { FanOutJob } from '../../ports/job-queue-port';
import type { Logger } from '../../ports/logger-port';
import { FANOUT_QUEUE_NAME } from '../redis/keys';
import { confirmReplicated } from '../redis/replica-wait';

/** Fan-outs expanded at once by one worker process: expanding is quick (chunks of Redis writes), a few suffice. */
export const FANOUT_CONCURRENCY = 2;
/** A fan-out whose expanders keep dying is failed after this many stalls (each resumes where the last one stopped). */
const MAX_STALLED = 5;

export interface FanOutWorkerOptions {
  /** A connection with `maxRetriesPerRequest: null` (BullMQ requirement). */
  redis: Redis;
  logger: Logger;
  /** Expands one request-level job (the worker's use case, wired by src/app/start-worker.ts); rejects to be tried again. */
  expand: (job: FanOutJob, progress: (expanded: number) => Promise<void>) => Promise<ExpandOutcome>;
  /** Tells the bot a fan-out failed for good (its last try rejected): `fanout.failed`. */
  giveUp: (job: FanOutJob, reason: string) => Promise<void>;
  concurrency?: number;
  /** BullMQ lock: a request-level job whose worker died is taken over after this long. */
  lockDurationMs: number;
  /** How often BullMQ looks for stalled request-level jobs. */
  stalledIntervalMs: number;
}

/**
 * A BullMQ worker on {@link FANOUT_QUEUE_NAME}: expands each request-level job into host jobs (the processor is the
 * use case handed in). A fan-out that cannot be expanded fails for good (UnrecoverableError: no retry); one that
 * rejects on Redis is tried again, and on its last try the bot is told.
 */
export function startFanOutWorker(opts: FanOutWorkerOptions): { worker: Worker<FanOutJob>; close: (force?: boolean) => Promise<void> } {
  const { logger } = opts;
  const worker = new Worker<FanOutJob, ExpandOutcome>(FANOUT_QUEUE_NAME, (job) => processFanOut(opts, job), {
    connection: opts.redis,
    concurrency: opts.concurrency ?? FANOUT_CONCURRENCY,
    lockDuration: opts.lockDurationMs,
    stalledInterval: opts.stalledIntervalMs,
    maxStalledCount: MAX_STALLED,
  });
  worker.on('error', (err) => logger.warn({ err: err.message }, 'fan-out worker error'));
  worker.on('failed', (job, err) => logger.warn({ jobId: job?.id, err: err.message }, 'fan-out expansion failed'));
  return { worker, close: (force = false) => worker.close(force) };
}

async function processFanOut(opts: FanOutWorkerOptions, job: Job<FanOutJob, ExpandOutcome>): Promise<ExpandOutcome> {
  const started = Date.now();
  let outcome: ExpandOutcome;
  try {
    outcome = await opts.expand(job.data, (expanded) => job.updateProgress(expanded));
  } catch (err) {
    const lastTry = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const reason = `could not be expanded: ${err instanceof Error ? err.message : String(err)}`;
    if (lastTry) await opts.giveUp(job.data, reason).catch(() => undefined);
    throw err;
  }
  opts.logger.info({ requestId: job.data.requestId, ...outcome, ms: Date.now() - started }, 'fan-out expanded');
  if (outcome.kind === 'failed') throw new UnrecoverableError(outcome.reason);
  // Its host jobs on the replicas before BullMQ completes it: in a failover this connection may have queued them on the
  // old primary (which drops them) while the completion lands on the new one. Not confirmed: tried again (it resumes
  // after the hosts on record, and queues again those of its last chunk that are missing), but the last try completes.
  const lastTry = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  await confirmReplicated(opts.redis).catch((err: unknown) => {
    if (!lastTry) throw err;
    opts.logger.warn({ requestId: job.data.requestId, err: String(err) }, 'fan-out host jobs not confirmed on the replicas');
  });
  return outcome;
}
