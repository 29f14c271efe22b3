import fs from 'node:fs';
import { runVerb } from '../../src/worker/verbs/run-verb';
import type { FleetHost } from '../support/fleet';
import { claimHosts, releaseHosts } from '../support/test-run';
import { pidAlive, workerHarness, type WorkerHarness } from '../support/worker-harness';

describe('worker verbs on a systemd host (srs.service, Restart=always)', () => {
  let host: FleetHost;
  let h: WorkerHarness;

  beforeAll(async () => {
    [host] = (await claimHosts(1, { serviceManager: 'systemd' })) as [FleetHost];
    h = workerHarness([host]);
  });
  afterAll(async () => {
    await h.close();
    releaseHosts([host]);
  });

  it('start/stop/restart go through systemctl and are confirmed on the host', async () => {
    const stopped = await runVerb(h.ctx(host.name), 'stop');
    expect(stopped.outcome).toBe('ok');
    expect(h.sent.some((s) => s.line.includes(`'${host.systemctl}' 'stop' 'srs'`))).toBe(true);
    // systemd does not restart a unit stopped through systemctl.
    await new Promise((r) => setTimeout(r, 2500));
    expect((await runVerb(h.ctx(host.name), 'status')).after.state).not.toBe('running');

    const started = await runVerb(h.ctx(host.name), 'start');
    expect(started.outcome).toBe('ok');
    expect(pidAlive(started.after.pid)).toBe(true);

    const restarted = await runVerb(h.ctx(host.name), 'restart');
    expect(restarted.outcome).toBe('ok');
    expect(restarted.after.pid).not.toBe(started.after.pid);
    expect(restarted.after.serviceId).not.toBe(started.after.serviceId);
  });

  it('grace goes through the init.d script; systemd then starts a new SRS', async () => {
    const before = await runVerb(h.ctx(host.name), 'status');
    const r = await runVerb(h.ctx(host.name), 'grace');
    expect(r.outcome).toBe('ok');
    expect(r.summary).toMatch(/systemd/);
    expect(h.sent.some((s) => s.line.includes("'grace'") && s.line.includes('init.d/srs'))).toBe(true);
    const end = Date.now() + 15000;
    let now = before;
    while (Date.now() < end) {
      now = await runVerb(h.ctx(host.name), 'status');
      if (now.after.state === 'running' && now.after.pid !== before.after.pid && now.after.apiUp) break;
      await new Promise((res) => setTimeout(res, 300));
    }
    expect(now.after.pid).not.toBe(before.after.pid);
    expect(now.after.serviceId).not.toBe(before.after.serviceId);
    expect(fs.existsSync(host.pidFile)).toBe(true);
  });
});
