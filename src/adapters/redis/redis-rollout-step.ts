import type { Redis } from 'ioredis';
import { keys } from './keys';
import type { HostJob, JobEventPublisher } from '../../ports/job-queue-port';
import type { RolloutStepJob, UpgradeBaseline } from '../../ports/upgrade-job-port';

const BASELINE_TTL_SECONDS = 2 * 24 * 3600;

/**
 * One host's step of a rollout (an upgrade or a rolling service verb) backed by Redis: stages go to the event stream
 * as `upgrade.stage` events (the rollout engine's one stage event, whatever the verb), `abort --now` is read from the
 * rollout's key, the baseline is kept per job so that a worker taking the job over compares with the same one.
 */
export function redisRolloutStep(redis: Redis, events: JobEventPublisher, job: HostJob, worker: string): RolloutStepJob {
  return {
    stage: (stage, detail) =>
      events.publish({
        v: 1,
        type: 'upgrade.stage',
        requestId: job.requestId,
        jobId: job.jobId,
        host: job.host,
        verb: job.verb,
        at: Date.now(),
        worker,
        stage,
        ...(detail !== undefined ? { detail } : {}),
      }),
    stopRequested: async () => (await redis.get(keys.rolloutStopNow(job.requestId))) ?? undefined,
    loadBaseline: async () => {
      const raw = await redis.get(keys.upgradeBaseline(job.jobId));
      return raw === null ? undefined : (JSON.parse(raw) as UpgradeBaseline);
    },
    saveBaseline: async (baseline) => {
      await redis.set(keys.upgradeBaseline(job.jobId), JSON.stringify(baseline), 'EX', BASELINE_TTL_SECONDS);
    },
  };
}
