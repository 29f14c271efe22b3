import { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import type { FleetHost } from '../support/fleet';
import { CHANNEL, requestIdOf, startBotHarness, USERS, type BotHarness } from '../support/bot-harness';
import { claimHosts, getTestRun, releaseHosts } from '../support/test-run';
import { waitUntil } from '../support/wait-until';
import { FANOUT_QUEUE_NAME, QUEUE_NAME, keys } from '../../src/adapters/redis/keys';
import { fanOutJobId } from '../../src/ports/job-queue-port';
import { sweep } from '../../src/bot/sweep';
import { pinInventory } from '../../src/bot/pin-inventory';

const DB_FAN_OUT_SMALL = 38;
const DB_FAN_OUT_BIG = 39;

/** Hosts nobody can reach (port 9, the discard port, on a loopback no sshd listens on): only ever accepted here. */
function farHosts(n: number): Array<Record<string, unknown>> {
  return Array.from({ length: n }, (_, i) => ({ name: `far-${i + 1}`, address: '127.0.0.9', port: 9, groups: ['far'] }));
}

/**
 * A read-only fan-out through the real path: the bot queues ONE request-level job (no host job, whatever the count),
 * a worker expands it into host jobs from the snapshot the bot published, and every host answers in one table.
 */
describe('fan-outs accepted as one request-level job (real Redis, sshd, simulator, Slack stand-in)', () => {
  let hosts: FleetHost[];
  let b: BotHarness;

  beforeAll(async () => {
    hosts = await claimHosts(8, { serviceManager: 'initd', version: '6.0.184' });
    b = await startBotHarness(hosts, DB_FAN_OUT_SMALL);
  }, 120_000);

  afterAll(async () => {
    await b?.close();
    releaseHosts(hosts ?? []);
  });

  it('status on 8 hosts: one request-level job, 8 host jobs expanded by the worker, one answer per host', async () => {
    const ack = await b.slash('status all', { user: USERS.viewer });
    expect(ack.body).toContain('Queued `status` on 8 hosts');
    const requestId = requestIdOf(ack);
    const { parent } = await b.finished(requestId, 60_000);
    expect(parent.text).toContain('all (8 hosts)');
    expect(parent.text).toMatch(/done: 8 ok/);
    // The table follows the summary edit.
    await waitUntil(() => b.standin.thread(CHANNEL, parent.ts).length > 0, { timeoutMs: 10_000, description: 'the results table' });
    const results = await b.audit({ requestId, types: ['job.result'] });
    expect(results.map((r) => r.host).sort()).toEqual(hosts.map((h) => h.name).sort());
    const queued = await b.audit({ requestId, types: ['request.queued'] });
    expect(queued).toHaveLength(1);
    expect(queued[0]?.data).toMatchObject({ target: 'all', hosts: 8, fanOut: true });
  }, 90_000);
});

describe('a thousand-host fan-out: the accept path (no worker)', () => {
  let b: BotHarness;
  let redis: Redis;
  const redisUrl = () => `${getTestRun().redisUrl}/${DB_FAN_OUT_BIG}`;

  beforeAll(async () => {
    b = await startBotHarness([], DB_FAN_OUT_BIG, { extra: { hosts: farHosts(1000) } }, { workers: 0, expirySweepMs: 3_600_000 });
    redis = new Redis(redisUrl());
  }, 120_000);

  afterAll(async () => {
    redis?.disconnect();
    await b?.close();
  });

  it('queues one request-level job and no host job; /srs jobs shows it; cancel answers the thread; nothing left behind', async () => {
    const ack = await b.slash('status all', { user: USERS.viewer });
    expect(ack.status).toBe(200);
    expect(ack.body).toContain('Queued `status` on 1000 hosts');
    const requestId = requestIdOf(ack);
    const verbs = new Queue(QUEUE_NAME, { connection: redis });
    const fanOuts = new Queue(FANOUT_QUEUE_NAME, { connection: redis });
    try {
      expect(await verbs.getJobCounts('waiting', 'active', 'delayed', 'prioritized')).toEqual({
        waiting: 0,
        active: 0,
        delayed: 0,
        prioritized: 0,
      });
      const job = await fanOuts.getJob(fanOutJobId(requestId));
      expect(job?.data).toMatchObject({ kind: 'fanout', target: 'all', hostCount: 1000, requestedBy: USERS.viewer });
      // The snapshot the worker will read is in Redis, by the digest the job names.
      expect(await redis.exists(keys.inventorySnapshot(String((job?.data as { inventoryDigest: string }).inventoryDigest)))).toBe(1);
      // No host line was touched.
      expect(await redis.exists(keys.hostQueue('far-1'), keys.hostQueue('far-1000'))).toBe(0);

      const jobs = await b.slash('jobs', { user: USERS.viewer });
      expect(jobs.body).toContain(requestId);
      expect(jobs.body).toContain('waiting for a worker');

      const cancel = await b.slash(`cancel ${requestId}`, { user: USERS.viewer });
      expect(cancel.body).toContain('nothing ran');
      await waitUntil(async () => (await b.audit({ requestId, types: ['request.done'] })).length === 1, {
        timeoutMs: 15_000,
        description: 'request.done',
      });
      expect(await fanOuts.getJob(fanOutJobId(requestId))).toBeUndefined();
      const parent = b.standin.messages(CHANNEL).find((m) => m.text?.includes(requestId));
      expect(parent?.text).toContain('cancelled by');
      const thread = b.standin.thread(CHANNEL, String(parent?.ts));
      expect(thread.map((m) => m.text).join('\n')).toContain('No host was queued');
    } finally {
      await verbs.close();
      await fanOuts.close();
    }
  }, 60_000);

  it('the sweeper queues again a fan-out whose request-level job was lost (a failover that lost the write)', async () => {
    const ack = await b.slash('status far', { user: USERS.viewer });
    const requestId = requestIdOf(ack);
    const fanOuts = new Queue(FANOUT_QUEUE_NAME, { connection: redis });
    try {
      await (await fanOuts.getJob(fanOutJobId(requestId)))?.remove();
      expect(await fanOuts.getJob(fanOutJobId(requestId))).toBeUndefined();
      // Accepted long enough ago for the sweeper to look at it.
      await redis.zadd(keys.fanOutsActive, Date.now() - 60_000, requestId);
      await sweep(pinInventory(b.runtime.deps));
      const again = await fanOuts.getJob(fanOutJobId(requestId));
      expect(again?.data).toMatchObject({ kind: 'fanout', target: 'far', hostCount: 1000 });
      await b.slash(`cancel ${requestId}`, { user: USERS.viewer });
    } finally {
      await fanOuts.close();
    }
  }, 60_000);
});
