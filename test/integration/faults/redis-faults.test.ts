import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHANNEL, requestIdOf, startBotHarness, type BotHarness } from '../../support/bot-harness';
import { recordFault, seeRequests } from '../../support/fault-record';
import type { FleetHost } from '../../support/fleet';
import { startWorkers } from '../../support/queue-harness';
import { startRedis, type RedisServer } from '../../support/redis-server';
import { claimHosts, releaseHosts } from '../../support/test-run';

describe('faults: Redis down and restarted', () => {
  let hosts: FleetHost[];
  let server: RedisServer;
  let b: BotHarness;

  beforeAll(async () => {
    hosts = await claimHosts(2, { serviceManager: 'initd', version: '6.0.184' });
    server = await startRedis({ dir: fs.mkdtempSync(path.join(os.tmpdir(), 'redis-fault-')), appendOnly: true });
    b = await startBotHarness(
      hosts,
      0,
      { rename: Object.fromEntries(hosts.map((h, i) => [h.name, `edge-${i + 1}`])) },
      { workers: 0, redisUrl: server.url },
    );
  });
  afterAll(async () => {
    await b.close();
    await server.stop();
    releaseHosts(hosts);
  });

  it('accepted requests survive a Redis crash and restart; while it is down, commands get a clear answer within 3 s', async () => {
    const ids = [requestIdOf(await b.slash('restart edge-1')), requestIdOf(await b.slash('status edge-2'))];
    await b.standin.waitFor((s) => (ids.every((id) => s.messages(CHANNEL).some((m) => m.text.includes(id))) ? true : undefined), 10000);
    await server.kill('SIGKILL');
    const down = await b.slash('status edge-1');
    expect(down.status).toBe(200);
    expect(down.ms).toBeLessThan(3000);
    expect((JSON.parse(down.body) as { text: string }).text).toMatch(/job queue \(Redis\) is not reachable/);
    await server.restart();
    const workers = startWorkers(b.worker, server.url, 1);
    try {
      for (const id of ids) {
        const { parent } = await b.finished(id, 40000);
        expect(parent.text).toMatch(/done: 1 ok/);
      }
      // The requests accepted before the crash; the command sent while Redis was down was refused (asserted above).
      const requests = await seeRequests(b, ids);
      recordFault({ fault: 'Redis crash + restart (AOF)', injected: 1, requests });
      recordFault({ fault: 'Redis down: new command answered < 3 s', injected: 1, requests });
    } finally {
      await workers.close();
    }
  });
});
