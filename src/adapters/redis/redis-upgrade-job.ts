import type { Redis } from 'ioredis';
import type { UpgradeConfig } from '../../../config/schema';
import { keys } from './keys';
import type { HostJob, JobEventPublisher, UpgradeJobOptions } from '../../ports/job-queue-port';
import type { UpgradeBaseline, UpgradeJob } from '../../ports/upgrade-job-port';

const BASELINE_TTL_SECONDS = 2 * 24 * 3600;

/** An UpgradeJob backed by Redis: stages go to the event stream, `abort --now` is read from the rollout's key. */
export function redisUpgradeJob(
  redis: Redis,
  events: JobEventPublisher,
  job: HostJob,
  options: UpgradeJobOptions,
  config: UpgradeConfig,
  worker: string,
): UpgradeJob {
  return {
    options,
    install: options.install.length > 0 ? options.install : config.install,
    installTimeoutMs: config.installTimeoutMs,
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
