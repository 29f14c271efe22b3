import fs from 'node:fs';
import { Redis } from 'ioredis';
import type { RollingConfig } from '../../config/schema';
import { GroupSlots } from '../../src/adapters/redis/group-slots';
import { hostJobs } from '../../src/core/jobs/host-jobs';
import { inventorySnapshot } from '../../src/core/inventory/inventory-snapshot';
import type { JobEvent } from '../../src/ports/job-queue-port';
import type { FleetHost } from '../support/fleet';
import { producerQueue, readEvents, redisUrlForDb, startWorkers } from '../support/queue-harness';
import { claimHosts, getTestRun, releaseHosts } from '../support/test-run';
import { waitUntil } from '../support/wait-until';
import { workerHarness, type WorkerHarness } from '../support/worker-harness';
import { workerPool } from '../support/worker-process';

const DB = 53;

type Started = Extract<JobEvent, { type: 'job.started' }>;
type Result = Extract<JobEvent, { type: 'job.result' }>;
type Waiting = Extract<JobEvent, { type: 'job.waiting' }>;

/** The most intervals open at one moment. */
function maxOverlap(intervals: ReadonlyArray<readonly [number, number]>): number {
  const edges = intervals.flatMap(([a, b]) => [
    [a, 1],
    [b, -1],
  ]);
  edges.sort((x, y) => (x[0] ?? 0) - (y[0] ?? 0) || (x[1] ?? 0) - (y[1] ?? 0)); // an end before a start at the same ms
  let open = 0;
  let most = 0;
  for (const [, d] of edges) most = Math.max(most, (open += d ?? 0));
  return most;
}

/** SRS's log time (`[2026-12-07 13:30:00.123]`, the host's local time) in epoch ms. */
function logTime(line: string): number {
  const m = /^\[(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{3})\]/.exec(line);
  if (!m) return Number.NaN;
  const [y, mo, d, h, mi, s, ms] = m.slice(1).map(Number) as [number, number, number, number, number, number, number];
  return new Date(y, mo - 1, d, h, mi, s, ms).getTime();
}

/**
 * What the host itself logged: each time SRS was down for a restart since `since`, from its quit signal to the new
 * process's "signal installed" (ready). The host's view, not the worker's.
 */
function restartsOnHost(host: FleetHost, since: number): Array<[number, number]> {
  const lines = fs.readFileSync(host.logFile, 'utf8').split('\n');
  const out: Array<[number, number]> = [];
  let down: number | undefined;
  for (const line of lines) {
    const at = logTime(line);
    if (!(at >= since - 1000)) continue;
    if (/user terminate program, fast quit|user start gracefully quit/.test(line) && down === undefined) down = at;
    else if (/signal installed/.test(line) && down !== undefined) {
      out.push([down, at]);
      down = undefined;
    }
  }
  return out;
}

