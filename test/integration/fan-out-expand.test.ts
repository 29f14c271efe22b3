import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { BullmqJobQueue } from '../../src/adapters/bullmq/bullmq-job-queue';
import { RedisFanOutExpansion } from '../../src/adapters/bullmq/fan-out-expansion';
import { FANOUT_KEEP_SECONDS } from '../../src/adapters/bullmq/fan-out-queue';
import { startFanOutWorker } from '../../src/adapters/bullmq/fan-out-worker';
import { createLogger } from '../../src/adapters/logger';
import { HostQueue } from '../../src/adapters/redis/host-queue';
import { keys, QUEUE_NAME } from '../../src/adapters/redis/keys';
import { producerConnection, workerConnection } from '../../src/adapters/redis/redis-connection';
import { RedisAuditStore } from '../../src/adapters/redis/redis-audit-store';
import { RedisInventoryStore } from '../../src/adapters/redis/redis-inventory-store';
import { RedisJobEvents } from '../../src/adapters/redis/redis-job-events';
import { inventorySnapshot, type InventorySnapshot } from '../../src/core/inventory/inventory-snapshot';
import { hostJobId } from '../../src/core/jobs/host-jobs';
import type { FanOutExpansionPort } from '../../src/ports/fan-out-expansion-port';
import { fanOutJobId, type FanOutJob, type JobEvent } from '../../src/ports/job-queue-port';
import { expandRequest, failFanOut, type ExpandDeps } from '../../src/worker/fan-out/expand-request';
import type { FleetHost } from '../support/fleet';
import { producerQueue, readEvents, redisUrlForDb, startWorkers, waitForResults } from '../support/queue-harness';
import { claimHosts, releaseHosts } from '../support/test-run';
import { waitUntil } from '../support/wait-until';
import { workerHarness, type WorkerHarness } from '../support/worker-harness';

const DB = 34;
const HOSTS = 20;

/** A fan-out expander as a worker process runs one (src/app/start-worker.ts), its expansion port wrapped by the test. */
function startExpander(
  url: string,
  opts: {
    id: string;
    chunkSize?: number;
    wrap?: (p: FanOutExpansionPort, lines: HostQueue) => FanOutExpansionPort;
    lockDurationMs?: number;
  },
): { close: (force?: boolean) => Promise<void> } {
  const redis = workerConnection(url);
  const auditRedis = producerConnection(url);
  auditRedis.on('error', () => undefined);
  const queue = new BullmqJobQueue(redis);
  const verbs = new Queue(QUEUE_NAME, { connection: redis });
  const real = new RedisFanOutExpansion(redis, queue);
  const base: Omit<ExpandDeps, 'progress'> = {
    inventory: new RedisInventoryStore(redis),
    expansion: opts.wrap ? opts.wrap(real, new HostQueue(redis, (id) => verbs.toKey(id))) : real,
    events: new RedisJobEvents(redis),
    audit: new RedisAuditStore(auditRedis),
    logger: createLogger('test'),
    workerId: opts.id,
    now: Date.now,
    ...(opts.chunkSize === undefined ? {} : { chunkSize: opts.chunkSize }),
  };
  const w = startFanOutWorker({
    redis,
    logger: base.logger,
    expand: (job, progress) => expandRequest({ ...base, progress }, job),
    giveUp: async (job, reason) => void (await failFanOut({ ...base, progress: () => Promise.resolve() }, job, reason)),
    lockDurationMs: opts.lockDurationMs ?? 2000,
    stalledIntervalMs: 1000,
  });
  return {
    close: async (force = false) => {
      await w.close(force);
      await Promise.all([queue.close(), verbs.close()]).catch(() => undefined);
      redis.disconnect();
      auditRedis.disconnect();
    },
  };
}

