import fs from 'node:fs';
import { Redis } from 'ioredis';
import { createLogger } from '../../../src/adapters/logger';
import { keys } from '../../../src/adapters/redis/keys';
import { SlackChat } from '../../../src/adapters/slack/slack-chat';
import { startBotRuntime } from '../../../src/app/bot-runtime';
import { connectClient } from '../../srs-sim/media-client';
import { pidAlive } from '../../support/worker-harness';
import { CHANNEL, requestIdOf, startBotHarness, type BotHarness } from '../../support/bot-harness';
import { recordFault, seeRequests } from '../../support/fault-record';
import type { FleetHost } from '../../support/fleet';
import { claimHosts, releaseHosts } from '../../support/test-run';
import { workerPool, type WorkerProcess } from '../../support/worker-process';

const pidOf = (h: FleetHost) => Number(fs.readFileSync(h.pidFile, 'utf8').trim());
const fastQuits = (h: FleetHost) => (fs.readFileSync(h.logFile, 'utf8').match(/sig=15, user terminate program, fast quit/g) ?? []).length;

async function until<T>(probe: () => Promise<T | undefined>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('faults: a worker killed mid-job, the bot restarted while jobs run', () => {
  let hosts: FleetHost[];
  let b: BotHarness;
  let redis: Redis;
  const workers = workerPool();

  beforeAll(async () => {
    hosts = await claimHosts(3, { serviceManager: 'initd', version: '6.0.184' });
    b = await startBotHarness(
      hosts,
      10,
      {
        rename: Object.fromEntries(hosts.map((h, i) => [h.name, `edge-${i + 1}`])),
        extra: { worker: { lockDurationMs: 3000, stalledIntervalMs: 1000 } },
      },
      { workers: 0 },
    );
    redis = new Redis(b.redisUrl);
    await workers.start(b.config, b.redisUrl, 'proc-1');
  });
  afterAll(async () => {
    await workers.stopAll();
    redis.disconnect();
    await b.close();
    releaseHosts(hosts);
  });

  it("worker SIGKILLed right after a restart's stop: the next worker finishes the restart (start only), never re-sends stop", async () => {
    const h = hosts[0] as FleetHost;
    const oldPid = pidOf(h);
    const stopsBefore = fastQuits(h);
    const t0 = Date.now();
    const id = requestIdOf(await b.slash('restart edge-1'));
    const jobId = `${id}-edge-1`;
    // Killed once the stop reached the host: SRS is going or gone, and the worker may or may not have sent start.
    await until(
      async () =>
        (await redis.get(keys.verbCheckpoint(jobId)))?.includes('"stop"') === true && fastQuits(h) > stopsBefore ? true : undefined,
      20000,
    );
    await (workers.all[0] as WorkerProcess).kill('SIGKILL');
    await workers.start(b.config, b.redisUrl, 'proc-2');
    const { parent, replies } = await b.finished(id, 60000);
    const took = Date.now() - t0;
    expect(took).toBeLessThan(60000);
    expect(parent.text).toMatch(/done: 1 ok/);
    expect(replies[0]?.text).toMatch(
      /restart ok: restart finished by worker proc-2 after proc-1 stopped mid-way: (stop done, start sent now|stop, start done, nothing left to send); restarted: pid \d+ → \d+, running/,
    );
    expect(replies[0]?.text).not.toMatch(/interrupted/);
    expect(fastQuits(h) - stopsBefore).toBe(1);
    expect(pidAlive(pidOf(h))).toBe(true);
    expect(pidOf(h)).not.toBe(oldPid);
    recordFault({ fault: 'worker SIGKILL mid-job', injected: 1, requests: await seeRequests(b, [id]) });
  });

  it('worker SIGKILLed mid-drain of a graceful restart: the next worker follows the quit to its end, then sends the start', async () => {
    const h = hosts[2] as FleetHost;
    const oldPid = pidOf(h);
    await connectClient({ port: h.ports.rtmp, kind: 'play', leaveAfterMs: 6000 });
    const id = requestIdOf(await b.slash('restart edge-3 --graceful'));
    const parent = await b.standin.waitFor((s) => s.messages(CHANNEL).find((m) => m.text.includes(id)), 10000);
    await b.standin.waitFor(() => b.standin.thread(CHANNEL, parent.ts).find((m) => m.text.includes('listeners closed')), 20000);
    await (workers.all.at(-1) as WorkerProcess).kill('SIGKILL');
    await workers.start(b.config, b.redisUrl, 'proc-3');
    const { parent: done, replies } = await b.finished(id, 60000);
    expect(done.text).toMatch(/done: 1 ok/);
    const result = replies.map((r) => r.text).find((t) => t.includes('restart ok')) ?? '';
    expect(result).toMatch(
      /restart ok: graceful restart finished by worker proc-3 after proc-2 stopped mid-way: quit done, start sent now; gracefully restarted/,
    );
    expect(fs.readFileSync(h.logFile, 'utf8').match(/sig=3, user start gracefully quit/g) ?? []).toHaveLength(1);
    expect(pidAlive(oldPid)).toBe(false);
    expect(pidAlive(pidOf(h))).toBe(true);
  });

  it('bot restarted while a job runs: the result still reaches its thread', async () => {
    const id = requestIdOf(await b.slash('restart edge-2'));
    await b.standin.waitFor((s) => s.messages(CHANNEL).find((m) => m.text.includes(id)), 10000);
    await b.runtime.close(); // the bot process goes away mid-job
    await new Promise((r) => setTimeout(r, 3000));
    const again = await startBotRuntime({
      config: b.config,
      chat: new SlackChat(b.app.client),
      redisUrl: b.redisUrl,
      logger: createLogger('test'),
      consumer: 'bot-after-restart',
    });
    try {
      const { parent, replies } = await b.finished(id, 40000);
      expect(parent.text).toMatch(/done: 1 ok/);
      expect(replies.filter((r) => r.text.includes('*edge-2* restart'))).toHaveLength(1);
      recordFault({ fault: 'bot restarted mid-job', injected: 1, requests: await seeRequests(b, [id]) });
    } finally {
      await again.close();
    }
  });
});
