import type { Redis } from 'ioredis';
import type { Config, HostConfig } from '../../../config/schema';
import { RedisGraceControl } from './redis-grace-control';
import { keys } from './keys';
import type { HostJob, JobEventPublisher } from '../../ports/job-queue-port';
import type { GraceCheckpoint, GraceJob } from '../../ports/grace-job-port';
import type { AuditPort } from '../../ports/audit-port';

const CHECKPOINT_TTL_SECONDS = 2 * 24 * 3600;

/** A GraceJob backed by Redis: events to the stream, checkpoint in a key, decisions from the control list. */
export function redisGraceJob(
  redis: Redis,
  events: JobEventPublisher,
  job: HostJob,
  host: HostConfig,
  config: Config,
  worker: string,
  audit?: AuditPort,
): GraceJob {
  const control = new RedisGraceControl(redis);
  const base = { v: 1 as const, requestId: job.requestId, jobId: job.jobId, host: job.host, verb: job.verb, worker };
  const ckKey = keys.graceCheckpoint(job.jobId);
  // An approved plan (an upgrade's, or a rolling service verb's) that said to force the quit at the drain deadline.
  const upgradePlan = job.options?.upgrade?.forceAtDeadline === true;
  const rollingPlan = job.options?.rolling?.forceAtDeadline === true;
  const planned = upgradePlan || rollingPlan;
  const groups = host.groups.filter((g) => config.grace.autoEscalateGroups.includes(g));
  return {
    requestId: job.requestId,
    jobId: job.jobId,
    options: job.options ?? {},
    config: config.grace,
    autoEscalate: planned || groups.length > 0,
    autoEscalateReason: upgradePlan
      ? 'the approved upgrade plan'
      : rollingPlan
        ? 'the rolling plan'
        : `grace.autoEscalateGroups (${groups.join(', ')})`,
    preflight: (progress, deadlineMs) =>
      events.publish({ ...base, type: 'grace.preflight', at: Date.now(), progress, ...(deadlineMs !== undefined ? { deadlineMs } : {}) }),
    progress: (progress) => events.publish({ ...base, type: 'grace.progress', at: Date.now(), progress }),
    milestone: async (progress, milestone, detail) => {
      if (audit && (milestone === 'escalated' || milestone === 'deadline' || milestone === 'exited')) {
        await audit
          .append({
            type: milestone === 'escalated' ? 'grace.escalated' : 'grace.progress',
            actor: `worker:${worker}`,
            requestId: job.requestId,
            correlationId: job.requestId,
            host: job.host,
            verb: job.verb,
            data: {
              jobId: job.jobId,
              milestone,
              ...(detail !== undefined ? { detail } : {}),
              stage: progress.stage,
              clients: progress.clients ?? null,
              forcedOff: progress.forcedOff ?? null,
              dropped: progress.dropped ?? null,
            },
          })
          .catch(() => undefined);
      }
      await events.publish({
        ...base,
        type: 'grace.milestone',
        at: Date.now(),
        progress,
        milestone,
        ...(detail !== undefined ? { detail } : {}),
      });
    },
    deadline: (progress) => events.publish({ ...base, type: 'grace.deadline', at: Date.now(), progress, extendMs: config.grace.extendMs }),
    loadCheckpoint: async () => {
      const raw = await redis.get(ckKey);
      return raw === null ? undefined : (JSON.parse(raw) as GraceCheckpoint);
    },
    saveCheckpoint: async (c) => {
      await redis.set(ckKey, JSON.stringify(c), 'EX', CHECKPOINT_TTL_SECONDS);
    },
    nextDecision: () => control.next(job.jobId),
  };
}
