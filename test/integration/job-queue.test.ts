import type { Redis } from 'ioredis';
import type { HostJob } from '../../src/ports/job-queue-port';
import { QUEUE_NAME } from '../../src/adapters/redis/keys';
import type { AuditPort } from '../../src/ports/audit-port';
import { ChatopsError, ErrorCode } from '../../src/core/errors';
import type { ServiceVerb } from '../../src/core/verbs';
import type { FleetHost } from '../support/fleet';
import { producerQueue, redisUrlForDb, startWorkers, waitForResults } from '../support/queue-harness';
import { claimHosts, releaseHosts } from '../support/test-run';
import { workerHarness, type WorkerHarness } from '../support/worker-harness';

const DB = 2;

function job(requestId: string, host: string, verb: ServiceVerb, i: number): HostJob {
  return { v: 1, jobId: `${requestId}-${host}-${i}`, requestId, host, verb, requestedBy: 'U1', enqueuedAt: Date.now() };
}

describe('job queue: two workers, per-host FIFO, results back through Redis', () => {
  let hosts: FleetHost[];
  let h: WorkerHarness;
  let redis: Redis;
  let queue: Awaited<ReturnType<typeof producerQueue>>['queue'];

  beforeAll(async () => {
    hosts = await claimHosts(3, { serviceManager: 'initd', version: '6.0.184' });
    h = workerHarness(hosts);
    const p = await producerQueue(redisUrlForDb(DB));
    redis = p.redis;
    queue = p.queue;
    await redis.flushdb();
  });
  afterAll(async () => {
    await queue.close();
    redis.disconnect();
    await h.close();
    releaseHosts(hosts);
  });

  it('ten jobs on one host from two workers never overlap and run in submission order', async () => {
    const workers = startWorkers(h, redisUrlForDb(DB), 2);
    try {
      const host = (hosts[0] as FleetHost).name;
      const verbs: ServiceVerb[] = ['status', 'reload', 'rotate', 'status', 'reload', 'status', 'rotate', 'status', 'reload', 'status'];
      const jobs = verbs.map((v, i) => job('rfifo', host, v, i));
      await queue.enqueue(jobs);
      const events = await waitForResults(redis, 10, 45000);
      const started = events.filter((e) => e.type === 'job.started');
      const results = events.filter((e) => e.type === 'job.result');
      expect(results).toHaveLength(10);
      // In order: starts follow submission order, and each job ends before the next one starts.
      expect(started.map((e) => e.jobId)).toEqual(jobs.map((j) => j.jobId));
      const seq = events.filter((e) => e.jobId.startsWith('rfifo')).map((e) => `${e.type}:${e.jobId}`);
      for (let i = 0; i < jobs.length; i++) {
        expect(seq[2 * i]).toBe(`job.started:${jobs[i]?.jobId}`);
        expect(seq[2 * i + 1]).toBe(`job.result:${jobs[i]?.jobId}`);
      }
      // Both workers took part.
      expect(new Set(results.map((e) => e.worker)).size).toBe(2);
      expect(results.every((e) => e.type === 'job.result' && (e.result.outcome === 'ok' || e.result.outcome === 'noop'))).toBe(true);
      expect(await queue.hostQueue(host)).toEqual([]);
    } finally {
      await workers.close();
    }
  });

  it('many hosts run in parallel; a host job for a host missing from the worker inventory is answered, not dropped', async () => {
    await redis.del('srs-chatops:events');
    const workers = startWorkers(h, redisUrlForDb(DB), 1);
    try {
      const names = hosts.map((x) => x.name);
      const t0 = Date.now();
      await queue.enqueue([...names.map((n, i) => job('rpar', n, 'restart', i)), job('rpar', 'ghost-1', 'status', 9)]);
      const events = await waitForResults(redis, names.length + 1, 45000);
      const results = events.flatMap((e) => (e.type === 'job.result' ? [e.result] : []));
      expect(results).toHaveLength(names.length + 1);
      const ghost = results.find((r) => r.host === 'ghost-1');
      expect(ghost).toMatchObject({ outcome: 'refused' });
      expect(ghost?.summary).toMatch(/no host ghost-1 in its inventory/);
      const restarts = results.filter((r) => r.verb === 'restart');
      expect(restarts.every((r) => r.outcome === 'ok')).toBe(true);
      // Parallel: three restarts (each ~2 s of settle) take far less than three times one.
      const longest = Math.max(...restarts.map((r) => r.durationMs));
      expect(Date.now() - t0).toBeLessThan(longest * 2);
    } finally {
      await workers.close();
    }
  });

  it('audit log unwritable for the worker: a status still runs and answers, a restart is refused before anything is sent', async () => {
    await redis.del('srs-chatops:events');
    const refusing: AuditPort = {
      append: () => Promise.reject(new ChatopsError(ErrorCode.AuditUnavailable, 'audit down (test)')),
      query: () => Promise.resolve([]),
    };
    const workers = startWorkers(h, redisUrlForDb(DB), 1, { audit: () => refusing });
    try {
      const host = (hosts[1] as FleetHost).name;
      const sentBefore = h.sent.length;
      await queue.enqueue([job('raud', host, 'status', 0), job('raud', host, 'restart', 1)]);
      const events = await waitForResults(redis, 2, 30000);
      const results = events.flatMap((e) => (e.type === 'job.result' ? [e.result] : []));
      expect(results.map((r) => [r.verb, r.outcome, r.errorCode])).toEqual([
        ['status', 'ok', undefined],
        ['restart', 'refused', 'audit_unavailable'],
      ]);
      // The status read the host; nothing after it touched the service.
      const lines = h.sent
        .slice(sentBefore)
        .filter((s) => s.host === host)
        .map((s) => s.line);
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.some((l) => /init\.d|systemctl|restart/.test(l))).toBe(false);
      expect(events.filter((e) => e.type === 'job.started').map((e) => e.jobId)).toEqual([`raud-${host}-0`]);
      expect(await queue.hostQueue(host)).toEqual([]);
    } finally {
      await workers.close();
    }
  });

  it('enqueue says how many jobs wait ahead of each new one on its host (the ack needs no second look when all are free)', async () => {
    await redis.flushdb();
    try {
      const [a, b] = hosts.map((x) => x.name) as [string, string];
      const first = await queue.enqueue([job('rq1', a, 'status', 0), job('rq1', b, 'status', 0)]);
      expect([...first.ahead]).toEqual([
        [`rq1-${a}-0`, 0],
        [`rq1-${b}-0`, 0],
      ]);
      const second = await queue.enqueue([job('rq2', a, 'reload', 0), job('rq2', a, 'status', 1)]);
      expect([...second.ahead]).toEqual([
        [`rq2-${a}-0`, 1],
        [`rq2-${a}-1`, 2],
      ]);
      // The FIFO entries and the jobs went out together: every job is in its host's line and in BullMQ.
      expect((await queue.hostQueue(a)).map((q) => q.jobId)).toEqual([`rq1-${a}-0`, `rq2-${a}-0`, `rq2-${a}-1`]);
      for (const id of [`rq1-${a}-0`, `rq1-${b}-0`, `rq2-${a}-0`, `rq2-${a}-1`])
        expect(await redis.hget(`bull:${QUEUE_NAME}:${id}`, 'name')).toMatch(/^(status|reload)$/);
    } finally {
      await redis.flushdb(); // no worker runs these
    }
  });

  it('enqueue fails fast and clearly when Redis is unreachable', async () => {
    const dead = await producerQueue('redis://127.0.0.1:1/0');
    const t0 = Date.now();
    await expect(dead.queue.enqueue([job('rdead', 'x', 'status', 0)])).rejects.toMatchObject({ code: 'queue_unavailable' });
    expect(Date.now() - t0).toBeLessThan(2500);
    await dead.queue.close().catch(() => undefined);
    dead.redis.disconnect();
  });
});
