import { startJobWorker, type JobWorkerOptions } from '../adapters/bullmq/worker/job-worker';
import { redisJobState } from '../adapters/redis/redis-job-state';
import { runHostJob } from '../worker/run-host-job';

/**
 * A BullMQ worker whose jobs run the worker's use case (runHostJob) with the jobs' state in Redis: what
 * `srs-chatops worker`, the demo, the tests and the benchmarks start.
 */
export function startWorker(opts: Omit<JobWorkerOptions, 'run'>): ReturnType<typeof startJobWorker> {
  const state = redisJobState({ redis: opts.redis, events: opts.events, config: opts.config, workerId: opts.workerId, audit: opts.audit });
  const deps = { config: opts.config, ssh: opts.hosts, logger: opts.logger, state };
  return startJobWorker({ ...opts, run: (job, host, transcript) => runHostJob(deps, job, host, transcript) });
}
