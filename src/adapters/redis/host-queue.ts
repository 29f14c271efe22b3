import type { Redis } from 'ioredis';
import type { HostJob, QueuePosition } from '../../ports/job-queue-port';
import { parseHostTurn, TAKE_HOST_TURN, type HostTurn } from './host-queue-turn';
import { keys, QUEUE_NAME } from './keys';
import { loadLua } from './lua/load-lua';

export type { HostTurn } from './host-queue-turn';

/** Deletes the host lock if this job holds it (lua/host-lock-release.lua). */
const RELEASE = loadLua('host-lock-release').source;
/** Appends jobs to their hosts' lines, each once (lua/host-queue-enqueue.lua). */
const ENQUEUE = loadLua('host-queue-enqueue').source;
/** Extends the host lock if this job holds it (lua/host-lock-renew.lua). */
const RENEW = loadLua('host-lock-renew').source;

/** How long a cancel flag is kept for the worker that holds the job next. */
const CANCEL_FLAG_SECONDS = 24 * 3600;
/** How many entries of a host's line {@link HostQueue.list} reads. */
const LIST_LIMIT = 50;

/** What guards a chunk of a fan-out's host jobs: its cancel flag and its ledger of hosts queued so far. */
export interface FanOutGuard {
  cancelKey: string;
  ledgerKey: string;
  /** The ledger's length the expander expects (the hosts it knows are queued). */
  expected: number;
  /** How long the ledger is kept after its last chunk. */
  ttlSeconds: number;
}

/** The script's reply (`['queued', ahead...]`) as jobs ahead of each job, by id. */
function aheadOf(jobs: readonly HostJob[], reply: unknown[]): Map<string, number> {
  if (reply[0] !== 'queued') throw new Error(`host-queue-enqueue: unexpected reply ${String(reply[0])}`);
  return new Map(jobs.map((job, i) => [job.jobId, Number(reply[i + 1])]));
}

/** What the queue details keep of a job (for `/srs jobs` and queue positions). */
interface JobInfo {
  verb: HostJob['verb'];
  requestedBy: string;
  enqueuedAt: number;
}

/**
 * The one owner of the per-host job queue: each host's FIFO list of job ids (`srs-chatops:hostq:<host>`), its lock
 * (`srs-chatops:hostlock:<host>`, SET NX PX with the job id as owner token), the jobs' queue details
 * (`srs-chatops:jobinfo`) and their cancel flags. The bot (enqueue, list, cancel) and the worker (turn, renewal,
 * release) both go through it; no other code touches these keys (test/unit/repo/host-queue-owner.test.ts checks it).
 *
 * Jobs for one host run one at a time, in the order they were accepted, whatever the workers.
 */
export class HostQueue {
  /**
   * @param jobKey where BullMQ keeps a job of the verb queue (`queue.toKey(jobId)`): a job it knows is not queued again.
   */
  constructor(
    private readonly redis: Redis,
    private readonly jobKey: (jobId: string) => string = (jobId) => `bull:${QUEUE_NAME}:${jobId}`,
  ) {}

  /**
   * Appends each job to its host's line and records its queue details, in one atomic step (lua/host-queue-enqueue.lua);
   * resolves to the number of jobs ahead of each (by job id). Idempotent: a job already in its line, or already known
   * to BullMQ ({@link jobKey}: taken or run), is not appended again. The script is sent before this returns, so a
   * command issued after the call (BullMQ's `addBulk` on the same connection) reaches Redis after it.
   */
  async enqueue(jobs: readonly HostJob[]): Promise<Map<string, number>> {
    const reply = await this.runEnqueue(jobs, undefined);
    return aheadOf(jobs, reply);
  }

