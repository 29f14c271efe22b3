import type { Redis } from 'ioredis';
import type { UpgradeConfig } from '../../../config/schema';
import type { HostJob, JobEventPublisher, UpgradeJobOptions } from '../../ports/job-queue-port';
import type { UpgradeJob } from '../../ports/upgrade-job-port';
import { redisRolloutStep } from './redis-rollout-step';

/** An UpgradeJob backed by Redis: the rollout step's stages, `abort --now` and baseline (redisRolloutStep), and the install. */
export function redisUpgradeJob(
  redis: Redis,
  events: JobEventPublisher,
  job: HostJob,
  options: UpgradeJobOptions,
  config: UpgradeConfig,
  worker: string,
): UpgradeJob {
  return {
    ...redisRolloutStep(redis, events, job, worker),
    options,
    install: options.install.length > 0 ? options.install : config.install,
    installTimeoutMs: config.installTimeoutMs,
  };
}
