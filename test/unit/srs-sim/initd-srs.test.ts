/**
 * The simulator's init.d script and service shims against what real SRS 6.0.157 / 5.0.216 did on this machine:
 * `ps -p` is the only liveness test (a zombie or a live foreign process at the pid file's pid is "running"), SRS relies
 * on a reaping ancestor (the suite runs under test/support/reaper, 1 s delay), systemd reaps its service at once,
 * and a listener that cannot bind kills SRS at start (6.0 at once, 5.0 about 1 s later).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import {
  STOP_RESULT,
  api,
  gone,
  hostKit,
  initd,
  messages,
  procState,
  readPid,
  run,
  running,
  sleep,
  waitFor,
  waitLog,
  waitUp,
} from '../../srs-sim/host-kit';

jest.setTimeout(30000);

const kit = hostKit('srs-sim-initd-');
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await kit.cleanup();
});

/** A zombie whose parent never reaps it: `sleep 30` exec'd over the shell that started the short child. */
async function makeZombie(): Promise<{ zombie: number; parent: ChildProcess }> {
  const parent = spawn('bash', ['-c', 'sleep 0.1 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
  children.push(parent);
  const zombie = await new Promise<number>((resolve) => parent.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
  await waitFor(() => procState(zombie) === 'Z', 3000, 'the zombie');
  return { zombie, parent };
}

describe('init.d: `ps -p` decides, whatever the process is', () => {
  test("a zombie at the pid file's pid is running: status OK, start refused, stop loops until it is reaped", async () => {
    const h = await kit.newHost();
    const { zombie, parent } = await makeZombie();
    fs.writeFileSync(h.pidFile, String(zombie));
    expect(await initd(h, 'status')).toMatchObject({ code: 0, out: `SRS(pid ${zombie}) is running.[  OK  ]\n` });
    expect(await initd(h, 'start')).toMatchObject({ code: 1, out: `SRS started(pid ${zombie}), should not start it again.[FAILED]\n` });
    expect(await initd(h, 'reload')).toMatchObject({ code: 0, out: `Reload SRS(pid ${zombie})...[  OK  ]\nSRS reloaded[  OK  ]\n` });
    // stop sends SIGTERM every 0.3 s while `ps -p` finds it; the zombie goes once its new parent (the reaper) reaps it
    const t0 = Date.now();
    const stopping = initd(h, 'stop');
    await sleep(1000);
    expect(procState(zombie)).toBe('Z');
    parent.kill('SIGKILL');
    const r = await stopping;
    expect(Date.now() - t0).toBeGreaterThan(1500); // 1 s here + the reaper's 1 s delay
    expect(r.out).toMatch(STOP_RESULT);
    expect(r.out).toContain(`Stopping SRS(pid ${zombie})...[  OK  ]\n`);
    expect(gone(zombie)).toBe(true);
  });

  test('a live foreign process at the pid is running too: start refused, stop kills it', async () => {
    const h = await kit.newHost();
    const foreign = spawn('sleep', ['30'], { stdio: 'ignore' });
    children.push(foreign);
    const pid = foreign.pid!;
    fs.writeFileSync(h.pidFile, String(pid));
    expect(await initd(h, 'status')).toMatchObject({ code: 0, out: `SRS(pid ${pid}) is running.[  OK  ]\n` });
    expect(await initd(h, 'start')).toMatchObject({ code: 1, out: `SRS started(pid ${pid}), should not start it again.[FAILED]\n` });
    const exited = new Promise<NodeJS.Signals | null>((r) => foreign.once('exit', (_code, sig) => r(sig)));
    expect(await initd(h, 'stop')).toMatchObject({ code: 0, out: `Stopping SRS(pid ${pid})...[  OK  ]\nSRS stopped by SIGTERM[  OK  ]\n` });
    expect(await exited).toBe('SIGTERM');
    expect(fs.existsSync(h.pidFile)).toBe(false);
  });

  test('pid file empty or garbage: `Process  does not exists`, verbs say SRS not start.', async () => {
    const h = await kit.newHost();
    fs.writeFileSync(h.pidFile, '');
    expect(await initd(h, 'status')).toMatchObject({ code: 1, out: 'Error: Process  does not exists[FAILED]\n' });
    for (const verb of ['stop', 'reload', 'rotate', 'grace'])
      expect(await initd(h, verb)).toMatchObject({ code: 0, out: 'SRS not start.[FAILED]\n' });
    fs.writeFileSync(h.pidFile, 'abc');
    expect(await initd(h, 'status')).toMatchObject({ code: 1, out: 'Error: Process abc does not exists[FAILED]\n' });
  });

  test("usage: the real script's text, exit 1 (also without a verb)", async () => {
    const h = await kit.newHost();
    for (const args of [['bogus'], []]) {
      const r = await run(h.initdLink, args);
      expect(r).toMatchObject({
        code: 1,
        out:
          `Usage: ${h.initdLink} {start|stop|status|restart|reload|rotate|grace}\n` +
          '    reload    Apply log file by not restarting SRS\n' +
          '    rotate    For log rotate, to send SIGUSR1 to SRS to reopen the log file.\n' +
          '    grace    For gracefully quit, to send SIGQUIT to SRS.\n',
      });
    }
  });

  test('stop, then another process takes the RTMP port: the stop itself succeeded, nothing else is claimed', async () => {
    const h = await kit.newHost();
    expect((await initd(h, 'start')).code).toBe(0);
    await waitUp(h);
    const pid = readPid(h);
    const r = await initd(h, 'stop');
    expect(r.out).toMatch(STOP_RESULT);
    expect(gone(pid)).toBe(true);
    const other = net.createServer();
    await new Promise<void>((resolve) => other.listen({ port: h.ports.rtmp, host: '127.0.0.1', exclusive: true }, () => resolve()));
    try {
      expect((await initd(h, 'status')).out).toMatch(/^Error: (No pid file .*|Process \d+ does not exists)\[FAILED\]\n$/);
      expect(await initd(h, 'stop')).toMatchObject({ code: 0, out: 'SRS not start.[FAILED]\n' });
    } finally {
      other.close();
    }
  });
});

describe('a listener that cannot bind at start', () => {
  test('5.0 logs its SocketBind error from the primordial thread ~1 s after starting, then exits', async () => {
    const h = await kit.newHost({ version: '5.0.216' });
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(h.ports.rtmp, '127.0.0.1', () => r()));
    try {
      const t0 = Date.now();
      await initd(h, 'start');
      const pid = readPid(h);
      await waitLog(h, 'Failed, code=1002', 5000);
      const dt = Date.now() - t0;
      expect(dt).toBeGreaterThan(900);
      expect(messages(h).find((m) => m.startsWith('Failed, code=1002'))).toBe(
        `Failed, code=1002(SocketBind)(Bind socket failed) : run : daemon run thread pool : thread #2(hybrid) : hybrid run : run server : listen : rtmp listen : listen : listen at 0.0.0.0:${h.ports.rtmp} : fd=9 : bind`,
      );
      expect(fs.readFileSync(h.logFile, 'utf8')).toMatch(/\]\[ERROR\]\[\d+\]\[\w+\]\[22\] Failed, code=1002/);
      await waitFor(() => !running(pid), 2000, 'exit');
    } finally {
      blocker.close();
    }
  });
});

/** The parent pid of a process, from /proc/PID/stat (the field after the command name, which may hold spaces). */
function parentOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** A subreaper's `--delay-ms` option as its command line gives it (empty when the process is not a subreaper). */
function reaperOf(pid: number): string[] {
  const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  const at = argv.indexOf('--delay-ms');
  return argv[0]?.endsWith('subreaper') && at >= 0 ? argv.slice(at, at + 2) : [];
}

describe('systemd shim', () => {
  test('the supervisor reaps at once, like systemd: an exited SRS never lingers as a zombie', async () => {
    const h = await kit.newHost({ serviceManager: 'systemd' });
    expect((await run(h.systemctl, ['start', 'srs'])).code).toBe(0);
    await waitUp(h);
    const main1 = readPid(h);
    // Who will reap it: SRS daemonized, so its parent is the reaper the shim runs the supervisor under, which reaps
    // at once (`--delay-ms 0`), not the suite's reaper (1 s); with no reaper built or above (a bare `jest` run), it
    // is init. Read from /proc rather than timed: load slows both.
    const parent = parentOf(main1);
    expect(parent === 1 ? 'init' : reaperOf(parent).join(' ')).toMatch(/^(--delay-ms 0|init)$/);
    expect((await initd(h, 'grace')).code).toBe(0);
    await waitFor(() => gone(main1), 8000, 'the old SRS gone');
    const main2 = await waitFor(
      async () => {
        const p = Number((await run(h.systemctl, ['show', '-p', 'MainPID', '--value', 'srs'])).out.trim());
        return p && p !== main1 && running(p) ? p : 0;
      },
      8000,
      'the restart',
    );
    await waitFor(async () => (await api(h, '/api/v1/versions').catch(() => null))?.json.pid === String(main2), 5000, 'new API');
    expect((await run(h.systemctl, ['stop', 'srs'])).code).toBe(0);
    expect(gone(main2)).toBe(true);
  });
});
