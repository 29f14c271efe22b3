import { DelayedError, type Job } from 'bullmq';
import { NAME_PATTERN } from '../../../../config/schema';
import type { HostJob } from '../../../ports/job-queue-port';
import type { GroupWait } from '../../redis/group-slots';
import type { JobContext } from './job-context';
import { jobEventBase } from './job-events';
import { isFinished } from './wait-for-turn';

/** At most this many holders or jobs ahead are looked up per wait (the finished ones are cleaned out). */
const CLEAN_LOOKUPS = 4;

/**
 * The group limits a job carries (`HostJob.groupLimits`, resolved by the bot from its policy), as the worker obeys
 * them: group names as the config allows them, limits whole numbers of at least 1. The worker never reads its own
 * config for them, so a worker with an older config cannot exceed the bot's policy.
 */
export function jobGroupLimits(data: Pick<HostJob, 'groupLimits'>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [group, limit] of Object.entries(data.groupLimits ?? {})) {
    if (!NAME_PATTERN.test(group) || typeof limit !== 'number' || !Number.isFinite(limit)) continue;
    out[group] = Math.max(1, Math.floor(limit));
  }
  return out;
}

/** The groups whose slots a job takes. */
export function groupsOf(data: Pick<HostJob, 'groupLimits'>): string[] {
  return Object.keys(jobGroupLimits(data)).sort();
}

/** How long a job waiting for a group slot keeps its place in line without asking again (it asks every poll). */
export function waitLeaseMs(ctx: Pick<JobContext, 'lockTtlMs' | 'pollMs'>): number {
  return Math.max(10 * ctx.lockTtlMs, 100 * ctx.pollMs, 60_000);
}

/**
 * Once the job has its host's turn: a slot in each of its limited groups, all at once (group-slots-take.ts). Returns
 * when it holds them (at once when it has no limits). Otherwise the job waits without using an attempt (delayed, as
 * for its host's turn), and:
 * - it gives up the host lock but keeps its place first in its host's line. The only jobs held back are later jobs on
 *   the same host, which run after it anyway (per-host FIFO); jobs on other hosts never wait for it, and it shows as
 *   queued, not running, so `/srs cancel` can still take it out;
 * - the first time it waits in a group, it says so (`job.waiting`: its place in line, the hosts changing now);
 * - holders and jobs ahead that BullMQ is done with (their worker died before cleaning up) are taken out, as the wait
 *   for the host's turn does; a holder that is not finished but stopped renewing loses its slot when its lease lapses.
 */
export async function waitForSlots(ctx: JobContext, job: Job<HostJob>, token: string | undefined): Promise<void> {
  const data = job.data;
  const limits = jobGroupLimits(data);
  if (Object.keys(limits).length === 0) return;
  const turn = await ctx.groupSlots.take(data.jobId, data.host, limits, ctx.lockTtlMs, waitLeaseMs(ctx));
  if (turn.kind === 'acquired') return;
  await ctx.hostQueue.unlock(data.host, data.jobId);
  for (const wait of turn.waits.filter((w) => w.firstReport)) await publishWaiting(ctx, data, wait);
  await cleanFinished(ctx, data.jobId, turn.waits);
  await job.moveToDelayed(Date.now() + ctx.pollMs, token);
  throw new DelayedError();
}

/** Publishes that the job waits in a group (best effort: a lost report leaves the wait unsaid, never the job stuck). */
async function publishWaiting(ctx: JobContext, data: HostJob, wait: GroupWait): Promise<void> {
  const { opts } = ctx;
  try {
    await opts.events.publish({
      ...jobEventBase(ctx, data),
      type: 'job.waiting',
      group: wait.group,
      limit: wait.limit,
      position: wait.rank + 1,
      holding: wait.holders.map((h) => h.host),
    });
  } catch (err) {
    opts.logger.warn({ jobId: data.jobId, group: wait.group, err: String(err) }, 'job.waiting event not published');
  }
}

/** Takes the holders and jobs ahead that BullMQ is done with (or no longer knows) out of the groups they were seen in. */
async function cleanFinished(ctx: JobContext, self: string, waits: readonly GroupWait[]): Promise<void> {
  const seen = new Map<string, Set<string>>();
  for (const w of waits) {
    for (const id of [...w.holders.map((h) => h.jobId), ...w.ahead]) {
      if (id !== self) seen.set(id, (seen.get(id) ?? new Set()).add(w.group));
    }
  }
  for (const [jobId, groups] of [...seen].slice(0, CLEAN_LOOKUPS)) {
    if (!(await isFinished(ctx.queue, jobId))) continue;
    const known = (await ctx.queue.getJob(jobId)) as Job<HostJob> | undefined;
    await ctx.groupSlots.release(jobId, [...new Set([...groups, ...(known ? groupsOf(known.data) : [])])]);
  }
}

/**
 * Keeps the job's leases while it runs: the host lock and its group slots, renewed together every third of their
 * time-to-live; a failed renewal (or a slot lease that lapsed meanwhile) goes to `onError`. Returns the function that
 * stops it.
 */
export function keepLeases(ctx: JobContext, data: HostJob, onError: (err: unknown) => void): () => void {
  const groups = groupsOf(data);
  const timer = setInterval(() => {
    ctx.hostQueue.renew(data.host, data.jobId, ctx.lockTtlMs).catch(onError);
    if (groups.length === 0) return;
    ctx.groupSlots
      .renew(data.jobId, groups, ctx.lockTtlMs)
      .then((held) => {
        if (held < groups.length) onError(new Error(`a group slot lease of ${data.jobId} lapsed (${held} of ${groups.length} held)`));
      })
      .catch(onError);
  }, ctx.lockTtlMs / 3);
  return () => clearInterval(timer);
}

/** The job is done with its host and its groups: out of the host's line and lock, and out of its group slots. */
export async function releaseLeases(ctx: JobContext, data: HostJob): Promise<void> {
  await Promise.all([ctx.hostQueue.release(data.host, data.jobId), ctx.groupSlots.release(data.jobId, groupsOf(data))]);
}
