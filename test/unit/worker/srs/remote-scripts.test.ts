import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseProbe } from '../../../../src/worker/srs/parse-probe';
import { FOLLOW_SCRIPT, PROBE_SCRIPT, scriptArgv } from '../../../../src/worker/srs/remote-scripts';

/**
 * The probe and follow scripts run here with /bin/sh as a host runs them (no SSH: the same argv, locally), against
 * install roots and processes made for each case, and real sockets on loopback.
 */
function run(script: string, name: string, args: readonly string[]): string {
  const [cmd, ...rest] = scriptArgv(script, name, args);
  return execFileSync(cmd as string, rest, { encoding: 'utf8', timeout: 10_000 });
}

function probe(root: string, conf: string, api: number, media: number[]): string {
  return run(PROBE_SCRIPT, 'srs-probe', [root, conf, String(api), ...media.map(String)]);
}

describe('probe script (run by /bin/sh, as on a host)', () => {
  let dir: string;
  let root: string;
  const children: ChildProcess[] = [];
  const servers: net.Server[] = [];
  const sockets: net.Socket[] = [];

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'probe-script-'));
    root = path.join(dir, 'srs');
    fs.mkdirSync(path.join(root, 'objs'), { recursive: true });
    fs.mkdirSync(path.join(root, 'conf'));
    // `objs/srs` here is a script that sleeps: a live process whose command line and cwd look like this root's SRS.
    fs.writeFileSync(path.join(root, 'objs', 'srs'), '#!/bin/sh\nsleep 30\n', { mode: 0o755 });
  });
  afterAll(() => {
    for (const s of sockets) s.destroy();
    for (const s of servers) s.close();
    for (const c of children) c.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const conf = (text: string): string => {
    fs.writeFileSync(path.join(root, 'conf', 'srs.conf'), text);
    return 'conf/srs.conf';
  };

  it('a missing root says so and stops', () => {
    expect(probe(path.join(dir, 'nope'), 'conf/srs.conf', 1985, [1935])).toBe('error=root_missing\n');
  });

  it('a missing config: the defaults, and the problem named', () => {
    fs.rmSync(path.join(root, 'conf', 'srs.conf'), { force: true });
    const out = probe(root, 'conf/srs.conf', 1985, []);
    expect(out).toContain('error=config_missing\n');
    expect(out).toContain('pid_file=./objs/srs.pid\n');
    expect(out).toContain('log_file=./objs/srs.log\n');
    expect(parseProbe(out, root).state).toBe('stopped');
  });

  it('the pid file and log file come from the first unindented top-level lines of the config, as init.d reads them', () => {
    const c = conf(
      'listen 1935;\n  pid ./objs/nested.pid;\npid ./objs/a.pid; # first\npid ./objs/b.pid;\nsrs_log_file   ./objs/a.log;\nsrs_log_file ./objs/b.log;\n',
    );
    const out = probe(root, c, 1985, []);
    expect(out).toContain('pid_file=./objs/a.pid\n');
    expect(out).toContain('log_file=./objs/a.log\n');
  });

  it('pid file states: absent, garbage, digits inside noise, an exited pid', async () => {
    const c = conf('pid ./objs/srs.pid;\n');
    const pidFile = path.join(root, 'objs', 'srs.pid');
    fs.rmSync(pidFile, { force: true });
    expect(parseProbe(probe(root, c, 1985, []), root).state).toBe('stopped');
    fs.writeFileSync(pidFile, 'not a pid\n');
    expect(parseProbe(probe(root, c, 1985, []), root).state).toBe('stale_pid');
    // A pid that exited: digits kept from noise (as the init.d script's `cat | tr` would), then /proc has nothing.
    const gone = spawn('true', [], { stdio: 'ignore' });
    await once(gone, 'exit'); // reaped: nothing in /proc for it
    fs.writeFileSync(pidFile, `pid: ${String(gone.pid)}\nextra line\n`);
    const out = probe(root, c, 1985, []);
    expect(out).toContain(`pid=${String(gone.pid)}\n`);
    expect(out).not.toContain('proc_state=');
    expect(parseProbe(out, root).state).toBe('stale_pid');
  });

  it('a live SRS of this root is running (state, command line, cwd); another program on the pid is foreign; a zombie is a zombie', () => {
    const c = conf('pid ./objs/srs.pid;\n');
    const pidFile = path.join(root, 'objs', 'srs.pid');
    const srs = spawn('./objs/srs', ['-c', 'conf/srs.conf'], { cwd: root, stdio: 'ignore' });
    children.push(srs);
    execFileSync('sleep', ['0.1']);
    fs.writeFileSync(pidFile, `${String(srs.pid)}\n`);
    const out = probe(root, c, 1985, []);
    expect(out).toMatch(/^proc_state=S$/m);
    expect(out).toContain('proc_cmdline=/bin/sh ./objs/srs -c conf/srs.conf \n');
    expect(out).toContain(`proc_cwd=${root}\n`);
    expect(parseProbe(out, root)).toMatchObject({ state: 'running', pid: srs.pid });

    const other = spawn('sleep', ['30'], { stdio: 'ignore' });
    children.push(other);
    fs.writeFileSync(pidFile, `${String(other.pid)}\n`);
    expect(parseProbe(probe(root, c, 1985, []), root).state).toBe('foreign_pid');

    // A parent that never reaps its child leaves a zombie.
    const parent = spawn('sh', ['-c', 'sleep 0.1 & exec sleep 30'], { stdio: 'ignore' });
    children.push(parent);
    const zombie = Number(execFileSync('sh', ['-c', `sleep 0.4; pgrep -P ${String(parent.pid)} || true`], { encoding: 'utf8' }).trim());
    expect(zombie).toBeGreaterThan(0);
    fs.writeFileSync(pidFile, `${String(zombie)}\n`);
    const z = probe(root, c, 1985, []);
    expect(z).toMatch(/^proc_state=Z$/m);
    // The parent that has not reaped it: its pid and command line.
    expect(parseProbe(z, root)).toMatchObject({ state: 'zombie', pid: zombie, ppid: parent.pid, parentCmdline: 'sleep 30' });
  });

  it('listening ports with their holders: this SRS, and another program named by pid and name', async () => {
    // A second root whose `objs/srs` listens on the port it is given (a stand-in SRS that holds sockets).
    const root2 = path.join(dir, 'srs2');
    fs.mkdirSync(path.join(root2, 'objs'), { recursive: true });
    fs.mkdirSync(path.join(root2, 'conf'));
    fs.writeFileSync(path.join(root2, 'conf', 'srs.conf'), 'pid ./objs/srs.pid;\n');
    const listenCode =
      "require('net').createServer().listen(Number(process.argv[process.argv.length - 1]), '127.0.0.1', () => process.stdout.write('up\\n'));setInterval(() => {}, 1e6);";
    fs.writeFileSync(path.join(root2, 'objs', 'srs'), `#!${process.execPath}\n${listenCode}\n`, { mode: 0o755 });
    const freePort = (): Promise<number> =>
      new Promise((resolve) => {
        const s = net.createServer();
        s.listen(0, '127.0.0.1', () => {
          const port = (s.address() as net.AddressInfo).port;
          s.close(() => resolve(port));
        });
      });
    const up = (c: ChildProcess): Promise<void> => new Promise((resolve) => c.stdout?.once('data', () => resolve()));
    const [media, api] = [await freePort(), await freePort()];
    const srs = spawn('./objs/srs', [String(media)], { cwd: root2, stdio: ['ignore', 'pipe', 'ignore'] });
    const other = spawn(process.execPath, ['-e', listenCode, String(api)], { stdio: ['ignore', 'pipe', 'ignore'] });
    children.push(srs, other);
    await Promise.all([up(srs), up(other)]);
    fs.writeFileSync(path.join(root2, 'objs', 'srs.pid'), `${String(srs.pid)}\n`);

    // The other program's name as the kernel has it (node 20 says `node`; node 24 names its main thread `MainThread`).
    const comm = (pid: number | undefined) => fs.readFileSync(`/proc/${String(pid)}/comm`, 'utf8').trim();
    const [srsName, otherName] = [comm(srs.pid), comm(other.pid)];
    const running = parseProbe(probe(root2, 'conf/srs.conf', api, [media]), root2);
    expect(running).toMatchObject({
      state: 'running',
      srsListening: [media],
      holders: [{ port: api, pid: other.pid, command: otherName }],
    });
    expect(running.listeners).toEqual(
      expect.arrayContaining([
        { port: media, owners: [{ pid: srs.pid, name: srsName, srs: true }] },
        { port: api, owners: [{ pid: other.pid, name: otherName, srs: false }] },
      ]),
    );

    // SRS gone (and reaped): its port is closed; the other program still holds its own.
    srs.kill('SIGKILL');
    await once(srs, 'exit');
    const gone = parseProbe(probe(root2, 'conf/srs.conf', api, [media]), root2);
    expect(gone).toMatchObject({ state: 'stale_pid', srsListening: [], holders: [{ port: api, pid: other.pid, command: otherName }] });
    expect(gone.listening).toEqual([api]);
  });

  it('a command line with control characters and a huge length stays one bounded line', () => {
    const c = conf('pid ./objs/srs.pid;\n');
    const long = `a\tb\nc${'x'.repeat(5000)}`;
    const p = spawn('./objs/srs', [long], { cwd: root, stdio: 'ignore' });
    children.push(p);
    execFileSync('sleep', ['0.1']);
    fs.writeFileSync(path.join(root, 'objs', 'srs.pid'), `${String(p.pid)}\n`);
    const out = probe(root, c, 1985, []);
    const line = out.split('\n').find((l) => l.startsWith('proc_cmdline=')) ?? '';
    expect(line.length).toBe('proc_cmdline='.length + 300);
    expect(line).toContain('./objs/srs a b c');
    expect(out).toContain('probe=done\n');
  });

  it('sockets: listeners on the media and API ports, established connections on the media ports only', async () => {
    const listen = (host: string): Promise<number> =>
      new Promise((resolve) => {
        const s = net.createServer((sock) => sockets.push(sock));
        servers.push(s);
        s.listen(0, host, () => resolve((s.address() as net.AddressInfo).port));
      });
    const connect = (port: number, host: string): Promise<void> =>
      new Promise((resolve) => {
        const sock = net.connect(port, host, () => resolve());
        sockets.push(sock);
      });
    const media = await listen('127.0.0.1');
    const media6 = await listen('::1').catch(() => undefined);
    const api = await listen('127.0.0.1');
    const unrelated = await listen('127.0.0.1');
    await Promise.all([
      connect(media, '127.0.0.1'),
      connect(media, '127.0.0.1'),
      connect(api, '127.0.0.1'),
      connect(unrelated, '127.0.0.1'),
    ]);
    if (media6 !== undefined) await connect(media6, '::1');
    await new Promise((r) => setTimeout(r, 100));
    const ports = media6 !== undefined ? [media, media6] : [media];
    const out = probe(root, conf('pid ./objs/srs.pid;\n'), api, ports);
    const p = parseProbe(out, root);
    expect(p.listening.sort((a, b) => a - b)).toEqual([...ports, api].sort((a, b) => a - b));
    expect(p.established).toBe(ports.length === 2 ? 3 : 2);
    // The follow script (each tick of a graceful quit) reads the same tables the same way.
    const follow = run(FOLLOW_SCRIPT, 'srs-follow', [root, './objs/none.log', '0', '0', '100', '1', String(api), ...ports.map(String)]);
    expect(follow).toContain(`established=${ports.length === 2 ? 3 : 2}\n`);
    expect(parseProbe(`${follow}probe=done\n`, root).listening.sort((a, b) => a - b)).toEqual([...ports, api].sort((a, b) => a - b));
    // No media port: no established count at all (nothing to count).
    expect(probe(root, 'conf/srs.conf', api, [])).not.toContain('established=');
  });

  it('log position: inode and size of the log file', () => {
    const c = conf('srs_log_file ./objs/srs.log;\n');
    fs.writeFileSync(path.join(root, 'objs', 'srs.log'), 'hello\n');
    const ino = fs.statSync(path.join(root, 'objs', 'srs.log')).ino;
    expect(parseProbe(probe(root, c, 1985, []), root).log).toEqual({ inode: String(ino), size: 6 });
  });
});
