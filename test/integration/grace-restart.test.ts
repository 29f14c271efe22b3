import fs from 'node:fs';
import type { FleetHost } from '../support/fleet';
import { CHANNEL, requestIdOf, startBotHarness, type BotHarness } from '../support/bot-harness';
import { claimHosts, releaseHosts } from '../support/test-run';
import { pidAlive } from '../support/worker-harness';
import { workerPool, type WorkerProcess } from '../support/worker-process';
import { connectClient } from '../srs-sim/media-client';
import { recordFault, seeRequests } from '../support/fault-record';

const pidOf = (h: FleetHost) => Number(fs.readFileSync(h.pidFile, 'utf8').trim());

describe('graceful restart, and a worker killed mid-drain', () => {
  let hosts: FleetHost[];
  let sd: FleetHost;
  let b: BotHarness;
  const workers = workerPool();

  beforeAll(async () => {
    hosts = await claimHosts(2, { serviceManager: 'initd', version: '6.0.184' });
    [sd] = (await claimHosts(1, { serviceManager: 'systemd' })) as [FleetHost];
    const all = [...hosts, sd];
    const rename = Object.fromEntries(all.map((h, i) => [h.name, `edge-${i + 1}`]));
    b = await startBotHarness(
      all,
      6,
      { rename, extra: { grace: { pollMs: 400 }, worker: { lockDurationMs: 4000, stalledIntervalMs: 1000 } } },
      { workers: 0 },
    );
    await workers.start(b.config, b.redisUrl, 'proc-1');
  });
  afterAll(async () => {
    await workers.stopAll();
    await b.close();
    releaseHosts([...hosts, sd]);
  });

  it('/srs restart edge-1 --graceful: drains, exits, starts a new process (new service id, same version) that serves', async () => {
    const h = hosts[0] as FleetHost;
    const old = pidOf(h);
    await connectClient({ port: h.ports.rtmp, kind: 'play', leaveAfterMs: 2000 });
    const { parent, replies } = await b.finished(requestIdOf(await b.slash('restart edge-1 --graceful')), 40000);
    expect(parent.text).toMatch(/done: 1 ok/);
    const result = replies.map((r) => r.text).find((t) => t.includes('restart ok'));
    expect(result).toMatch(
      /gracefully restarted \(drained and exited [\d.]+s after SIGQUIT\); new process: running \(pid \d+\), SRS 6\.0\.184/,
    );
    expect(result).toMatch(/new process pid \d+ serves|pid \d+ alive, API answers \(service \w+\)/);
    expect(replies.some((r) => r.text.includes('drained: every client left'))).toBe(true);
    // The old process is a zombie until the reaper takes it; init.d start would refuse then: the start waits it out.
    expect(result).not.toMatch(/should not start it again/);
    expect(pidAlive(old)).toBe(false);
    expect(pidAlive(pidOf(h))).toBe(true);
    expect(pidOf(h)).not.toBe(old);
  });

  it('on a systemd host the quit already restarts SRS: the bot says so and confirms the new process', async () => {
    const old = pidOf(sd);
    const { parent, replies } = await b.finished(requestIdOf(await b.slash('restart edge-3 --graceful')), 40000);
    expect(parent.text).toMatch(/done: 1 ok/);
    const result = replies.map((r) => r.text).find((t) => t.includes('restart ok')) ?? '';
    expect(result).toMatch(/systemd \(Restart=always\) restarts SRS after the quit: confirming its new process, not starting one/);
    expect(result).toMatch(/new process pid \d+ serves \(service \w+, was \w+\)/);
    expect(pidAlive(old)).toBe(false);
  });

  it('a worker SIGKILLed mid-drain: another worker resumes following; SIGQUIT is never sent twice', async () => {
    const h = hosts[1] as FleetHost;
    const old = pidOf(h);
    await connectClient({ port: h.ports.rtmp, kind: 'play', leaveAfterMs: 9000 });
    const id = requestIdOf(await b.slash('grace edge-2'));
    const parent = await b.standin.waitFor((s) => s.messages(CHANNEL).find((m) => m.text.includes(id)), 10000);
    await b.standin.waitFor(() => b.standin.thread(CHANNEL, parent.ts).find((m) => m.text.includes('listeners closed')), 15000);
    await (workers.all[0] as WorkerProcess).kill('SIGKILL');
    await workers.start(b.config, b.redisUrl, 'proc-2');
    const { parent: done, replies } = await b.finished(id, 60000);
    expect(done.text).toMatch(/done: 1 ok/);
    const texts = replies.map((r) => r.text).join('\n');
    expect(texts).toMatch(/resumed following after a worker restart; SIGQUIT not sent again/);
    expect(texts).toMatch(/grace ok: drained and exited/);
    const quits = fs.readFileSync(h.logFile, 'utf8').match(/sig=3, user start gracefully quit/g) ?? [];
    expect(quits).toHaveLength(1);
    recordFault({ fault: 'worker SIGKILL mid-drain', injected: 1, requests: await seeRequests(b, [id]) });
    expect(pidAlive(old)).toBe(false);
  });
});
