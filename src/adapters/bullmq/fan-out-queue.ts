import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { ChatopsError, ErrorCode } from '../../core/errors';
import { hostJobId } from '../../core/jobs/host-jobs';
import { fanOutJobId, type FanOutJob, type FanOutLine, type FanOutState } from '../../ports/job-queue-port';
import type { HostQueue } from '../redis/host-queue';
import { FANOUT_QUEUE_NAME, keys } from '../redis/keys';

/** How long a fan-out's record of hosts expanded and its cancel flag are kept (as long as a request is). */
export const FANOUT_KEEP_SECONDS = 7 * 24 * 3600;
/** A finished request-level job is kept as long as its record, so its state stays known (few: one per fan-out). */
const KEEP_FINISHED = { age: FANOUT_KEEP_SECONDS, count: 1000 };
/** Tries of an expansion that failed on Redis (a worker that died is not a try: BullMQ stalls the job instead). */
const ATTEMPTS = 5;
/** At most this many lines for `/srs jobs`. */
const LINES_LIMIT = 50;

export type CancelFanOutAnswer = { state: 'cancelled' | 'stopping' | 'expanded' | 'unknown'; expanded: string[] };

/**
 * The request-level jobs of fan-outs (FanOutJob) on their own BullMQ queue, {@link FANOUT_QUEUE_NAME}: queued by the
 * bot (one job whatever the number of hosts), expanded into host jobs by a worker (fan-out-worker.ts), which records
 * each host queued in the fan-out's ledger (`keys.fanOutHosts`). The bot side of JobQueuePort's fan-out methods.
 */
export class FanOutQueue {
  readonly queue: Queue<FanOutJob>;

  constructor(
    private readonly redis: Redis,
    private readonly lines: HostQueue,
  ) {
    this.queue = new Queue<FanOutJob>(FANOUT_QUEUE_NAME, { connection: redis });
    this.queue.on('error', () => undefined); // surfaces through the calls
  }

  /**
   * Queues the request-level job (idempotent by its id) and counts those waiting before it, in one round trip (the
   * count is sent first on the same connection). Rejects with queue_unavailable when Redis cannot take it.
   */
  async enqueue(job: FanOutJob): Promise<{ ahead: number }> {
    if (this.redis.status !== 'ready') throw unavailable('is unavailable right now', undefined);
    try {
      const [waiting] = await Promise.all([
        this.redis.llen(this.queue.keys.wait ?? ''),
        this.queue.add(job.verb, job, {
          jobId: job.jobId,
          attempts: ATTEMPTS,
          backoff: { type: 'exponential', delay: 1000 },
          removeOnComplete: KEEP_FINISHED,
          removeOnFail: KEEP_FINISHED,
        }),
      ]);
      return { ahead: waiting };
    } catch (err) {
      throw unavailable('did not accept the request', err);
    }
  }

  /** Where the request-level job is: waiting (with how many wait before it), expanding, expanded, failed, or gone. */
  async state(requestId: string): Promise<FanOutState> {
    const job = await this.queue.getJob(fanOutJobId(requestId));
    const expanded = () => this.redis.llen(keys.fanOutHosts(requestId));
    // A job gone (kept a while after it ended) that queued host jobs was expanded; none queued: never was.
    const gone = async (): Promise<FanOutState> => {
      const n = await expanded();
      return n > 0 ? { state: 'expanded', expanded: n } : { state: 'unknown' };
    };
    if (!job?.id) return gone();
    const state = await job.getState();
    if (state === 'active') return { state: 'expanding', expanded: await expanded() };
    if (state === 'completed') return { state: 'expanded', expanded: await expanded() };
    if (state === 'failed') return { state: 'failed', reason: job.failedReason || 'the expansion failed', expanded: await expanded() };
    if (state === 'unknown') return gone();
    return { state: 'waiting', ahead: await this.ahead(job.id) };
  }

  /**
   * Cancels a fan-out. Its cancel flag is set and its ledger read in one atomic step: every chunk an expander queues
   * after it is refused, so the hosts returned are all the hosts of the fan-out ever queued. Those not running are
   * flagged cancelled (a job BullMQ receives after this answers "cancelled" when its turn comes). Then its request-level
   * job is removed when it waits (`cancelled`), or left to stop (`stopping`, active), or was done (`expanded`).
   */
  async cancel(requestId: string, by: string): Promise<CancelFanOutAnswer> {
    const replies = await this.redis
      .multi()
      .set(keys.fanOutStop(requestId), by, 'EX', FANOUT_KEEP_SECONDS)
      .lrange(keys.fanOutHosts(requestId), 0, -1)
      .exec();
    const [err, hosts] = replies?.[1] ?? [new Error('no reply'), []];
    if (err) throw err;
    const expanded = hosts as string[];
    await this.lines.markCancelledUnlessRunning(
      expanded.map((host) => ({ host, jobId: hostJobId(requestId, host) })),
      by,
    );
    return { state: await this.stopJob(requestId), expanded };
  }

  /** Fan-outs waiting for or being expanded, oldest first (at most 50), with the hosts expanded so far. */
  async fanOutLines(): Promise<FanOutLine[]> {
    const jobs = await this.queue.getJobs(['active', 'waiting', 'prioritized', 'delayed'], 0, LINES_LIMIT - 1, true);
    const datas = jobs
      .map((j) => j.data)
      .sort((a, b) => a.enqueuedAt - b.enqueuedAt)
      .slice(0, LINES_LIMIT);
    if (datas.length === 0) return [];
    const pipe = this.redis.pipeline();
    for (const d of datas) pipe.llen(keys.fanOutHosts(d.requestId));
    const counts = (await pipe.exec()) ?? [];
    return datas.map((d, i) => ({
      requestId: d.requestId,
      verb: d.verb,
      target: d.target,
      hostCount: d.hostCount,
      requestedBy: d.requestedBy,
      enqueuedAt: d.enqueuedAt,
      expanded: Number(counts[i]?.[1] ?? 0),
    }));
  }

  close(): Promise<void> {
    return this.queue.close();
  }

  /** How many request-level jobs wait before this one (BullMQ takes the wait list from its right end). */
  private async ahead(jobId: string): Promise<number> {
    const wait = this.queue.keys.wait ?? '';
    const replies = (await this.redis.multi().lpos(wait, jobId).llen(wait).exec()) ?? [];
    const pos = replies[0]?.[1];
    const length = Number(replies[1]?.[1] ?? 0);
    return pos === null || pos === undefined ? 0 : Math.max(0, length - 1 - Number(pos));
  }

  /** Removes a waiting request-level job; an active one stops at its next chunk (its flag is set). */
  private async stopJob(requestId: string): Promise<CancelFanOutAnswer['state']> {
    const job = await this.queue.getJob(fanOutJobId(requestId));
    if (!job) return 'unknown';
    const state = await job.getState();
    if (state === 'completed' || state === 'failed') return 'expanded';
    if (state === 'active') return 'stopping';
    if (state === 'unknown') return 'unknown';
    try {
      await job.remove(); // refused (locked) when a worker took it meanwhile
      return 'cancelled';
    } catch {
      return 'stopping';
    }
  }
}

function unavailable(what: string, cause: unknown): ChatopsError {
  return new ChatopsError(ErrorCode.QueueUnavailable, `the job queue (Redis) ${what}; nothing was queued. Try again in a minute.`, {
    retryable: true,
    ...(cause === undefined ? {} : { cause }),
  });
}