describe('group slots: the take script on real Redis (atomic, FIFO, all or nothing, leases)', () => {
  let redis: Redis;
  let slots: GroupSlots;
  beforeAll(async () => {
    redis = new Redis(redisUrlForDb(DB));
    await redis.flushdb();
    slots = new GroupSlots(redis);
  });
  afterAll(() => redis.disconnect());

  it('2 slots: two jobs take one each, the third waits first in line (reported once), then takes the slot freed', async () => {
    const g = { lua1: 2 };
    expect(await slots.take('j1', 'h1', g, 30000, 60000)).toEqual({ kind: 'acquired' });
    expect(await slots.take('j2', 'h2', g, 30000, 60000)).toEqual({ kind: 'acquired' });
    const wait = await slots.take('j3', 'h3', g, 30000, 60000);
    expect(wait).toEqual({
      kind: 'waiting',
      waits: [
        {
          group: 'lua1',
          limit: 2,
          rank: 0,
          firstReport: true,
          holders: [
            { jobId: 'j1', host: 'h1' },
            { jobId: 'j2', host: 'h2' },
          ],
          ahead: [],
        },
      ],
    });
    const again = await slots.take('j3', 'h3', g, 30000, 60000);
    expect(again.kind === 'waiting' && again.waits[0]?.firstReport).toBe(false);
    // Taken again after a stall: a holder keeps its slot.
    expect(await slots.take('j1', 'h1', g, 30000, 60000)).toEqual({ kind: 'acquired' });
    const line = (await slots.lines(['lua1'])).get('lua1');
    expect(line?.holding.sort((a, b) => a.jobId.localeCompare(b.jobId))).toEqual([
      { jobId: 'j1', host: 'h1' },
      { jobId: 'j2', host: 'h2' },
    ]);
    expect(line?.waiting).toEqual([{ jobId: 'j3', host: 'h3' }]);
    await slots.release('j1', ['lua1']);
    expect(await slots.take('j3', 'h3', g, 30000, 60000)).toEqual({ kind: 'acquired' });
    expect((await slots.lines(['lua1'])).get('lua1')?.waiting).toEqual([]);
  });

  it('FIFO: a slot freed goes to the first in line, even when a later job asks first', async () => {
    const g = { lua2: 1 };
    await slots.take('k1', 'h1', g, 30000, 60000);
    expect((await slots.take('k2', 'h2', g, 30000, 60000)).kind).toBe('waiting');
    const third = await slots.take('k3', 'h3', g, 30000, 60000);
    expect(third.kind === 'waiting' && third.waits[0]).toMatchObject({ rank: 1, ahead: ['k2'] });
    await slots.release('k1', ['lua2']);
    expect((await slots.take('k3', 'h3', g, 30000, 60000)).kind).toBe('waiting');
    expect(await slots.take('k2', 'h2', g, 30000, 60000)).toEqual({ kind: 'acquired' });
  });

  it('all or nothing over several groups: a job blocked in one holds no slot in the other, and nobody overtakes it there', async () => {
    await slots.take('x', 'hx', { luaa: 1 }, 30000, 60000); // a holds its one slot
    const both = await slots.take('ab', 'h1', { luaa: 1, luab: 1 }, 30000, 60000);
    expect(both.kind === 'waiting' && both.waits.map((w) => w.group)).toEqual(['luaa']); // b had room
    expect((await slots.lines(['luab'])).get('luab')?.holding).toEqual([]); // but it took nothing there
    // b's one slot is free, but `ab` asked first: `b` waits behind it.
    const onlyB = await slots.take('b', 'h2', { luab: 1 }, 30000, 60000);
    expect(onlyB.kind === 'waiting' && onlyB.waits[0]).toMatchObject({ group: 'luab', rank: 1, ahead: ['ab'] });
    await slots.release('x', ['luaa']);
    expect(await slots.take('b', 'h2', { luab: 1 }, 30000, 60000)).toMatchObject({ kind: 'waiting' });
    expect(await slots.take('ab', 'h1', { luaa: 1, luab: 1 }, 30000, 60000)).toEqual({ kind: 'acquired' });
    await slots.release('ab', ['luaa', 'luab']);
    expect(await slots.take('b', 'h2', { luab: 1 }, 30000, 60000)).toEqual({ kind: 'acquired' });
  });

  it('a slot not renewed lapses (Redis clock); one renewed does not', async () => {
    const g = { lua3: 1 };
    await slots.take('r1', 'h1', g, 400, 60000);
    expect((await slots.take('r2', 'h2', g, 400, 60000)).kind).toBe('waiting');
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 150));
      expect(await slots.renew('r1', ['lua3'], 400)).toBe(1);
    }
    expect((await slots.take('r2', 'h2', g, 400, 60000)).kind).toBe('waiting');
    await new Promise((r) => setTimeout(r, 600)); // r1's worker "died": no renewal
    expect(await slots.take('r2', 'h2', g, 400, 60000)).toEqual({ kind: 'acquired' });
    expect(await slots.renew('r1', ['lua3'], 400)).toBe(0);
  });

  it('a waiting job that stops asking loses its place when its wait lease lapses', async () => {
    const g = { lua4: 1 };
    await slots.take('w0', 'h0', g, 30000, 60000);
    await slots.take('w1', 'h1', g, 30000, 300);
    const w2 = await slots.take('w2', 'h2', g, 30000, 60000);
    expect(w2.kind === 'waiting' && w2.waits[0]?.rank).toBe(1);
    await new Promise((r) => setTimeout(r, 400));
    const after = await slots.take('w2', 'h2', g, 30000, 60000);
    expect(after.kind === 'waiting' && after.waits[0]?.rank).toBe(0);
  });
});

