import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { runDoctor } from '../../../src/cli/doctor/run-doctor';
import { runVerb } from '../../../src/worker/verbs/run-verb';
import type { FleetHost } from '../../support/fleet';
import { allocatePort } from '../../support/free-port';
import { mediaDriverFor, type MediaDriver } from '../../support/media';
import { claimHosts, getTestRun, releaseHosts } from '../../support/test-run';
import { workerHarness, type WorkerHarness } from '../../support/worker-harness';
import {
  alive,
  breakConfig,
  foreignProcess,
  pidOf,
  portSquatter,
  setRtmpPort,
  stopAll,
  writePidFile,
  zombieProcess,
} from './host-fixtures';

/**
 * The service verbs, running and stopped, and their failure cases, through the worker's own verb engine (runVerb over
 * the pooled SSH adapter, real sshd). Defined once; `verbs.sim.test.ts` runs it against simulator hosts and
 * `verbs.real.test.ts` against real SRS: the same cases and assertions, only the host differs.
 */
export function describeVerbConformance(engine: 'sim' | 'real'): void {
  describe(`service verbs on ${engine === 'real' ? 'real SRS' : 'the simulator'} (6.0.157, init.d, real sshd)`, () => {
    let hosts: FleetHost[];
    let h: WorkerHarness;
    let media: MediaDriver;
    const host = (i: number) => hosts[i] as FleetHost;
    const run = (i: number, verb: Parameters<typeof runVerb>[1]) => runVerb(h.ctx(host(i).name), verb);

    beforeAll(async () => {
      hosts = await claimHosts(3, { engine, version: '6.0.157' });
      h = workerHarness(hosts);
      media = mediaDriverFor(engine);
    });
    afterEach(async () => {
      await media.closeAll();
      await stopAll();
    });
    afterAll(async () => {
      await h.close();
      releaseHosts(hosts);
    });

    it('status of a running SRS: pid, version and the clients connected now, publishers apart', async () => {
      await getTestRun().fleet.resetHost(host(0).name);
      await media.connect(host(0), { kind: 'publish', stream: 'live/a' });
      await media.connect(host(0), { kind: 'play', stream: 'live/a' });
      await media.connect(host(0), { kind: 'flv', stream: 'live/a' });
      const r = await run(0, 'status');
      expect(r.outcome).toBe('ok');
      expect(r.after).toMatchObject({ state: 'running', apiUp: true, version: '6.0.157', pid: pidOf(host(0)), clients: 2, publishers: 1 });
      expect(r.summary).toMatch(/2 players, 1 publisher\b/);
    });

    it('every verb on a running SRS, then on a stopped one', async () => {
      const i = 1;
      await getTestRun().fleet.resetHost(host(i).name);
      const first = await run(i, 'status');
      expect(first.after.state).toBe('running');

      const reload = await run(i, 'reload');
      expect(reload.outcome).toBe('ok');
      expect(reload.evidence.join('\n')).toMatch(/reload config success/);

      const rotate = await run(i, 'rotate');
      expect(rotate.outcome).toBe('ok');

      const restart = await run(i, 'restart');
      expect(restart.outcome).toBe('ok');
      expect(restart.after.pid).not.toBe(first.after.pid);
      expect(restart.after.serviceId).not.toBe(first.after.serviceId);
      expect(alive(restart.after.pid)).toBe(true);

      const start = await run(i, 'start');
      expect(start.outcome).toBe('noop');

      const stop = await run(i, 'stop');
      expect(stop.outcome).toBe('ok');
      expect(alive(restart.after.pid)).toBe(false);

      const status = await run(i, 'status');
      expect(status.outcome).toBe('ok');
      expect(['stopped', 'stale_pid']).toContain(status.after.state);
      expect(status.after.apiUp).toBe(false);

      expect((await run(i, 'stop')).outcome).toBe('noop');
      expect((await run(i, 'reload')).outcome).toBe('refused');
      expect((await run(i, 'rotate')).outcome).toBe('refused');

      const started = await run(i, 'start');
      expect(started.outcome).toBe('ok');
      expect(started.after).toMatchObject({ state: 'running', apiUp: true });
      expect(pidOf(host(i))).toBe(started.after.pid);

      await run(i, 'stop');
      const restarted = await run(i, 'restart');
      expect(restarted.outcome).toBe('ok');
      expect(restarted.after.state).toBe('running');
    });

    it('start with the RTMP port taken: init.d says OK, the bot says FAILED and names the process holding the port', async () => {
      const i = 2;
      await getTestRun().fleet.resetHost(host(i).name);
      expect((await run(i, 'stop')).outcome).toBe('ok');
      const squatter = portSquatter(host(i).ports.rtmp);
      await squatter.bound;
      const r = await run(i, 'start');
      expect(r.exitCode).toBe(0);
      expect(r.outcome).toBe('failed');
      expect(r.evidence.join('\n')).toMatch(/SocketBind/);
      expect(r.summary).toContain(String(host(i).ports.rtmp));
      expect(`${r.summary}\n${r.evidence.join('\n')}`).toContain(`pid ${squatter.pid}`);
      expect(alive(pidOf(host(i)))).toBe(false);
    });

    it("a broken config: reload is refused with SRS's own error and SRS never gets SIGHUP; start fails and says where to look", async () => {
      const i = 2;
      await getTestRun().fleet.resetHost(host(i).name);
      const pid = pidOf(host(i));
      const logBefore = fs.readFileSync(host(i).logFile, 'utf8').length;
      const restore = breakConfig(host(i));
      try {
        const reload = await run(i, 'reload');
        expect(reload.outcome).toBe('refused');
        expect(reload.output).toMatch(/test is failed/);
        expect(fs.readFileSync(host(i).logFile, 'utf8').slice(logBefore)).not.toMatch(/reload config, signo=1/);
        expect(alive(pid)).toBe(true);
        expect((await run(i, 'stop')).outcome).toBe('ok');
        const start = await run(i, 'start');
        expect(start.outcome).toBe('failed');
        expect(start.output).toMatch(/SRS start failed/);
        // SRS says why in the launcher's output file only (objs/srs.log.sys): the bot quotes it.
        expect(start.summary).toMatch(/ConfigInvalid.*unexpected end of file/);
      } finally {
        restore();
      }
    });

    it('a reload that kills SRS is a failure: SRS died, its last error, who holds the port, how to get it back', async () => {
      const i = 2;
      await getTestRun().fleet.resetHost(host(i).name);
      const pid = pidOf(host(i));
      const port = await allocatePort();
      const squatter = portSquatter(port);
      await squatter.bound;
      const restore = setRtmpPort(host(i), port);
      try {
        const r = await run(i, 'reload');
        expect(r.outcome).toBe('failed');
        expect(r.summary).toMatch(/died/i);
        expect(r.summary).toMatch(/cannot change its `listen` port on a reload.*`\/srs start /);
        expect(`${r.summary}\n${r.evidence.join('\n')}`).toMatch(/SrsTcpListener::listen|backtrace/);
        expect(`${r.summary}\n${r.evidence.join('\n')}`).toContain(`pid ${squatter.pid}`);
        expect(alive(pid)).toBe(false);
      } finally {
        restore();
      }
    });

    it('a reload that changes `listen` to a free port kills SRS too: the same failure, and a start brings it back there', async () => {
      const i = 2;
      await getTestRun().fleet.resetHost(host(i).name);
      const pid = pidOf(host(i));
      const port = await allocatePort();
      const restore = setRtmpPort(host(i), port);
      try {
        const r = await run(i, 'reload');
        expect(r.outcome).toBe('failed');
        expect(r.summary).toMatch(/died on the reload.*cannot change its `listen` port on a reload/);
        expect(alive(pid)).toBe(false);
        const start = await run(i, 'start');
        expect(start.outcome).toBe('ok');
        expect(start.after.state).toBe('running');
      } finally {
        restore();
      }
    });

    it('rotate after logrotate moved the log away: the new file is confirmed', async () => {
      const i = 0;
      await getTestRun().fleet.resetHost(host(i).name);
      fs.renameSync(host(i).logFile, `${host(i).logFile}.1`);
      const r = await run(i, 'rotate');
      expect(r.outcome).toBe('ok');
      expect(fs.readFileSync(host(i).logFile, 'utf8')).toMatch(/reopen log file, signo=10/);
    });

    it('a stale pid file naming a live process that is not SRS: status says so; start runs nothing and says how to fix it', async () => {
      const i = 0;
      await getTestRun().fleet.resetHost(host(i).name);
      expect((await run(i, 'stop')).outcome).toBe('ok');
      const foreign = foreignProcess();
      writePidFile(host(i), foreign);
      const status = await run(i, 'status');
      expect(status.after.state).toBe('foreign_pid');
      const sent = h.sent.length;
      const r = await run(i, 'start');
      expect(r.outcome).not.toBe('ok');
      expect(r.summary).toContain(`pid ${foreign}`);
      expect(r.summary).toMatch(/sleep/);
      expect(r.summary).toMatch(/not SRS/);
      expect(r.summary).toMatch(/pid file/);
      expect(r.summary).not.toMatch(/is not running/);
      expect(h.sent.slice(sent).filter((s) => s.line.includes('etc/init.d/srs') && s.line.endsWith("'start'"))).toEqual([]);
      expect(alive(foreign)).toBe(true);
    });

    it('a zombie in the pid file: status says zombie; start waits for it to be reaped, then says who should reap it', async () => {
      const i = 0;
      await getTestRun().fleet.resetHost(host(i).name);
      expect((await run(i, 'stop')).outcome).toBe('ok');
      const zombie = await zombieProcess();
      writePidFile(host(i), zombie.pid);
      const status = await run(i, 'status');
      expect(status.after.state).toBe('zombie');
      const r = await run(i, 'start');
      expect(r.outcome).toBe('failed');
      expect(r.summary).toContain(`pid ${zombie.pid}`);
      expect(r.summary).toMatch(/zombie/);
      expect(r.summary).toContain(String(zombie.parent));
      expect(r.summary).not.toMatch(/is not running/);
    });

    it('stop when another program takes the RTMP port the moment SRS lets go: the stop worked, and the holder is named', async () => {
      const i = 1;
      await getTestRun().fleet.resetHost(host(i).name);
      const squatter = portSquatter(host(i).ports.rtmp);
      const r = await run(i, 'stop');
      await squatter.bound;
      expect(r.outcome).toBe('ok');
      expect(r.summary).not.toMatch(/FAILED/);
      expect(`${r.summary}\n${r.evidence.join('\n')}`).toContain(`pid ${squatter.pid}`);
    });
  });

  describe(`an AddressSanitizer build on ${engine === 'real' ? 'real SRS' : 'the simulator'} (SRS's configure default on Debian)`, () => {
    let asanHost: FleetHost;
    let h: WorkerHarness;

    beforeAll(async () => {
      [asanHost] = (await claimHosts(1, { engine, asan: true })) as [FleetHost];
      h = workerHarness([asanHost]);
    });
    afterAll(async () => {
      await h.close();
      releaseHosts([asanHost]);
    });

    it('reload: the config test passes although the leak report exits 1; a broken config is still refused', async () => {
      await getTestRun().fleet.resetHost(asanHost.name);
      const ok = await runVerb(h.ctx(asanHost.name), 'reload');
      expect(ok.outcome).toBe('ok');
      expect(ok.evidence.join('\n')).toMatch(/reload config success/);
      const restore = breakConfig(asanHost);
      try {
        const bad = await runVerb(h.ctx(asanHost.name), 'reload');
        expect(bad.outcome).toBe('refused');
        expect(bad.output).toMatch(/test is failed/);
      } finally {
        restore();
      }
    });

    it('doctor: the config test is ok, not a broken config', async () => {
      await getTestRun().fleet.resetHost(asanHost.name);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-asan-'));
      const file = path.join(dir, 'srs-chatops.yml');
      fs.writeFileSync(file, stringify(getTestRun().fleet.toConfigObject({ hostNames: [asanHost.name] })));
      let out = '';
      const sink = { write: (t: string) => ((out += t), true) } as unknown as NodeJS.WritableStream;
      await runDoctor([], { SRS_CHATOPS_CONFIG: file, REDIS_URL: getTestRun().redisUrl, LOG_LEVEL: 'silent' }, sink);
      const row = out.split('\n').find((l) => l.startsWith(`${asanHost.name} `) && l.includes(' config test ')) ?? '';
      expect(row).toMatch(/ ok /);
    });
  });
}
