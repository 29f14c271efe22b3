import fs from 'node:fs';
import { Redis } from 'ioredis';
import { createLogger } from '../../../src/adapters/logger';
import { keys } from '../../../src/adapters/redis/keys';
import { SlackChat } from '../../../src/adapters/slack/slack-chat';
import { startBotRuntime } from '../../../src/cli/bot-runtime';
import { CHANNEL, requestIdOf, startBotHarness, type BotHarness } from '../../support/bot-harness';
import { recordFault } from '../../support/fault-record';
import type { FleetHost } from '../../support/fleet';
import { claimHosts, releaseHosts } from '../../support/test-run';
import { workerPool, type WorkerProcess } from '../../support/worker-process';

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
    hosts = await claimHosts(2, { serviceManager: 'initd', version: '6.0.184' });
    b = await startBotHarness(hosts, 10, { rename: Object.fromEntries(hosts.map((h, i) => [h.name, `edge-${i + 1}`])), extra: { worker: { lockDurationMs: 3000, stalledIntervalMs: 1000 } } }, { workers: 0 });
    redis = new Redis(b.redisUrl);
    await workers.start(b.config, b.redisUrl, 'proc-1');
  });
  afterAll(async () => {
    await workers.stopAll();
    redis.disconnect();
    await b.close();
    releaseHosts(hosts);
  });

  it('worker SIGKILLed after sending stop (mid-restart): another worker answers "interrupted" with the real state, and never re-sends', async () => {
    const h = hosts[0] as FleetHost;
    const t0 = Date.now();
    const id = requestIdOf(await b.slash('restart edge-1'));
    const jobId = `${id}-edge-1`;
    await until(async () => ((await redis.get(keys.verbCheckpoint(jobId))) !== null ? true : undefined), 20000);
    await (workers.all[0] as WorkerProcess).kill('SIGKILL');
    await workers.start(b.config, b.redisUrl, 'proc-2');
    const { parent, replies } = await b.finished(id, 60000);
    const took = Date.now() - t0;
    expect(took).toBeLessThan(60000);
    expect(parent.text).toMatch(/done: 1 unknown/);
    expect(replies[0]?.text).toMatch(/interrupted: the worker running this job stopped after sending `stop`, so it was not sent again; edge-1 is now (stopped|running)/);
    const log = fs.readFileSync(h.logFile, 'utf8');
    expect((log.match(/sig=15, user terminate program, fast quit/g) ?? []).length).toBeLessThanOrEqual(1);
    recordFault({ fault: 'worker SIGKILL mid-job', injected: 1, survived: true, requestsLost: 0 });
  });

  it('bot restarted while a job runs: the result still reaches its thread', async () => {
    const id = requestIdOf(await b.slash('restart edge-2'));
    await b.standin.waitFor((s) => s.messages(CHANNEL).find((m) => m.text.includes(id)), 10000);
    await b.runtime.close(); // the bot process goes away mid-job
    await new Promise((r) => setTimeout(r, 3000));
    const again = await startBotRuntime({ config: b.config, chat: new SlackChat(b.app.client), redisUrl: b.redisUrl, logger: createLogger('test'), consumer: 'bot-after-restart' });
    try {
      const { parent, replies } = await b.finished(id, 40000);
      expect(parent.text).toMatch(/done: 1 ok/);
      expect(replies.filter((r) => r.text.includes('*edge-2* restart'))).toHaveLength(1);
      recordFault({ fault: 'bot restarted mid-job', injected: 1, survived: true, requestsLost: 0 });
    } finally {
      await again.close();
    }
  });
});