  /**
   * {@link enqueue} for one chunk of a fan-out's host jobs, guarded by the fan-out: refused (`cancelled`) once the
   * fan-out was cancelled, refused (`moved`) when its ledger does not have `expected` hosts (another expander got
   * ahead), otherwise the chunk's hosts are appended to the ledger in the same atomic step.
   */
  async enqueueChunk(
    jobs: readonly HostJob[],
    guard: FanOutGuard,
  ): Promise<{ kind: 'queued'; ahead: Map<string, number> } | { kind: 'cancelled' } | { kind: 'moved'; expanded: number }> {
    const reply = await this.runEnqueue(jobs, guard);
    if (reply[0] === 'cancelled') return { kind: 'cancelled' };
    if (reply[0] === 'moved') return { kind: 'moved', expanded: Number(reply[1]) };
    return { kind: 'queued', ahead: aheadOf(jobs, reply) };
  }

  /**
   * Of these jobs, those in their host's line that BullMQ does not know and nobody cancelled: queued in the line by an
   * expander that died before it added them to BullMQ. One round trip.
   */
  async stranded(jobs: readonly HostJob[]): Promise<HostJob[]> {
    const pipe = this.redis.pipeline();
    for (const job of jobs) pipe.lpos(keys.hostQueue(job.host), job.jobId).exists(this.jobKey(job.jobId)).exists(keys.cancelled(job.jobId));
    const replies = (await pipe.exec()) ?? [];
    return jobs.filter((_, i) => {
      const [pos, known, cancelled] = [replies[3 * i]?.[1], replies[3 * i + 1]?.[1], replies[3 * i + 2]?.[1]];
      return pos !== null && pos !== undefined && Number(known) === 0 && Number(cancelled) === 0;
    });
  }

  /** The script's text is sent each time (EVAL, not EVALSHA): a NOSCRIPT retry would reach Redis after `addBulk`. */
  private async runEnqueue(jobs: readonly HostJob[], guard: FanOutGuard | undefined): Promise<unknown[]> {
    const keyList: string[] = [keys.jobInfo, ...(guard ? [guard.cancelKey, guard.ledgerKey] : [])];
    const args: string[] = [guard ? 'fanout' : 'plain', String(guard?.expected ?? 0), String(guard?.ttlSeconds ?? 0)];
    for (const job of jobs) {
      keyList.push(keys.hostQueue(job.host), this.jobKey(job.jobId));
      const info = { verb: job.verb, requestedBy: job.requestedBy, enqueuedAt: job.enqueuedAt, host: job.host };
      args.push(job.jobId, job.host, JSON.stringify(info));
    }
    return (await this.redis.eval(ENQUEUE, keyList.length, ...keyList, ...args)) as unknown[];
  }

  /**
   * The job's turn on its host (see host-queue-turn.ts): one round trip (EVALSHA, the script loaded on NOSCRIPT)
   * instead of LINDEX, LPOS, SET NX, GET; the FIFO check, the host lock and the cancel flag happen atomically, so no
   * other worker acts in between.
   */
  async takeTurn(host: string, jobId: string, lockTtlMs: number): Promise<HostTurn> {
    return parseHostTurn(
      await TAKE_HOST_TURN.run(this.redis, [keys.hostQueue(host), keys.hostLock(host), keys.cancelled(jobId)], [jobId, String(lockTtlMs)]),
    );
  }

  /** Extends the host lock when `jobId` holds it; false when it does not (any more). */
  async renew(host: string, jobId: string, ttlMs: number): Promise<boolean> {
    return Number(await this.redis.eval(RENEW, 1, keys.hostLock(host), jobId, String(ttlMs))) === 1;
  }

  /**
   * Renews the host lock every third of its time-to-live while the job runs; a failed renewal goes to `onError`.
   * Returns the function that stops it.
   */
  keepLock(host: string, jobId: string, ttlMs: number, onError: (err: unknown) => void): () => void {
    const timer = setInterval(() => {
      this.renew(host, jobId, ttlMs).catch(onError);
    }, ttlMs / 3);
    return () => clearInterval(timer);
  }

