import type { Queue } from 'bullmq';
import type { HostConfig } from '../../../../config/schema';
import { GroupSlots } from '../../redis/group-slots';
import { HostQueue } from '../../redis/host-queue';
import { JobLedger } from '../../redis/job-ledger';
import { redisOutputStore } from '../../redis/redis-output-store';
import type { OutputStorePort } from '../../../ports/output-store-port';
import type { JobWorkerOptions } from './job-worker-options';
import { inventoryDigest } from '../../../core/inventory/inventory-snapshot';

/** What every step of a job shares: the worker's options and the handles it opened once. */
export interface JobContext {
  readonly opts: JobWorkerOptions;
  /** The per-host job queue (FIFO, host lock, queue details): its one owner. */
  readonly hostQueue: HostQueue;
  /** The per-group limits of hosts changing at once (slots, lines): their one owner. */
  readonly groupSlots: GroupSlots;
  /** The BullMQ queue, to look jobs up. */
  readonly queue: Queue;
  /** Jobs already answered: one handed out again (a completion lost in a failover) is not run twice. */
  readonly ledger: JobLedger;
  /** Where each job's full output is kept. */
  readonly outputs: OutputStorePort;
  /** How often a job waiting for its host looks again. */
  readonly pollMs: number;
  /** Host lock time-to-live, renewed while the job runs. */
  readonly lockTtlMs: number;
  /** This worker's own inventory: only for jobs that carry no host entry (queued by an older bot). */
  readonly hostsByName: ReadonlyMap<string, HostConfig>;
  /** The digest of this worker's own inventory (logged at start; compared with a job's). */
  readonly inventoryDigest: string;
}

/** The context of a worker's jobs, the defaults of its options applied. */
export function jobContext(opts: JobWorkerOptions, queue: Queue): JobContext {
  return {
    opts,
    hostQueue: new HostQueue(opts.redis),
    groupSlots: new GroupSlots(opts.redis),
    queue,
    ledger: new JobLedger(opts.redis),
    outputs: opts.outputs ?? redisOutputStore(opts.redis),
    pollMs: opts.pollMs ?? 100,
    lockTtlMs: opts.lockTtlMs ?? opts.config.worker.lockDurationMs,
    hostsByName: new Map(opts.config.hosts.map((h) => [h.name, h])),
    inventoryDigest: inventoryDigest(opts.config),
  };
}
