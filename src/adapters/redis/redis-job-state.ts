import type { Redis } from 'ioredis';
import type { Config } from '../../../config/schema';
import type { AuditPort } from '../../ports/audit-port';
import type { JobEventPublisher } from '../../ports/job-queue-port';
import type { JobStatePort } from '../../ports/job-state-port';
import { redisGraceJob } from './redis-grace-job';
import { redisUpgradeJob } from './redis-upgrade-job';
import { redisRolloutStep } from './redis-rollout-step';
import { redisVerbCheckpoint } from './redis-verb-checkpoint';

/** The jobs' state in Redis: checkpoints, grace jobs, upgrade jobs and rolling steps, written as `workerId`. */
export function redisJobState(o: {
  redis: Redis;
  events: JobEventPublisher;
  config: Config;
  workerId: string;
  audit: AuditPort;
}): JobStatePort {
  return {
    checkpoint: (job) => redisVerbCheckpoint(o.redis, job.jobId, o.workerId),
    grace: (job, host) => redisGraceJob(o.redis, o.events, job, host, o.config, o.workerId, o.audit),
    upgrade: (job, options) => redisUpgradeJob(o.redis, o.events, job, options, o.config.upgrade, o.workerId),
    rolling: (job) => redisRolloutStep(o.redis, o.events, job, o.workerId),
  };
}