  /**
   * Gives up the host lock but keeps the job's place, first in its host's line: a job waiting for something else (a
   * group slot) neither shows as running nor keeps a lease; it takes the lock again when it asks for its turn.
   */
  async unlock(host: string, jobId: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, keys.hostLock(host), jobId);
  }

  /** The job id holding the host lock (the job running on the host), or null. */
  holder(host: string): Promise<string | null> {
    return this.redis.get(keys.hostLock(host));
  }

  /** Takes a job out of its host's line (its queue details stay): a job answered without running, a stale head. */
  async remove(host: string, jobId: string): Promise<void> {
    await this.redis.lrem(keys.hostQueue(host), 1, jobId);
  }

  /** Takes a job out of its host's line and drops its queue details, in one transaction: a job cancelled while queued. */
  async discard(host: string, jobId: string): Promise<void> {
    await this.redis.multi().lrem(keys.hostQueue(host), 1, jobId).hdel(keys.jobInfo, jobId).exec();
  }

  /** The job is done with its host: it leaves the line and the queue details and gives up the lock, in one round trip. */
  async release(host: string, jobId: string): Promise<void> {
    await Promise.all([this.discard(host, jobId), this.redis.eval(RELEASE, 1, keys.hostLock(host), jobId)]);
  }

  /** Flags a queued job as cancelled by `by`: whoever holds the job next answers "cancelled" instead of running it. */
  async markCancelled(jobId: string, by: string): Promise<void> {
    await this.redis.set(keys.cancelled(jobId), by, 'EX', CANCEL_FLAG_SECONDS);
  }

  /**
   * {@link markCancelled} for each of these jobs that is not running on its host (two round trips whatever their number):
   * a job of a cancelled fan-out answers "cancelled" when its turn comes, even one BullMQ receives after the cancel.
   */
  async markCancelledUnlessRunning(jobs: ReadonlyArray<{ host: string; jobId: string }>, by: string): Promise<void> {
    if (jobs.length === 0) return;
    const holders = await this.redis.mget(...jobs.map((j) => keys.hostLock(j.host)));
    const pipe = this.redis.pipeline();
    jobs.forEach((j, i) => {
      if (holders[i] !== j.jobId) pipe.set(keys.cancelled(j.jobId), by, 'EX', CANCEL_FLAG_SECONDS);
    });
    await pipe.exec();
  }

  /** The first jobs of each host's line, the running one marked (two round trips whatever the number of hosts). */
  async list(hosts: readonly string[]): Promise<Map<string, QueuePosition['ahead']>> {
    const out = new Map<string, QueuePosition['ahead']>();
    if (hosts.length === 0) return out;
    const lines = await this.lines(hosts);
    const infos = await this.infos([...new Set(lines.flatMap((l) => l.ids))]);
    hosts.forEach((host, i) => {
      const { ids, running } = lines[i] ?? { ids: [], running: null };
      const ahead: QueuePosition['ahead'] = [];
      for (const jobId of ids) {
        const info = infos.get(jobId);
        if (info === undefined) continue;
        ahead.push({ jobId, verb: info.verb, requestedBy: info.requestedBy, enqueuedAt: info.enqueuedAt, running: running === jobId });
      }
      out.set(host, ahead);
    });
    return out;
  }

  /** Each host's line and lock holder, in one pipeline. */
  private async lines(hosts: readonly string[]): Promise<{ ids: string[]; running: string | null }[]> {
    const pipe = this.redis.pipeline();
    for (const host of hosts) pipe.lrange(keys.hostQueue(host), 0, LIST_LIMIT).get(keys.hostLock(host));
    const replies = (await pipe.exec()) ?? [];
    return hosts.map((_, i) => ({
      ids: (replies[2 * i]?.[1] as string[] | undefined) ?? [],
      running: (replies[2 * i + 1]?.[1] as string | null | undefined) ?? null,
    }));
  }

  /** The queue details of these jobs (those without any are left out). */
  private async infos(ids: readonly string[]): Promise<Map<string, JobInfo>> {
    const out = new Map<string, JobInfo>();
    if (ids.length === 0) return out;
    const raws = await this.redis.hmget(keys.jobInfo, ...ids);
    ids.forEach((id, i) => {
      const raw = raws[i];
      if (raw !== null && raw !== undefined) out.set(id, JSON.parse(raw) as JobInfo);
    });
    return out;
  }
}
