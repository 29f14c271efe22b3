import { startJobWorker, type JobWorkerOptions } from '../adapters/bullmq/worker/job-worker';
import { BullmqJobQueue } from '../adapters/bullmq/bullmq-job-queue';
import { RedisFanOutExpansion } from '../adapters/bullmq/fan-out-expansion';
import { startFanOutWorker } from '../adapters/bullmq/fan-out-worker';
import { RedisInventoryStore } from '../adapters/redis/redis-inventory-store';
import { redisJobState } from '../adapters/redis/redis-job-state';
import { expandRequest, failFanOut, type ExpandDeps } from '../worker/fan-out/expand-request';
import { runHostJob } from '../worker/run-host-job';

/**
 * A BullMQ worker whose jobs run the worker's use case (runHostJob) with the jobs' state in Redis, and beside it the
 * worker expanding fan-outs' request-level jobs into host jobs (expandRequest): what `srs-chatops worker`, the demo,
 * the tests and the benchmarks start.
 */
export function startWorker(opts: Omit<JobWorkerOptions, 'run'>): ReturnType<typeof startJobWorker> {
  const state = redisJobState({ redis: opts.redis, events: opts.events, config: opts.config, workerId: opts.workerId, audit: opts.audit });
  const deps = { config: opts.config, ssh: opts.hosts, logger: opts.logger, state };
  const hostJobs = startJobWorker({ ...opts, run: (job, host, transcript) => runHostJob(deps, job, host, transcript) });
  const fanOuts = startFanOutExpander(opts);
  return {
    worker: hostJobs.worker,
    close: async (force = false) => {
      await Promise.all([fanOuts.close(force), hostJobs.close(force)]);
      await fanOuts.queue.close();
    },
  };
}

/** The fan-out expander of a worker process: its own BullMQ worker, queueing host jobs through the host-job queue. */
function startFanOutExpander(opts: Omit<JobWorkerOptions, 'run'>): { close: (force?: boolean) => Promise<void>; queue: BullmqJobQueue } {
  const queue = new BullmqJobQueue(opts.redis);
  const base: Omit<ExpandDeps, 'progress'> = {
    inventory: new RedisInventoryStore(opts.redis),
    expansion: new RedisFanOutExpansion(opts.redis, queue),
    events: opts.events,
    audit: opts.audit,
    logger: opts.logger,
    workerId: opts.workerId,
    now: Date.now,
  };
  const { close } = startFanOutWorker({
    redis: opts.redis,
    logger: opts.logger,
    expand: (job, progress) => expandRequest({ ...base, progress }, job),
    giveUp: async (job, reason) => void (await failFanOut({ ...base, progress: () => Promise.resolve() }, job, reason)),
    lockDurationMs: opts.lockDurationMs ?? opts.config.worker.lockDurationMs,
    stalledIntervalMs: opts.stalledIntervalMs ?? opts.config.worker.stalledIntervalMs,
  });
  return { close, queue };
}
