import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { ChatopsError, ErrorCode } from '../../core/errors';
import type { EnqueueReceipt, HostJob, JobQueuePort, QueuePosition } from '../../ports/job-queue-port';
import { keys, QUEUE_NAME } from '../redis/keys';

/** Completed jobs are kept this long for inspection; the audit log, not the queue, is the history. */
const KEEP_COMPLETED = { age: 3600, count: 5000 };
const KEEP_FAILED = { age: 7 * 24 * 3600 };

/**
 * JobQueuePort on BullMQ. Each job is also appended to its host's FIFO list, which workers honour so that jobs for
 * one host run one at a time, in the order they were accepted.
 */
export class BullmqJobQueue implements JobQueuePort {
  private readonly queue: Queue;

  constructor(private readonly redis: Redis) {
    this.queue = new Queue(QUEUE_NAME, { connection: redis });
    // Errors surface through enqueue(); an 'error' event without a listener would crash the process.
    this.queue.on('error', () => undefined);
  }

  async enqueue(jobs: readonly HostJob[]): Promise<EnqueueReceipt> {
    if (this.redis.status !== 'ready') {
      throw new ChatopsError(ErrorCode.QueueUnavailable, 'the job queue (Redis) is unavailable right now; nothing was queued. Try again in a minute.', { retryable: true });
    }
    try {
      const tx = this.redis.multi();
      for (const job of jobs) {
        tx.rpush(keys.hostQueue(job.host), job.jobId);
        tx.hset(keys.jobInfo, job.jobId, JSON.stringify({ verb: job.verb, requestedBy: job.requestedBy, enqueuedAt: job.enqueuedAt, host: job.host }));
      }
      // One round trip: the FIFO entries and the BullMQ jobs go out together on this one connection, the transaction
      // first, so Redis has every job in its host's line before any worker can take the job.
      const [replies] = await Promise.all([
        tx.exec(),
        this.queue.addBulk(
          jobs.map((job) => ({
            name: job.verb,
            data: job,
            opts: { jobId: job.jobId, removeOnComplete: KEEP_COMPLETED, removeOnFail: KEEP_FAILED },
          })),
        ),
      ]);
      const ahead = new Map<string, number>();
      jobs.forEach((job, i) => {
        const [err, length] = replies?.[2 * i] ?? [new Error('no reply'), 0];
        if (err) throw err;
        ahead.set(job.jobId, Number(length) - 1);
      });
      return { ahead };
    } catch (err) {
      throw new ChatopsError(ErrorCode.QueueUnavailable, 'the job queue (Redis) did not accept the request; nothing will run. Try again in a minute.', {
        retryable: true,
        cause: err,
      });
    }
  }

  async hostQueue(host: string): Promise<QueuePosition['ahead']> {
    return (await this.hostQueues([host])).get(host) ?? [];
  }

  async hostQueues(hosts: readonly string[]): Promise<Map<string, QueuePosition['ahead']>> {
    const out = new Map<string, QueuePosition['ahead']>();
    if (hosts.length === 0) return out;
    const pipe = this.redis.pipeline();
    for (const host of hosts) pipe.lrange(keys.hostQueue(host), 0, 50).get(keys.hostLock(host));
    const replies = (await pipe.exec()) ?? [];
    const lists = hosts.map((_, i) => ({ ids: (replies[2 * i]?.[1] as string[] | undefined) ?? [], running: (replies[2 * i + 1]?.[1] as string | null | undefined) ?? null }));
    const allIds = [...new Set(lists.flatMap((l) => l.ids))];
    const infos = allIds.length === 0 ? [] : await this.redis.hmget(keys.jobInfo, ...allIds);
    const byId = new Map(allIds.map((id, i) => [id, infos[i] ?? null]));
    hosts.forEach((host, i) => {
      const { ids, running } = lists[i] ?? { ids: [], running: null };
      const ahead: QueuePosition['ahead'] = [];
      for (const jobId of ids) {
        const raw = byId.get(jobId);
        if (raw === null || raw === undefined) continue;
        const info = JSON.parse(raw) as { verb: HostJob['verb']; requestedBy: string; enqueuedAt: number };
        ahead.push({ jobId, verb: info.verb, requestedBy: info.requestedBy, enqueuedAt: info.enqueuedAt, running: running === jobId });
      }
      out.set(host, ahead);
    });
    return out;
  }

  async cancel(jobId: string, by: string): Promise<'cancelled' | 'cancelling' | 'running' | 'finished' | 'unknown'> {
    const job = await this.queue.getJob(jobId);
    if (!job) return 'unknown';
    const state = await job.getState();
    if (state === 'completed' || state === 'failed') return 'finished';
    const data = job.data as HostJob;
    if ((await this.redis.get(keys.hostLock(data.host))) === jobId) return 'running';
    // Whoever holds the job next sees this and answers "cancelled" instead of running it.
    await this.redis.set(keys.cancelled(jobId), by, 'EX', 24 * 3600);
    if (state === 'active') return 'cancelling';
    try {
      await job.remove();
    } catch {
      return 'cancelling'; // a worker took it in the meantime: it honours the flag
    }
    await this.redis.multi().lrem(keys.hostQueue(data.host), 1, jobId).hdel(keys.jobInfo, jobId).exec();
    return 'cancelled';
  }

  /** Closes the queue; does not wait more than 2 s on a Redis that is gone. */
  async close(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.queue.close().catch(() => undefined), new Promise((r) => (timer = setTimeout(r, 2000)))]);
    clearTimeout(timer);
  }
}
