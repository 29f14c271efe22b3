import type { Redis } from 'ioredis';
import type { UpgradeConfig } from '../../config/schema';
import { keys } from '../../src/adapters/redis/keys';
import type { HostJob, JobEventPublisher, UpgradeJobOptions } from '../../src/ports/job-queue-port';
import type { UpgradeJob } from './upgrade-job';

/** An UpgradeJob backed by Redis: stages go to the event stream, `abort --now` is read from the rollout's key. */
export function redisUpgradeJob(redis: Redis, events: JobEventPublisher, job: HostJob, options: UpgradeJobOptions, config: UpgradeConfig, worker: string): UpgradeJob {
  return {
    options,
    install: config.install,
    installTimeoutMs: config.installTimeoutMs,
    stage: (stage, detail) => events.publish({ v: 1, type: 'upgrade.stage', requestId: job.requestId, jobId: job.jobId, host: job.host, verb: job.verb, at: Date.now(), worker, stage, ...(detail !== undefined ? { detail } : {}) }),
    stopRequested: async () => (await redis.get(keys.rolloutStopNow(job.requestId))) ?? undefined,
  };
}
