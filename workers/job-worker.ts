import { DelayedError, Queue, QueueEvents, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config/schema';
import type { Logger } from '../src/adapters/logger';
import { HostQueue } from '../src/adapters/redis/host-queue';
import { QUEUE_NAME } from '../src/adapters/redis/keys';
import { isVerb } from '../src/core/verbs';
import { unconfirmedResult, unrunResult, type VerbResult } from '../src/core/verb-result';
import type { HostPort } from '../src/ports/host-port';
import type { HostJob, JobEventPublisher } from '../src/ports/job-queue-port';
import type { AuditPort } from '../src/ports/audit-port';
import { createHash } from 'node:crypto';
import { mutatesHost } from '../src/core/verbs';
import { runVerb } from './verbs/run-verb';
import { redisGraceJob } from './grace/redis-grace-job';
import { redisVerbCheckpoint } from './verb-checkpoint';
import { redisUpgradeJob } from './upgrade/redis-upgrade-job';

/** What the worker needs; the composition root (workers/main.ts) or a test wires it. */
export interface JobWorkerOptions {
  /** A connection with `maxRetriesPerRequest: null` (BullMQ requirement). */
  redis: Redis;
  config: Config;
  hosts: HostPort;
  events: JobEventPublisher;
  logger: Logger;
  /** Identifies this worker process in events and logs. */
  workerId: string;
  /** The audit log: job starts and results (a mutating job is refused when its start cannot be recorded). */
  audit: AuditPort;
  /** How often a job waiting for its host looks again. @defaultValue 100 */
  pollMs?: number;
  /** Host lock time-to-live, renewed while the job runs. @defaultValue 30000 */
  lockTtlMs?: number;
  /** BullMQ lock: a job whose worker died is taken over after this long. @defaultValue config.worker.lockDurationMs */
  lockDurationMs?: number;
  /** How often BullMQ looks for stalled jobs. @defaultValue config.worker.stalledIntervalMs */
  stalledIntervalMs?: number;
}

/** Starts a BullMQ worker running verb jobs: one job at a time per host (FIFO), many hosts in parallel. */
export function startJobWorker(opts: JobWorkerOptions): { worker: Worker<HostJob, VerbResult>; close: (force?: boolean) => Promise<void> } {
  const { redis, config, logger } = opts;
  const pollMs = opts.pollMs ?? 100;
  const lockTtlMs = opts.lockTtlMs ?? config.worker.lockDurationMs;
  const hostQueue = new HostQueue(redis);
  const queue = new Queue(QUEUE_NAME, { connection: redis });
  queue.on('error', (err) => logger.warn({ err: err.message }, 'queue error'));
  const hostsByName = new Map(config.hosts.map((h) => [h.name, h]));

  /**
   * Waits (without using an attempt) until the job is first in its host's FIFO and holds the host lock; returns who
   * cancelled the job meanwhile (null: not cancelled). One round trip when the host is free.
   */
  async function waitForTurn(job: Job<HostJob>, token: string | undefined): Promise<string | null> {
    const data = job.data;
    const turn = await hostQueue.takeTurn(data.host, data.jobId, lockTtlMs);
    if (turn.kind === 'acquired') return turn.cancelledBy;
    if (turn.kind === 'behind' && (await isFinished(queue, turn.head))) {
      await hostQueue.remove(data.host, turn.head);
    }
    await job.moveToDelayed(Date.now() + pollMs, token);
    throw new DelayedError();
  }

  async function process(job: Job<HostJob>, token?: string): Promise<VerbResult> {
    const data = job.data;
    const host = hostsByName.get(data.host);
    if (data.v !== 1 || !(isVerb(data.verb) || (data.verb === 'upgrade' && data.options?.upgrade !== undefined))) {
      throw new UnrecoverableError(`job ${job.id ?? '?'} is not a v1 verb job`);
    }
    if (host === undefined) {
      // The bot and this worker disagree about the inventory: answer the request rather than drop it.
      const result = unrunResult(data.host, data.verb, `this worker (${opts.workerId}) has no host ${data.host} in its inventory; nothing was run. Deploy the same config to bot and workers.`, 'config_invalid');
      await publishResult(data, result);
      await hostQueue.remove(data.host, data.jobId);
      return result;
    }
    const cancelledBy = await waitForTurn(job, token);
    if (cancelledBy !== null) {
      const result = unrunResult(data.host, data.verb, `cancelled by ${cancelledBy} before it ran; nothing was sent to ${data.host}`, 'cancelled');
      await publishResult(data, result);
      await releaseHost(data);
      return result;
    }
    const stopRenewal = hostQueue.keepLock(data.host, data.jobId, lockTtlMs, (err: unknown) => logger.warn({ err: String(err) }, 'lock renew failed'));
    const auditBase = { actor: `worker:${opts.workerId}`, requestId: data.requestId, correlationId: data.requestId, host: data.host, verb: data.verb };
    const startAudit = opts.audit
      .append({ ...auditBase, type: 'job.started', data: { jobId: data.jobId, requestedBy: data.requestedBy, ...(data.options ? { options: data.options } : {}) } })
      .then(
        () => true,
        (err: unknown) => {
          logger.error({ jobId: data.jobId, err: String(err) }, 'audit: job start not recorded');
          return false;
        },
      );
    // A state-changing verb waits until its start is on record (and is refused when it cannot be); a read-only one
    // goes ahead while the record is written: its result record is appended after it, in the same chain order.
    const mutating = mutatesHost(data.verb);
    if (mutating && !(await startAudit)) {
      stopRenewal();
      const result = unrunResult(data.host, data.verb, `not run: the audit log cannot be written (Redis refuses writes?), and every state-changing action must be on record. Nothing was sent to ${data.host}.`, 'audit_unavailable');
      await publishResult(data, result);
      await releaseHost(data);
      return result;
    }
    const transcript: string[] = [];
    try {
      const startedEvent = { v: 1 as const, type: 'job.started' as const, requestId: data.requestId, jobId: data.jobId, host: data.host, verb: data.verb, at: Date.now(), worker: opts.workerId };
      if (mutating) await opts.events.publish(startedEvent);
      else {
        // Read-only: the first SSH bytes do not wait for the event (it still precedes the result in the stream).
        opts.events.publish(startedEvent).catch((err: unknown) => logger.warn({ jobId: data.jobId, err: String(err) }, 'job.started event not published'));
      }
      const result = await runVerb(
        {
          host,
          target: { name: host.name, address: host.address, port: host.port, user: host.user ?? config.ssh.user },
          hosts: opts.hosts,
          settings: config.worker,
          commandTimeoutMs: config.ssh.commandTimeoutMs,
          logger: logger.child({ requestId: data.requestId, jobId: data.jobId }),
          sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
          checkpoint: redisVerbCheckpoint(redis, data.jobId, opts.workerId),
          transcript,
          ...(data.verb === 'grace' || data.verb === 'restart' || data.verb === 'upgrade' ? { grace: redisGraceJob(redis, opts.events, data, host, config, opts.workerId, opts.audit) } : {}),
          ...(data.verb === 'upgrade' && data.options?.upgrade ? { upgrade: redisUpgradeJob(redis, opts.events, data, data.options.upgrade, config.upgrade, opts.workerId) } : {}),
        },
        data.verb,
      );
      logger.info({ host: data.host, verb: data.verb, jobId: data.jobId, requestId: data.requestId, outcome: result.outcome, ms: result.durationMs }, 'verb done');
      const full = transcript.join('\n');
      await startAudit; // settled (never rejects); the result record follows the start record
      await opts.audit
        .append({
          ...auditBase,
          type: result.errorCode === 'interrupted' ? 'job.interrupted' : 'job.result',
          data: {
            jobId: data.jobId,
            requestedBy: data.requestedBy,
            outcome: result.outcome,
            summary: result.summary,
            exitCode: result.exitCode,
            durationMs: result.durationMs,
            stateBefore: result.before.state,
            stateAfter: result.after.state,
            ...(result.errorCode !== undefined ? { errorCode: result.errorCode } : {}),
            outputSha256: createHash('sha256').update(full).digest('hex'),
            outputBytes: Buffer.byteLength(full),
            output: result.output,
            evidence: result.evidence.slice(0, 10),
          },
        })
        .catch((err: unknown) => logger.error({ jobId: data.jobId, err: String(err) }, 'audit: job result not recorded (the action already happened)'));
      await publishResult(data, result);
      return result;
    } finally {
      stopRenewal();
      await releaseHost(data);
    }
  }

  function publishResult(data: HostJob, result: VerbResult): Promise<void> {
    return opts.events.publish({ v: 1, type: 'job.result', requestId: data.requestId, jobId: data.jobId, host: data.host, verb: data.verb, at: Date.now(), worker: opts.workerId, result });
  }

  /** The job leaves its host's FIFO and queue details and gives up the host lock: one round trip. */
  async function releaseHost(data: HostJob): Promise<void> {
    await hostQueue.release(data.host, data.jobId);
  }

  const worker = new Worker<HostJob, VerbResult>(QUEUE_NAME, process, {
    connection: redis,
    concurrency: config.worker.concurrency,
    lockDuration: opts.lockDurationMs ?? config.worker.lockDurationMs,
    stalledInterval: opts.stalledIntervalMs ?? config.worker.stalledIntervalMs,
    maxStalledCount: 2,
  });
  worker.on('error', (err) => logger.warn({ err: err.message }, 'worker error'));
  worker.on('failed', (job, err) => logger.warn({ jobId: job?.id, err: err.message }, 'job failed'));

  // A job that failed for good (an unexpected error, or its workers died too often) still gets a final answer in
  // its thread. Every worker hears the event; the bot posts one answer per host whatever the duplicates.
  const eventsConnection = redis.duplicate();
  const events = new QueueEvents(QUEUE_NAME, { connection: eventsConnection });
  events.on('error', (err) => logger.warn({ err: err.message }, 'queue events error'));
  events.on('failed', ({ jobId, failedReason }) => {
    void answerFailedJob(jobId, failedReason).catch((err: unknown) => logger.error({ jobId, err: String(err) }, 'could not answer a failed job'));
  });
  async function answerFailedJob(jobId: string, reason: string): Promise<void> {
    const job = (await queue.getJob(jobId)) as Job<HostJob> | undefined;
    if (!job || job.data.v !== 1) return;
    const data = job.data;
    const result = unconfirmedResult(data.host, data.verb, `the job failed and was given up: ${reason.slice(0, 200)}. ${data.host}'s state is unconfirmed: run \`/srs status ${data.host}\`.`, 'job_failed');
    await publishResult(data, result);
    await hostQueue.remove(data.host, data.jobId);
  }
  return {
    worker,
    /** Stops taking jobs and waits for active ones (`force`: does not wait; they are taken over after their lock expires). */
    close: async (force = false) => {
      await worker.close(force);
      await events.close();
      eventsConnection.disconnect(); // BullMQ never closes a connection it was given
      await queue.close();
    },
  };
}

async function isFinished(queue: Queue, jobId: string): Promise<boolean> {
  const job = await queue.getJob(jobId);
  if (!job) return true;
  const state = await job.getState();
  return state === 'completed' || state === 'failed' || state === 'unknown';
}