describe('group concurrency on the simulator fleet with real workers: origins allows 2 hosts changing at once', () => {
  let hosts: FleetHost[];
  let h: WorkerHarness;
  let redis: Redis;
  let queue: Awaited<ReturnType<typeof producerQueue>>['queue'];
  const pool = workerPool();
  const names = ['origin-1', 'origin-2', 'origin-3'];
  /** Fleet host by config name. */
  const fleetHost = (name: string): FleetHost => hosts[names.indexOf(name)] as FleetHost;

  beforeAll(async () => {
    hosts = await claimHosts(3, { serviceManager: 'initd', version: '6.0.184' });
    h = workerHarness(hosts, {
      rename: Object.fromEntries(hosts.map((x, i) => [x.name, names[i] ?? ''])),
      hostExtra: Object.fromEntries(hosts.map((x) => [x.name, { groups: ['origins'] }])),
      extra: {
        rolling: { groups: { origins: { concurrency: 2 } } },
        // Short leases, so a killed worker's slot frees in seconds; a frozen host holds its job's SSH connect.
        worker: { lockDurationMs: 2000, stalledIntervalMs: 1000 },
        ssh: { connectTimeoutMs: 30000 },
      },
    });
    const p = await producerQueue(redisUrlForDb(DB));
    redis = p.redis;
    queue = p.queue;
  }, 60000);
  afterAll(async () => {
    await pool.stopAll();
    for (const x of hosts ?? [])
      await getTestRun()
        .fleet.thawHost(x.name)
        .catch(() => undefined);
    await queue?.close();
    redis?.disconnect();
    await h?.close();
    releaseHosts(hosts);
  });

  /** The jobs the bot would queue for one request (its policy resolves each job's group limits). */
  const jobsFor = (requestId: string, host: string, user: string, rolling: Pick<RollingConfig, 'groups'> = h.config.rolling) =>
    hostJobs(
      requestId,
      [host],
      { verb: 'restart', requestedBy: user, enqueuedAt: Date.now() },
      { snapshot: inventorySnapshot(h.config, { kind: 'config', path: 'test' }, 0), ssh: h.config.ssh, rolling },
    );

  it('3 concurrent restart requests from 3 users: never more than 2 origins restarting, all finish, the third wait reported', async () => {
    await redis.del('srs-chatops:events');
    const workers = startWorkers(h, redisUrlForDb(DB), 2);
    try {
      const since = Date.now();
      const jobs = names.flatMap((name, i) => jobsFor(`rq${i + 1}`, name, `U${i + 1}`));
      expect(jobs.map((j) => j.groupLimits)).toEqual([{ origins: 2 }, { origins: 2 }, { origins: 2 }]);
      await Promise.all(jobs.map((j) => queue.enqueue([j]))); // three requests at once
      await waitUntil(async () => (await readEvents(redis)).filter((e) => e.type === 'job.result').length >= 3, {
        timeoutMs: 60000,
        description: 'the 3 results',
      });
      const events = await readEvents(redis);
      const results = events.filter((e): e is Result => e.type === 'job.result');
      const started = events.filter((e): e is Started => e.type === 'job.started');
      const waiting = events.filter((e): e is Waiting => e.type === 'job.waiting');
      expect(results.map((r) => r.result.outcome)).toEqual(['ok', 'ok', 'ok']);

      // On the hosts: each restarted once, and at no moment were more than 2 of them down for it.
      const onHosts = names.map((n) => restartsOnHost(fleetHost(n), since));
      expect(onHosts.map((r) => r.length)).toEqual([1, 1, 1]);
      expect(maxOverlap(onHosts.flat())).toBeLessThanOrEqual(2);
      // By the jobs' own start and end: 2 at once, never 3.
      const spans = started.map((s) => [s.at, results.find((r) => r.jobId === s.jobId)?.at ?? Infinity] as const);
      expect(maxOverlap(spans)).toBe(2);

      // The third job waited, said so once (its place, the limit, the two hosts changing), and started after a slot freed.
      expect(waiting).toHaveLength(1);
      const [w] = waiting as [Waiting];
      expect(w).toMatchObject({ group: 'origins', limit: 2, position: 1, verb: 'restart' });
      expect([...w.holding].sort()).toEqual(names.filter((n) => n !== w.host).sort());
      const thirdStart = started.find((s) => s.jobId === w.jobId)?.at ?? 0;
      const othersEnd = results.filter((r) => r.jobId !== w.jobId).map((r) => r.at);
      expect(thirdStart).toBeGreaterThanOrEqual(Math.min(...othersEnd));
      expect(Math.max(...started.map((s) => s.at))).toBe(thirdStart);
      expect((await queue.groupLines(['origins'])).get('origins')).toEqual({ group: 'origins', holding: [], waiting: [] });
    } finally {
      await workers.close();
    }
  }, 90000);

  it('a worker killed while holding a slot frees it when the lease lapses; the job waiting for it then runs', async () => {
    await redis.del('srs-chatops:events');
    const one = { groups: { origins: { concurrency: 1 } } }; // the bot's policy now: 1 at once
    const fleet = getTestRun().fleet;
    const doomed = await pool.start(h.config, redisUrlForDb(DB), 'doomed');
    const [held] = jobsFor('rk1', 'origin-1', 'U1', one);
    const [next] = jobsFor('rk2', 'origin-2', 'U2', one);
    if (!held || !next) throw new Error('no jobs');
    await fleet.freezeHost(fleetHost('origin-1').name); // its SSH connect hangs: the job holds its slot meanwhile
    await queue.enqueue([held]);
    await waitUntil(async () => (await queue.groupLines(['origins'])).get('origins')?.holding[0]?.jobId === held.jobId, {
      timeoutMs: 20000,
      description: 'the doomed worker holding the slot',
    });
    await doomed.kill('SIGKILL');
    const killedAt = Date.now();
    const workers = startWorkers(h, redisUrlForDb(DB), 1);
    try {
      await queue.enqueue([next]);
      await waitUntil(async () => (await readEvents(redis)).some((e) => e.type === 'job.result' && e.jobId === next.jobId), {
        timeoutMs: 30000,
        description: "the waiting job's result",
      });
      const events = await readEvents(redis);
      const wait = events.find((e): e is Waiting => e.type === 'job.waiting' && e.jobId === next.jobId);
      expect(wait).toMatchObject({ group: 'origins', limit: 1, position: 1, holding: ['origin-1'] });
      const start = events.find((e): e is Started => e.type === 'job.started' && e.jobId === next.jobId);
      // Not before the dead worker's lease (2 s, last renewed before the kill) lapsed.
      expect(start?.at ?? 0).toBeGreaterThanOrEqual(killedAt);
      expect(events.find((e): e is Result => e.type === 'job.result' && e.jobId === next.jobId)?.result.outcome).toBe('ok');
      // The killed job itself is taken over (stalled) once its host answers again, and runs after the one that waited.
      await fleet.thawHost(fleetHost('origin-1').name);
      await waitUntil(async () => (await readEvents(redis)).some((e) => e.type === 'job.result' && e.jobId === held.jobId), {
        timeoutMs: 40000,
        description: "the killed job's result",
      });
      expect((await queue.groupLines(['origins'])).get('origins')).toEqual({ group: 'origins', holding: [], waiting: [] });
    } finally {
      await fleet.thawHost(fleetHost('origin-1').name).catch(() => undefined);
      await workers.close();
    }
  }, 120000);

  it('a finished job left holding a slot (its worker died after BullMQ was done with it) is cleaned out, not waited for', async () => {
    await redis.del('srs-chatops:events');
    const one = { groups: { origins: { concurrency: 1 } } };
    // A job BullMQ no longer knows holds origins' one slot, with a lease far longer than this test waits.
    expect(await new GroupSlots(redis).take('rgone-origin-9', 'origin-9', { origins: 1 }, 120000, 120000)).toEqual({ kind: 'acquired' });
    const workers = startWorkers(h, redisUrlForDb(DB), 1);
    try {
      const [job] = jobsFor('rg1', 'origin-3', 'U3', one);
      if (!job) throw new Error('no job');
      const t0 = Date.now();
      await queue.enqueue([job]);
      await waitUntil(async () => (await readEvents(redis)).some((e) => e.type === 'job.result' && e.jobId === job.jobId), {
        timeoutMs: 30000,
        description: 'the result of the job behind the stale slot',
      });
      expect(Date.now() - t0).toBeLessThan(30000);
      const events = await readEvents(redis);
      expect(events.find((e): e is Waiting => e.type === 'job.waiting')).toMatchObject({ holding: ['origin-9'], position: 1 });
      expect(events.find((e): e is Result => e.type === 'job.result')?.result.outcome).toBe('ok');
      expect((await queue.groupLines(['origins'])).get('origins')).toEqual({ group: 'origins', holding: [], waiting: [] });
    } finally {
      await workers.close();
    }
  }, 60000);
});
