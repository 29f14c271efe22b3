import type { Redis } from 'ioredis';
import type { ChunkOutcome, FanOutExpansionPort } from '../../ports/fan-out-expansion-port';
import type { HostJob } from '../../ports/job-queue-port';
import { keys } from '../redis/keys';
import type { BullmqJobQueue } from './bullmq-job-queue';
import { FANOUT_KEEP_SECONDS } from './fan-out-queue';

/**
 * FanOutExpansionPort on Redis and BullMQ: a chunk goes through the host-job queue (FIFO entries and the fan-out's
 * ledger `keys.fanOutHosts` in one script guarded by `keys.fanOutStop`, then the BullMQ jobs).
 */
export class RedisFanOutExpansion implements FanOutExpansionPort {
  constructor(
    private readonly redis: Redis,
    private readonly jobs: BullmqJobQueue,
  ) {}

  expanded(requestId: string): Promise<string[]> {
    return this.redis.lrange(keys.fanOutHosts(requestId), 0, -1);
  }

  async queueChunk(requestId: string, expected: number, jobs: readonly HostJob[]): Promise<ChunkOutcome> {
    const outcome = await this.jobs.enqueueChunk(jobs, {
      cancelKey: keys.fanOutStop(requestId),
      ledgerKey: keys.fanOutHosts(requestId),
      expected,
      ttlSeconds: FANOUT_KEEP_SECONDS,
    });
    return outcome.kind === 'queued' ? { kind: 'queued' } : outcome;
  }

  repair(jobs: readonly HostJob[]): Promise<number> {
    return this.jobs.repair(jobs);
  }

  cancelledBy(requestId: string): Promise<string | null> {
    return this.redis.get(keys.fanOutStop(requestId));
  }
}
