import { setTimeout as sleep } from 'node:timers/promises';
import type { HostConfig } from '../../../../config/schema';
import type { VerbResult } from '../../../core/verb-result';
import type { HostJob } from '../../../ports/job-queue-port';
import { redisGraceJob } from '../../redis/redis-grace-job';
import type { HostContext } from '../../../worker/srs/host-context';
import { redisUpgradeJob } from '../../redis/redis-upgrade-job';
import { redisVerbCheckpoint } from '../../redis/redis-verb-checkpoint';
import { runVerb } from '../../../worker/verbs/run-verb';
import type { JobContext } from './job-context';

/**
 * Runs the job's verb on its host (the host lock held): the SSH target, the verb's checkpoint, and for a graceful
 * quit, a restart or an upgrade the grace job, for an upgrade the upgrade job. Never throws (failures are results);
 * the commands sent are appended to `transcript`.
 */
export async function runJob(ctx: JobContext, data: HostJob, host: HostConfig, transcript: string[]): Promise<VerbResult> {
  const { logger } = ctx.opts;
  const result = await runVerb(hostContext(ctx, data, host, transcript), data.verb);
  logger.info(
    { host: data.host, verb: data.verb, jobId: data.jobId, requestId: data.requestId, outcome: result.outcome, ms: result.durationMs },
    'verb done',
  );
  return result;
}

/** What the verb runs with. */
function hostContext(ctx: JobContext, data: HostJob, host: HostConfig, transcript: string[]): HostContext {
  const { opts } = ctx;
  const { config, redis } = opts;
  return {
    hostConfig: host,
    target: { name: host.name, address: host.address, port: host.port, user: host.user ?? config.ssh.user },
    ssh: opts.hosts,
    settings: config.worker,
    commandTimeoutMs: config.ssh.commandTimeoutMs,
    logger: opts.logger.child({ requestId: data.requestId, jobId: data.jobId }),
    sleep: (ms) => sleep(ms),
    checkpoint: redisVerbCheckpoint(redis, data.jobId, opts.workerId),
    transcript,
    ...(data.verb === 'grace' || data.verb === 'restart' || data.verb === 'upgrade'
      ? { grace: redisGraceJob(redis, opts.events, data, host, config, opts.workerId, opts.audit) }
      : {}),
    ...(data.verb === 'upgrade' && data.options?.upgrade
      ? { upgrade: redisUpgradeJob(redis, opts.events, data, data.options.upgrade, config.upgrade, opts.workerId) }
      : {}),
  };
}
