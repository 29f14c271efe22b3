import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { runVerb } from '../../src/worker/verbs/run-verb';
import type { FleetHost } from '../support/fleet';
import { claimHosts, releaseHosts } from '../support/test-run';
import { pidAlive, workerHarness, type WorkerHarness } from '../support/worker-harness';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const sim = require('../srs-sim/install.js') as { breakConfig: (root: string) => void; restoreConfig: (root: string) => void };

function readPid(host: FleetHost): number | undefined {
  try {
    return Number(fs.readFileSync(host.pidFile, 'utf8').trim());
  } catch {
    return undefined;
  }
}

async function waitFor(pred: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (pred()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return pred();
}

describe('worker verbs on real sshd + simulated SRS (init.d)', () => {
  let hosts: FleetHost[];
  let h: WorkerHarness;
  const name = (i: number) => hosts[i]?.name ?? 'missing';

  beforeAll(async () => {
    hosts = await claimHosts(6, { serviceManager: 'initd', version: '6.0.184' });
    h = workerHarness(hosts);
  });
  afterAll(async () => {
    await h.close();
    releaseHosts(hosts);
  });

  it('status tells running, with version, uptime and clients from the API', async () => {
    const r = await runVerb(h.ctx(name(0)), 'status');
    expect(r).toMatchObject({ outcome: 'ok', host: name(0), verb: 'status', after: { state: 'running', apiUp: true, version: '6.0.184' } });
    expect(r.after.pid).toBe(readPid(hosts[0] as FleetHost));
    expect(r.summary).toMatch(/^running \(pid \d+\), SRS 6\.0\.184, up \d+s/);
  });

  it('stop confirms the process is gone; stop again is a no-op (init.d says FAILED, exit 0)', async () => {
    const host = hosts[1] as FleetHost;
    const pid = readPid(host);
    const r = await runVerb(h.ctx(host.name), 'stop');
    expect(r.outcome).toBe('ok');
    expect(r.exitCode).toBe(0);
    // init.d stop waits until `ps -p` no longer finds the pid (the reaper took the zombie), then removes the pid file.
    expect(r.after.state).toBe('stopped');
    expect(r.summary).toBe(`stopped (pid ${pid ?? '?'} gone)`);
    expect(pidAlive(pid)).toBe(false);
    const again = await runVerb(h.ctx(host.name), 'stop');
    expect(again.outcome).toBe('noop');
    expect(again.summary).toMatch(/already stopped/);
  });

  it('status of a stale pid file and of a missing pid file', async () => {
    const host = hosts[1] as FleetHost;
    fs.writeFileSync(host.pidFile, '999999\n');
    expect((await runVerb(h.ctx(host.name), 'status')).after.state).toBe('stale_pid');
    fs.rmSync(host.pidFile, { force: true });
    const r = await runVerb(h.ctx(host.name), 'status');
    expect(r.after.state).toBe('stopped');
    expect(r.summary).toBe('stopped (no pid file)');
  });

  it('a zombie or a recycled pid in the pid file: never "running"; start runs nothing and says what blocks it and how to fix it', async () => {
    const host = hosts[1] as FleetHost;
    const initdStarts = () =>
      h.sent.filter((s) => s.host === host.name && s.line.includes('srs-initd') && s.line.endsWith("'start'")).length;
    const startsBefore = initdStarts();
    // A parent that never reaps its exited child leaves a zombie.
    const parent: ChildProcess = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const zombiePid = await new Promise<number>((resolve) =>
      parent.stdout?.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))),
    );
    await waitFor(() => fs.readFileSync(`/proc/${zombiePid}/status`, 'utf8').includes('State:\tZ'), 3000);
    fs.writeFileSync(host.pidFile, `${zombiePid}\n`);
    try {
      const z = await runVerb(h.ctx(host.name), 'status');
      expect(z.after.state).toBe('zombie');
      expect(z.summary).toBe(
        `stopped (pid ${zombiePid} exited but is a zombie: its parent, pid ${parent.pid ?? '?'} (\`sleep 30\`), has not reaped it; SRS's init.d counts it as running and refuses to start)`,
      );
      expect((await runVerb(h.ctx(host.name), 'stop')).outcome).toBe('noop');
      // start waits (here 1.5 s) for the parent to reap it; it does not, so nothing is started.
      const ctx = h.ctx(host.name);
      const start = await runVerb({ ...ctx, settings: { ...ctx.settings, zombieReapWaitMs: 1500 } }, 'start');
      expect(start).toMatchObject({ outcome: 'failed', errorCode: 'zombie_pid' });
      expect(start.summary).toContain(
        `pid ${zombiePid} (in ${host.pidFile}) exited but is still a zombie after 1.5 s: its parent, pid ${parent.pid ?? '?'} (\`sleep 30\`), has not reaped it`,
      );
      expect(start.summary).toContain(`remove the stale pid file ${host.pidFile}; then \`/srs start ${host.name}\``);
      expect(initdStarts()).toBe(startsBefore);

      // The pid file names a live program that is not SRS (a recycled pid).
      fs.writeFileSync(host.pidFile, `${parent.pid ?? 0}\n`);
      const f = await runVerb(h.ctx(host.name), 'status');
      expect(f.after.state).toBe('foreign_pid');
      expect(f.summary).toBe(
        `stopped (stale pid file: pid ${parent.pid ?? '?'} is now \`sleep 30\`, not SRS; SRS's init.d counts it as running and refuses to start)`,
      );
      const stop = await runVerb(h.ctx(host.name), 'stop');
      expect(stop.outcome).toBe('noop');
      expect(stop.summary).toMatch(/init\.d stop was not run \(it would send SIGTERM to pid \d+, which is not SRS\)/);
      const refused = await runVerb(h.ctx(host.name), 'start');
      expect(refused).toMatchObject({ outcome: 'failed', errorCode: 'foreign_pid' });
      expect(refused.summary).toBe(
        `start FAILED: nothing was started: pid ${parent.pid ?? '?'} in ${host.pidFile} is \`sleep 30\`, not SRS; SRS's init.d counts it as running and refuses to start. The pid file is stale (SRS never removes it after a crash or a graceful quit): remove ${host.pidFile}, then \`/srs start ${host.name}\``,
      );
      expect(initdStarts()).toBe(startsBefore);
      expect(pidAlive(parent.pid)).toBe(true);
    } finally {
      parent.kill('SIGKILL');
      fs.rmSync(host.pidFile, { force: true });
    }
  });

  it('start confirms a live, serving process; start again is a no-op', async () => {
    const host = hosts[1] as FleetHost;
    const r = await runVerb(h.ctx(host.name), 'start');
    expect(r.outcome).toBe('ok');
    expect(r.after).toMatchObject({ state: 'running', apiUp: true });
    expect(pidAlive(r.after.pid)).toBe(true);
    expect(readPid(host)).toBe(r.after.pid);
    const again = await runVerb(h.ctx(host.name), 'start');
    expect(again.outcome).toBe('noop');
  });

  it('a program takes the RTMP port as SRS stops: the stop worked and names it; start then fails on the bind (init.d says OK) and names it too', async () => {
    const host = hosts[2] as FleetHost;
    // Binds the port the moment SRS lets go of it.
    const blocker = net.createServer();
    let bound = false;
    const squat = (): void => {
      blocker.once('error', () => setTimeout(squat, 20));
      blocker.listen(host.ports.rtmp, '127.0.0.1', () => (bound = true));
    };
    squat();
    const held = `port ${host.ports.rtmp} is now held by`;
    try {
      const stopped = await runVerb(h.ctx(host.name), 'stop');
      expect(bound).toBe(true);
      expect(stopped.outcome).toBe('ok');
      expect(stopped.summary).toMatch(
        new RegExp(`^stopped \\(pid \\d+ gone\\); ${held} \\S+ \\(pid ${process.pid}\\): SRS cannot start until it is freed$`),
      );
      const r = await runVerb(h.ctx(host.name), 'start');
      expect(r.exitCode).toBe(0);
      expect(r.output).toMatch(/SRS started\(pid \d+\)/);
      expect(r.outcome).toBe('failed');
      expect(r.summary).toMatch(
        new RegExp(
          `^start FAILED: SRS exited right after starting; port ${host.ports.rtmp} is held by \\S+ \\(pid ${process.pid}\\): SRS cannot start until it is freed; now stopped`,
        ),
      );
      expect(r.evidence.join('\n')).toMatch(/SocketBind/);
      expect(['stale_pid', 'stopped', 'zombie']).toContain(r.after.state);
      expect(pidAlive(readPid(host))).toBe(false);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  it('reload confirms from the log; a broken config is refused and SRS never gets SIGHUP', async () => {
    const host = hosts[3] as FleetHost;
    const ok = await runVerb(h.ctx(host.name), 'reload');
    expect(ok.outcome).toBe('ok');
    expect(ok.evidence.join('\n')).toMatch(/reload config success/);
    const pid = readPid(host);
    const logBefore = fs.readFileSync(host.logFile, 'utf8');
    sim.breakConfig(host.root);
    try {
      const r = await runVerb(h.ctx(host.name), 'reload');
      expect(r.outcome).toBe('refused');
      expect(r.summary).toMatch(/reload REFUSED/);
      expect(r.output).toMatch(/test is failed/);
      await new Promise((res) => setTimeout(res, 1200));
      const newLog = fs.readFileSync(host.logFile, 'utf8').slice(logBefore.length);
      expect(newLog).not.toMatch(/reload config, signo=1/);
      expect(readPid(host)).toBe(pid);
      expect(pidAlive(pid)).toBe(true);
    } finally {
      sim.restoreConfig(host.root);
    }
  });

  it('rotate confirms the log was reopened, after logrotate moved it away', async () => {
    const host = hosts[3] as FleetHost;
    fs.renameSync(host.logFile, `${host.logFile}.1`);
    const r = await runVerb(h.ctx(host.name), 'rotate');
    expect(r.outcome).toBe('ok');
    expect(fs.readFileSync(host.logFile, 'utf8')).toMatch(/reopen log file, signo=10/);
  });

  it('restart: confirmed stop then confirmed start, new pid and new service id', async () => {
    const host = hosts[4] as FleetHost;
    const before = await runVerb(h.ctx(host.name), 'status');
    const r = await runVerb(h.ctx(host.name), 'restart');
    expect(r.outcome).toBe('ok');
    expect(r.after.pid).not.toBe(before.after.pid);
    expect(r.after.serviceId).toBeDefined();
    expect(r.after.serviceId).not.toBe(before.after.serviceId);
    expect(pidAlive(before.after.pid)).toBe(false);
    expect(pidAlive(r.after.pid)).toBe(true);
  });

  it('grace sends SIGQUIT and confirms the quit started; SRS exits and leaves its pid file', async () => {
    const host = hosts[5] as FleetHost;
    const pid = readPid(host);
    const r = await runVerb(h.ctx(host.name), 'grace');
    expect(r.outcome).toBe('ok');
    expect(r.evidence.join('\n')).toMatch(/sig=3, user start gracefully quit/);
    expect(await waitFor(() => !pidAlive(pid), 15000)).toBe(true);
    expect(fs.existsSync(host.pidFile)).toBe(true);
    const after = await runVerb(h.ctx(host.name), 'status');
    expect(['stale_pid', 'zombie']).toContain(after.after.state);
    const again = await runVerb(h.ctx(host.name), 'grace');
    expect(again.outcome).toBe('refused');
  });

  it('reload/rotate when not running are refused, not reported OK', async () => {
    const host = hosts[5] as FleetHost;
    expect((await runVerb(h.ctx(host.name), 'reload')).outcome).toBe('refused');
    expect((await runVerb(h.ctx(host.name), 'rotate')).outcome).toBe('refused');
  });

  it('only allowlisted scripts and config values reach the remote shell', () => {
    expect(h.sent.length).toBeGreaterThan(20);
    for (const { line } of h.sent) expect(line).toMatch(/^timeout -k 2 \d+ 'sh' '-c' '/);
  });
});
