import { expandFanOut } from '../../core/jobs/expand-fan-out';
import { shortDigest } from '../../core/inventory/inventory-snapshot';
import type { AuditPort } from '../../ports/audit-port';
import type { ExpandOutcome, FanOutExpansionPort } from '../../ports/fan-out-expansion-port';
import type { InventoryStorePort } from '../../ports/inventory-store-port';
import type { FanOutJob, HostJob, JobEventPublisher } from '../../ports/job-queue-port';
import type { Logger } from '../../ports/logger-port';

/** How many host jobs one chunk queues (one Redis script and one BullMQ bulk add each). */
export const DEFAULT_CHUNK_SIZE = 100;
/** How often an expander re-reads the record when another one got ahead of it, before it gives the attempt up. */
const MAX_MOVES = 20;

/** What expanding a fan-out needs (wired by src/adapters/bullmq/fan-out-worker.ts). */
export interface ExpandDeps {
  inventory: Pick<InventoryStorePort, 'load'>;
  expansion: FanOutExpansionPort;
  events: JobEventPublisher;
  audit: AuditPort;
  logger: Logger;
  workerId: string;
  now: () => number;
  /** Records how many hosts are expanded so far (the request-level job's progress). */
  progress: (expanded: number) => Promise<void>;
  /** @defaultValue {@link DEFAULT_CHUNK_SIZE} */
  chunkSize?: number;
}

/**
 * Expands a fan-out's request-level job into its host jobs: the target resolved against the snapshot the bot accepted
 * it with, queued in chunks, each chunk recorded as expanded in the same step. A second attempt (the first one's worker
 * died) resumes after the hosts recorded, so no host job is queued twice; a cancelled fan-out stops at the next chunk.
 * A snapshot that is gone or no longer resolves the target fails the fan-out for good: `fanout.failed` is published.
 * Rejects only on an infrastructure failure (Redis): the job is tried again.
 */
export async function expandRequest(deps: ExpandDeps, job: FanOutJob): Promise<ExpandOutcome> {
  const snapshot = await deps.inventory.load(job.inventoryDigest);
  if (snapshot === undefined)
    return failFanOut(deps, job, `its inventory snapshot ${shortDigest(job.inventoryDigest)} is gone (expired, or never published)`);
  const expansion = expandFanOut(job, snapshot);
  if (!expansion.ok) return failFanOut(deps, job, `its target no longer resolves: ${expansion.reason}`);
  const recorded = await deps.expansion.expanded(job.requestId);
  const resumedFrom = recorded.length;
  if (resumedFrom > 0) await repairLastChunk(deps, expansion.jobs, recorded);
  const queued = await queueChunks(deps, job, expansion.jobs, recorded);
  if (queued.kind === 'cancelled') {
    const by = await deps.expansion.cancelledBy(job.requestId);
    await audit(deps, job, { outcome: 'cancelled', hosts: job.hostCount, expanded: queued.expanded, cancelledBy: by });
    return { kind: 'cancelled', expanded: queued.expanded, by };
  }
  await audit(deps, job, { outcome: 'expanded', hosts: expansion.jobs.length, resumedFrom });
  return { kind: 'expanded', hosts: expansion.jobs.length, queuedNow: queued.queuedNow, resumedFrom };
}

/** The previous attempt may have died between a chunk's two halves: its last chunk's jobs are queued if they are not. */
async function repairLastChunk(deps: ExpandDeps, jobs: readonly HostJob[], recorded: readonly string[]): Promise<void> {
  const last = new Set(recorded.slice(-(deps.chunkSize ?? DEFAULT_CHUNK_SIZE)));
  const repaired = await deps.expansion.repair(jobs.filter((j) => last.has(j.host)));
  if (repaired > 0) deps.logger.warn({ repaired }, 'fan-out: host jobs recorded by a previous attempt but not queued were queued');
}

/** Queues the jobs not yet recorded, chunk by chunk, until done or cancelled. */
async function queueChunks(
  deps: ExpandDeps,
  job: FanOutJob,
  jobs: readonly HostJob[],
  recorded: string[],
): Promise<{ kind: 'done'; queuedNow: number } | { kind: 'cancelled'; expanded: number }> {
  const size = deps.chunkSize ?? DEFAULT_CHUNK_SIZE;
  let done = new Set(recorded);
  let expected = recorded.length;
  let remaining = jobs.filter((j) => !done.has(j.host));
  let queuedNow = 0;
  let moves = 0;
  while (remaining.length > 0) {
    const chunk = remaining.slice(0, size);
    const outcome = await deps.expansion.queueChunk(job.requestId, expected, chunk);
    if (outcome.kind === 'cancelled') return { kind: 'cancelled', expanded: expected };
    if (outcome.kind === 'moved') {
      if (++moves > MAX_MOVES)
        throw new Error(`fan-out ${job.requestId}: another expander keeps getting ahead (${outcome.expanded} hosts)`);
      const now = await deps.expansion.expanded(job.requestId);
      done = new Set(now);
      expected = now.length;
      remaining = jobs.filter((j) => !done.has(j.host));
      continue;
    }
    expected += chunk.length;
    queuedNow += chunk.length;
    remaining = remaining.slice(chunk.length);
    await deps.progress(expected);
  }
  return { kind: 'done', queuedNow };
}

/** Fails the fan-out for good: the bot is told (`fanout.failed`), the audit log records it. */
export async function failFanOut(deps: ExpandDeps, job: FanOutJob, reason: string): Promise<ExpandOutcome> {
  const expanded = (await deps.expansion.expanded(job.requestId)).length;
  await deps.events.publish({
    v: 1,
    type: 'fanout.failed',
    requestId: job.requestId,
    jobId: job.jobId,
    host: job.target,
    verb: job.verb,
    at: deps.now(),
    worker: deps.workerId,
    reason,
    expanded,
  });
  await audit(deps, job, { outcome: 'failed', reason, hosts: job.hostCount, expanded });
  return { kind: 'failed', reason, expanded };
}

/** The fan-out's `request.expanded` record; never rejects (the host jobs are queued already: a failure is logged). */
async function audit(deps: ExpandDeps, job: FanOutJob, data: Record<string, unknown>): Promise<void> {
  await deps.audit
    .append({
      type: 'request.expanded',
      actor: `worker:${deps.workerId}`,
      requestId: job.requestId,
      correlationId: job.requestId,
      verb: job.verb,
      data: { jobId: job.jobId, target: job.target, inventoryDigest: job.inventoryDigest, worker: deps.workerId, ...data },
    })
    .catch((err: unknown) => deps.logger.error({ requestId: job.requestId, err: String(err) }, 'audit: fan-out expansion not recorded'));
}
