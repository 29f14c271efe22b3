import type { Redis } from 'ioredis';
import { BullmqJobQueue } from '../../src/adapters/bullmq/bullmq-job-queue';
import { createLogger } from '../../src/adapters/logger';
import { producerConnection, whenReady, workerConnection } from '../../src/adapters/redis/redis-connection';
import { RedisJobEvents } from '../../src/adapters/redis/redis-job-events';
import { RedisAuditStore } from '../../src/adapters/redis/redis-audit-store';
import { keys } from '../../src/adapters/redis/keys';
import type { JobEvent } from '../../src/ports/job-queue-port';
import type { AuditPort } from '../../src/ports/audit-port';
import { startWorker } from '../../src/app/start-worker';
import type { WorkerHarness } from './worker-harness';
import { getTestRun } from './test-run';

/**
 * The run's Redis is shared by every test file, and BullMQ queue names are fixed: each test file gets its own Redis
 * database (`db`), so queues, locks and event streams never mix.
 */
export function redisUrlForDb(db: number): string {
  return `${getTestRun().redisUrl}/${db}`;
}

/**
 * Starts `n` worker processes' worth of job workers (each with its own connection) over a harness's hosts; `audit`
 * replaces the audit log (default: the real one in the same Redis).
 */
export function startWorkers(
  h: WorkerHarness,
  redisUrl: string,
  n: number,
  opts: { audit?: () => AuditPort } = {},
): { close: () => Promise<void>; connections: Redis[] } {
  const connections: Redis[] = [];
  const workers = Array.from({ length: n }, (_, i) => {
    const redis = workerConnection(redisUrl);
    const auditRedis = producerConnection(redisUrl);
    auditRedis.on('error', () => undefined);
    connections.push(redis, auditRedis);
    return startWorker({
      redis,
      config: h.config,
      hosts: h.ssh,
      events: new RedisJobEvents(redis),
      logger: createLogger('test'),
      workerId: `w${i + 1}`,
      pollMs: 50,
      audit: opts.audit ? opts.audit() : new RedisAuditStore(auditRedis),
    });
  });
  return {
    connections,
    close: async () => {
      // A test that left a drain running must not hang the teardown: wait 5 s for active jobs, then force.
      // A close that hangs is cut at 5 s; the timer never outlives the close (jest would wait for it).
      await Promise.all(
        workers.map(async (w) => {
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([w.close(), new Promise((r) => (timer = setTimeout(r, 5000)))]);
          clearTimeout(timer);
        }),
      );
      await Promise.all(workers.map((w) => w.close(true)));
      for (const c of connections) c.disconnect();
    },
  };
}

/** A producer-side queue on a db, connected (or given up on after 2 s). */
export async function producerQueue(redisUrl: string): Promise<{ queue: BullmqJobQueue; redis: Redis }> {
  const redis = producerConnection(redisUrl);
  redis.on('error', () => undefined);
  await whenReady(redis, 2000);
  return { queue: new BullmqJobQueue(redis), redis };
}

/** Reads every job event published so far. */
export async function readEvents(redis: Redis): Promise<JobEvent[]> {
  const entries = await redis.xrange(keys.events, '-', '+');
  return entries.map(([, fields]) => JSON.parse(fields[1] ?? '{}') as JobEvent);
}

/** Waits until `count` result events exist. */
export async function waitForResults(redis: Redis, count: number, timeoutMs: number): Promise<JobEvent[]> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const events = await readEvents(redis);
    if (events.filter((e) => e.type === 'job.result').length >= count || Date.now() > end) return events;
    await new Promise((r) => setTimeout(r, 100));
  }
}