/** A promise and the function that settles it. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

describe('fan-outs: one request-level job, expanded into host jobs by workers', () => {
  let hosts: FleetHost[];
  let h: WorkerHarness;
  let redis: Redis;
  let queue: BullmqJobQueue;
  let snapshot: InventorySnapshot;
  let names: string[];
  const url = redisUrlForDb(DB);

  const fanOut = (requestId: string, over: Partial<FanOutJob> = {}): FanOutJob => ({
    v: 1,
    kind: 'fanout',
    jobId: fanOutJobId(requestId),
    requestId,
    verb: 'status',
    target: 'all',
    hostCount: names.length,
    inventoryDigest: snapshot.digest,
    ssh: { user: h.config.ssh.user },
    requestedBy: 'U1',
    enqueuedAt: Date.now(),
    ...over,
  });

  /** Every host's FIFO line, and how many verb jobs BullMQ holds for the request (any state). */
  async function queued(requestId: string): Promise<{ lines: Record<string, string[]>; bullmq: number; ledger: string[] }> {
    const lines: Record<string, string[]> = {};
    for (const n of names) lines[n] = await redis.lrange(keys.hostQueue(n), 0, -1);
    const ids = await Promise.all(names.map((n) => redis.exists(`bull:${QUEUE_NAME}:${hostJobId(requestId, n)}`)));
    return { lines, bullmq: ids.reduce((a, b) => a + b, 0), ledger: await redis.lrange(keys.fanOutHosts(requestId), 0, -1) };
  }

  /** Each host's line holds exactly its one job of the request; BullMQ holds one job per host; the ledger each host once. */
  async function expectQueuedOnce(requestId: string, expected = names): Promise<void> {
    const q = await queued(requestId);
    for (const n of names) expect(q.lines[n]).toEqual(expected.includes(n) ? [hostJobId(requestId, n)] : []);
    expect(q.bullmq).toBe(expected.length);
    expect(q.ledger).toEqual(expected);
  }

  async function settled(requestId: string, timeoutMs = 20000): Promise<void> {
    await waitUntil(async () => ['expanded', 'failed'].includes((await queue.fanOutState(requestId)).state), {
      timeoutMs,
      description: `fan-out ${requestId} to be expanded`,
    });
  }

  beforeAll(async () => {
    hosts = await claimHosts(HOSTS);
    h = workerHarness(hosts);
    names = h.config.hosts.map((x) => x.name);
    snapshot = inventorySnapshot(h.config, { kind: 'config', path: '/test.yml' }, Date.now());
    const p = await producerQueue(url);
    redis = p.redis;
    queue = p.queue;
    await redis.flushdb();
    await new RedisInventoryStore(redis).publish(snapshot);
  });
  afterAll(async () => {
    await queue?.close();
    redis?.disconnect();
    await h?.close();
    releaseHosts(hosts);
  });
  beforeEach(async () => {
    const stale = await redis.keys('srs-chatops:hostq:*');
    await redis.del(keys.events, ...stale);
  });

  it('queues in O(1), shows in /srs jobs, cancels a waiting one; real workers give every host exactly one result', async () => {
    const a = fanOut('rfa');
    await expect(queue.enqueueFanOut(a)).resolves.toEqual({ ahead: 0 });
    await queue.enqueueFanOut(a); // the sweeper queueing it again: still one job
    await expect(queue.enqueueFanOut(fanOut('rfb'))).resolves.toEqual({ ahead: 1 });
    expect(await redis.llen(`bull:srs-chatops-fanout:wait`)).toBe(2);
    await expect(queue.fanOutState('rfb')).resolves.toEqual({ state: 'waiting', ahead: 1 });
    await expect(queue.fanOutState('rfa')).resolves.toEqual({ state: 'waiting', ahead: 0 });
    const lines = await queue.fanOutLines();
    expect(lines.map((l) => [l.requestId, l.target, l.hostCount, l.expanded])).toEqual([
      ['rfa', 'all', HOSTS, 0],
      ['rfb', 'all', HOSTS, 0],
    ]);
    await expect(queue.cancelFanOut('rfb', 'U2')).resolves.toEqual({ state: 'cancelled', expanded: [] });
    await expect(queue.fanOutState('rfb')).resolves.toEqual({ state: 'unknown' });
    expect((await queue.fanOutLines()).map((l) => l.requestId)).toEqual(['rfa']);

    const workers = startWorkers(h, url, 2);
    try {
      const events = (await waitForResults(redis, HOSTS, 60000)).filter((e) => e.requestId === 'rfa');
      const results = events.filter((e) => e.type === 'job.result');
      expect(results.map((e) => e.host).sort()).toEqual([...names].sort());
      expect(new Set(results.map((e) => e.jobId)).size).toBe(HOSTS);
      await expect(queue.fanOutState('rfa')).resolves.toEqual({ state: 'expanded', expanded: HOSTS });
      expect(await redis.lrange(keys.fanOutHosts('rfa'), 0, -1)).toEqual(names);
      expect(await redis.ttl(keys.fanOutHosts('rfa'))).toBeGreaterThan(FANOUT_KEEP_SECONDS - 60);
      const audit = await new RedisAuditStore(redis).query({ requestId: 'rfa', types: ['request.expanded'] });
      expect(audit).toHaveLength(1);
      expect(audit[0]?.data).toMatchObject({ outcome: 'expanded', hosts: HOSTS, inventoryDigest: snapshot.digest });
      expect(await queue.fanOutLines()).toEqual([]);
      // Nothing of the cancelled one ever ran.
      expect((await readEvents(redis)).filter((e) => e.requestId === 'rfb')).toEqual([]);
      // Queueing a host job again (a sweeper's retry) adds neither a BullMQ job nor a FIFO entry.
      const again = await queue.enqueue([
        {
          v: 1,
          jobId: hostJobId('rfa', names[0] ?? ''),
          requestId: 'rfa',
          host: names[0] ?? '',
          verb: 'status',
          requestedBy: 'U1',
          enqueuedAt: 1,
        },
      ]);
      expect([...again.ahead.values()]).toEqual([0]);
      expect(await redis.lrange(keys.hostQueue(names[0] ?? ''), 0, -1)).toEqual([]);
      expect(await redis.llen(`bull:${QUEUE_NAME}:wait`)).toBe(0);
    } finally {
      await workers.close();
    }
  }, 90000);

  it('an expander that dies between a chunk FIFO entries and its BullMQ jobs: the retry repairs and resumes, nothing queued twice', async () => {
    let died = false;
    const faulty = startExpander(url, {
      id: 'faulty',
      chunkSize: 5,
      wrap: (real, lines) => ({
        ...bind(real),
        queueChunk: async (requestId, expected, jobs) => {
          if (died || expected < 5) return real.queueChunk(requestId, expected, jobs);
          died = true; // the FIFO entries and the ledger, then the process is gone before BullMQ has the jobs
          await lines.enqueueChunk(jobs, {
            cancelKey: keys.fanOutStop(requestId),
            ledgerKey: keys.fanOutHosts(requestId),
            expected,
            ttlSeconds: 60,
          });
          throw new Error('the worker died');
        },
      }),
    });
    try {
      await queue.enqueueFanOut(fanOut('rfr'));
      await settled('rfr');
      expect(died).toBe(true);
      await expect(queue.fanOutState('rfr')).resolves.toEqual({ state: 'expanded', expanded: HOSTS });
      await expectQueuedOnce('rfr');
      const audit = await new RedisAuditStore(redis).query({ requestId: 'rfr', types: ['request.expanded'] });
      expect(audit).toHaveLength(1);
      expect(audit[0]?.data).toMatchObject({ outcome: 'expanded', resumedFrom: 10 });
    } finally {
      await faulty.close();
    }
    const workers = startWorkers(h, url, 1);
    try {
      const results = (await waitForResults(redis, HOSTS, 60000)).filter((e) => e.requestId === 'rfr' && e.type === 'job.result');
      expect(results.map((e) => e.host).sort()).toEqual([...names].sort());
    } finally {
      await workers.close();
    }
  }, 90000);

  it('an expander whose worker is gone mid-way (stalled): another worker takes the job over and resumes', async () => {
    const hang = gate();
    const first = startExpander(url, {
      id: 'gone',
      chunkSize: 5,
      wrap: (real) => ({
        ...bind(real),
        queueChunk: async (requestId, expected, jobs) => {
          if (expected >= 5) await new Promise<never>(() => hang.open()); // stops here for good
          return real.queueChunk(requestId, expected, jobs);
        },
      }),
    });
    await queue.enqueueFanOut(fanOut('rfs'));
    await hang.wait;
    await first.close(true); // its lock is no longer renewed
    expect(await redis.llen(keys.fanOutHosts('rfs'))).toBe(5);
    const second = startExpander(url, { id: 'second' });
    try {
      await settled('rfs');
      await expectQueuedOnce('rfs');
      // The second worker went on from the hosts the first one recorded (it did not start over).
      const audit = await new RedisAuditStore(redis).query({ requestId: 'rfs', types: ['request.expanded'] });
      expect(audit).toHaveLength(1);
      expect(audit[0]?.data).toMatchObject({ outcome: 'expanded', hosts: HOSTS, resumedFrom: 5, worker: 'second' });
    } finally {
      await second.close();
    }
  }, 60000);

  it('cancel during expansion stops it: the hosts returned are all the hosts it ever queued, flagged cancelled', async () => {
    const paused = gate();
    const resume = gate();
    const expander = startExpander(url, {
      id: 'cancelled',
      chunkSize: 5,
      wrap: (real) => ({
        ...bind(real),
        queueChunk: async (requestId, expected, jobs) => {
          if (expected === 5) {
            paused.open();
            await resume.wait;
          }
          return real.queueChunk(requestId, expected, jobs);
        },
      }),
    });
    try {
      await queue.enqueueFanOut(fanOut('rfc'));
      await paused.wait;
      await expect(queue.fanOutState('rfc')).resolves.toEqual({ state: 'expanding', expanded: 5 });
      expect((await queue.fanOutLines()).map((l) => [l.requestId, l.expanded])).toEqual([['rfc', 5]]);
      const answer = await queue.cancelFanOut('rfc', 'U3');
      expect(answer).toEqual({ state: 'stopping', expanded: names.slice(0, 5) });
      resume.open();
      await settled('rfc');
      await expect(queue.fanOutState('rfc')).resolves.toEqual({ state: 'expanded', expanded: 5 });
      await expectQueuedOnce('rfc', names.slice(0, 5));
      for (const n of names.slice(0, 5)) expect(await redis.get(keys.cancelled(hostJobId('rfc', n)))).toBe('U3');
      // What the bot then does with them: each is removed before it runs.
      for (const n of names.slice(0, 5)) await expect(queue.cancel(hostJobId('rfc', n), 'U3')).resolves.toBe('cancelled');
      const audit = await new RedisAuditStore(redis).query({ requestId: 'rfc', types: ['request.expanded'] });
      expect(audit).toHaveLength(1);
      expect(audit[0]?.data).toMatchObject({ outcome: 'cancelled', expanded: 5, cancelledBy: 'U3' });
      await expect(queue.cancelFanOut('rfc', 'U3')).resolves.toEqual({ state: 'expanded', expanded: names.slice(0, 5) });
    } finally {
      resume.open();
      await expander.close();
    }
  }, 60000);

  it('a fan-out whose inventory snapshot is gone fails for good: fanout.failed, no host job', async () => {
    const expander = startExpander(url, { id: 'nosnap' });
    try {
      await queue.enqueueFanOut(fanOut('rfm', { inventoryDigest: 'e'.repeat(64) }));
      await settled('rfm');
      const state = await queue.fanOutState('rfm');
      expect(state).toMatchObject({ state: 'failed' });
      expect(state.state === 'failed' && state.reason).toMatch(/inventory snapshot eeeeeeeeeeee.* is gone/);
      const failed = (await readEvents(redis)).filter((e): e is Extract<JobEvent, { type: 'fanout.failed' }> => e.type === 'fanout.failed');
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatchObject({
        requestId: 'rfm',
        jobId: 'rfm-fanout',
        host: 'all',
        verb: 'status',
        worker: 'nosnap',
        expanded: 0,
      });
      expect((await queued('rfm')).bullmq).toBe(0);
    } finally {
      await expander.close();
    }
  }, 60000);
});

/** The port's methods bound to it (so a test can replace one and keep the others). */
function bind(p: FanOutExpansionPort): FanOutExpansionPort {
  return {
    expanded: (r) => p.expanded(r),
    queueChunk: (r, e, j) => p.queueChunk(r, e, j),
    repair: (j) => p.repair(j),
    cancelledBy: (r) => p.cancelledBy(r),
  };
}
