import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { ChatopsError, ErrorCode } from '../../core/errors';
import type {
  EnqueueReceipt,
  FanOutJob,
  FanOutLine,
  FanOutState,
  GroupLine,
  HostJob,
  JobQueuePort,
  QueuePosition,
} from '../../ports/job-queue-port';
import { GroupSlots } from '../redis/group-slots';
import { HostQueue, type FanOutGuard } from '../redis/host-queue';
import { QUEUE_NAME } from '../redis/keys';
import { FanOutQueue } from './fan-out-queue';

/** Completed jobs are kept this long for inspection; the audit log, not the queue, is the history. */
const KEEP_COMPLETED = { age: 3600, count: 5000 };
const KEEP_FAILED = { age: 7 * 24 * 3600 };

/**
 * JobQueuePort on BullMQ. Each job is also appended to its host's FIFO list (HostQueue, its one owner), which workers
 * honour so that jobs for one host run one at a time, in the order they were accepted.
 */
export class BullmqJobQueue implements JobQueuePort {
  private readonly queue: Queue;
  /** The per-host FIFO lines, their locks and the jobs' queue details (their one owner). */
  private readonly lines: HostQueue;
  /** The per-group limits of hosts changing at once: slots and lines (their one owner). */
  private readonly groups: GroupSlots;
  /** The request-level jobs of fan-outs (their own queue), created on first use. */
  private fanOuts?: FanOutQueue;

  constructor(private readonly redis: Redis) {
    this.queue = new Queue(QUEUE_NAME, { connection: redis });
    this.lines = new HostQueue(redis, (jobId) => this.queue.toKey(jobId));
    this.groups = new GroupSlots(redis);
    // Errors surface through enqueue(); an 'error' event without a listener would crash the process.
    this.queue.on('error', () => undefined);
  }

  async enqueue(jobs: readonly HostJob[]): Promise<EnqueueReceipt> {
    if (this.redis.status !== 'ready') {
      throw new ChatopsError(
        ErrorCode.QueueUnavailable,
        'the job queue (Redis) is unavailable right now; nothing was queued. Try again in a minute.',
        { retryable: true },
      );
    }
    try {
      // One round trip: the FIFO entries and the BullMQ jobs go out together on this one connection, the FIFO script
      // first, so Redis has every job in its host's line before any worker can take the job.
      const [ahead] = await Promise.all([this.lines.enqueue(jobs), this.addJobs(jobs)]);
      return { ahead };
    } catch (err) {
      throw new ChatopsError(
        ErrorCode.QueueUnavailable,
        'the job queue (Redis) did not accept the request; nothing will run. Try again in a minute.',
        {
          retryable: true,
          cause: err,
        },
      );
    }
  }

  async hostQueue(host: string): Promise<QueuePosition['ahead']> {
    return (await this.hostQueues([host])).get(host) ?? [];
  }

  hostQueues(hosts: readonly string[]): Promise<Map<string, QueuePosition['ahead']>> {
    return this.lines.list(hosts);
  }

  async cancel(jobId: string, by: string): Promise<'cancelled' | 'cancelling' | 'running' | 'finished' | 'unknown'> {
    const job = await this.queue.getJob(jobId);
    if (!job) return 'unknown';
    const state = await job.getState();
    if (state === 'completed' || state === 'failed') return 'finished';
    const data = job.data as HostJob;
    if ((await this.lines.holder(data.host)) === jobId) return 'running';
    // Whoever holds the job next sees this and answers "cancelled" instead of running it.
    await this.lines.markCancelled(jobId, by);
    if (state === 'active') return 'cancelling';
    try {
      await job.remove();
    } catch {
      return 'cancelling'; // a worker took it in the meantime: it honours the flag
    }
    await this.lines.discard(data.host, jobId);
    await this.groups.release(jobId, Object.keys(data.groupLimits ?? {})); // it may have been waiting for a group slot
    return 'cancelled';
  }

  groupLines(groups: readonly string[]): Promise<Map<string, GroupLine>> {
    return this.groups.lines(groups);
  }

  /**
   * Queues one chunk of a fan-out's host jobs, guarded by the fan-out (see HostQueue.enqueueChunk): the FIFO entries and
   * the ledger first, atomically, then, only when the guard let them in, the BullMQ jobs (two round trips).
   */
  async enqueueChunk(
    jobs: readonly HostJob[],
    guard: FanOutGuard,
  ): Promise<{ kind: 'queued'; ahead: Map<string, number> } | { kind: 'cancelled' } | { kind: 'moved'; expanded: number }> {
    const outcome = await this.lines.enqueueChunk(jobs, guard);
    if (outcome.kind === 'queued') await this.addJobs(jobs);
    return outcome;
  }

  /** Queues the jobs of these that sit in their host's line unknown to BullMQ (an expander died in between); how many. */
  async repair(jobs: readonly HostJob[]): Promise<number> {
    const stranded = await this.lines.stranded(jobs);
    if (stranded.length > 0) await this.addJobs(stranded);
    return stranded.length;
  }

  enqueueFanOut(job: FanOutJob): Promise<{ ahead: number }> {
    return this.fanOutQueue().enqueue(job);
  }

  fanOutState(requestId: string): Promise<FanOutState> {
    return this.fanOutQueue().state(requestId);
  }

  cancelFanOut(requestId: string, by: string): Promise<{ state: 'cancelled' | 'stopping' | 'expanded' | 'unknown'; expanded: string[] }> {
    return this.fanOutQueue().cancel(requestId, by);
  }

  fanOutLines(): Promise<FanOutLine[]> {
    return this.fanOutQueue().fanOutLines();
  }

  private fanOutQueue(): FanOutQueue {
    this.fanOuts ??= new FanOutQueue(this.redis, this.lines);
    return this.fanOuts;
  }

  private addJobs(jobs: readonly HostJob[]): Promise<unknown> {
    return this.queue.addBulk(
      jobs.map((job) => ({
        name: job.verb,
        data: job,
        opts: { jobId: job.jobId, removeOnComplete: KEEP_COMPLETED, removeOnFail: KEEP_FAILED },
      })),
    );
  }

  /** Closes the queues; does not wait more than 2 s on a Redis that is gone. */
  async close(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const closing = Promise.all([this.queue.close(), this.fanOuts?.close()]).catch(() => undefined);
    await Promise.race([closing, new Promise((r) => (timer = setTimeout(r, 2000)))]);
    clearTimeout(timer);
  }
}
