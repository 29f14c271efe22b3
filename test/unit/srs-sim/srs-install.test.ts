/**
 * The SRS simulator's upgrade path: the on-host install command (hostDir/usr/local/bin/srs-install) and its
 * package repository, and media clients that reconnect after a restart (like real encoders).
 * Hosts run locally in a temp dir.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { allocatePorts, releasePorts } from '../../support/free-port';
import { sleep, waitUntil } from '../../support/wait-until';
import { getPreviousVersion, getVersion, installHost, listPackages, publishPackage, type InstalledHost } from '../../srs-sim/install';
import { STOP_RESULT } from '../../srs-sim/host-kit';
import { connectClient, reconnectingClient, type ReconnectingClient } from '../../srs-sim/media-client';

jest.setTimeout(30000);

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'srs-sim-upgrade-'));
const hosts: InstalledHost[] = [];
const ports: number[] = [];
const clients: ReconnectingClient[] = [];

let hostSeq = 0;
async function newHost(version = '6.0.184'): Promise<{ h: InstalledHost; hostDir: string }> {
  const [rtmp = 0, http = 0, api = 0] = await allocatePorts(3);
  ports.push(rtmp, http, api);
  const hostDir = path.join(tmpRoot, `host${++hostSeq}`);
  const h = installHost({ hostDir, version, ports: { rtmp, http, api }, graceStartWaitMs: 300, graceFinalWaitMs: 200, exitDelayMs: 300 });
  hosts.push(h);
  return { h, hostDir };
}

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}
function run(file: string, args: string[]): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 60000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
const initd = (h: InstalledHost, verb: string): Promise<RunResult> => run(h.initdLink, [verb]);
// eslint-disable-next-line no-control-regex
const plain = (s: string): string => s.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
const install = (h: InstalledHost, ...args: string[]): Promise<RunResult> => run(h.installCommand, args);

async function api<T>(h: InstalledHost, p: string): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${h.ports.api}${p}`);
  return (await res.json()) as T;
}
const apiVersion = async (h: InstalledHost): Promise<string> =>
  (await api<{ data: { version: string } }>(h, '/api/v1/versions')).data.version;
const apiPid = async (h: InstalledHost): Promise<number> =>
  (await api<{ data: { self: { pid: number } } }>(h, '/api/v1/summaries')).data.self.pid;
interface StreamJson {
  name: string;
  app: string;
  publish: { active: boolean; cid: string };
}
const streams = async (h: InstalledHost): Promise<StreamJson[]> => (await api<{ streams: StreamJson[] }>(h, '/api/v1/streams/')).streams;
/** API up (the previous process may still be answering right after a restart, so also pass `notPid`). */
async function apiUp(h: InstalledHost, notPid = 0): Promise<boolean> {
  try {
    return (await apiPid(h)) !== notPid;
  } catch {
    return false;
  }
}
const waitApi = (h: InstalledHost, notPid = 0): Promise<void> =>
  waitUntil(() => apiUp(h, notPid), { timeoutMs: 10000, intervalMs: 50, description: 'the SRS API to answer' });
const activePublisher = async (h: InstalledHost, name: string): Promise<StreamJson | undefined> => {
  try {
    return (await streams(h)).find((s) => s.name === name && s.publish.active);
  } catch {
    return undefined;
  }
};

afterAll(async () => {
  await Promise.all(clients.map((c) => c.stop()));
  for (const h of hosts) {
    try {
      const pid = Number(fs.readFileSync(h.pidFile, 'utf8').trim());
      if (fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('objs/srs')) process.kill(pid, 'SIGKILL');
    } catch {
      // not running
    }
  }
  await sleep(100);
  releasePorts(ports);
  fs.rmSync(tmpRoot, { recursive: true, force: true });
});

describe('srs-install', () => {
  test('is installed per host, executable, with an absolute node shebang; the initial version is published', async () => {
    const { h, hostDir } = await newHost('6.0.157');
    expect(h.installCommand).toBe(path.join(hostDir, 'usr/local/bin/srs-install'));
    expect(h.packagesDir).toBe(path.join(hostDir, 'var/lib/srs-packages'));
    expect(fs.statSync(h.installCommand).mode & 0o111).toBeTruthy();
    expect(fs.readFileSync(h.installCommand, 'utf8').startsWith(`#!${process.execPath}\n`)).toBe(true);
    expect(listPackages(hostDir)).toEqual(['6.0.157']);
    expect(fs.readFileSync(path.join(h.packagesDir, '6.0.157'), 'utf8')).toBe('');
    const r = await install(h, '6.0.157');
    expect(r).toEqual({ code: 0, stdout: 'SRS 6.0.157 already installed\n', stderr: '' });
    expect(getPreviousVersion(h.root)).toBeNull();
  });

  test('installs a published version: the running SRS keeps its version until restarted; rollback', async () => {
    const { h, hostDir } = await newHost();
    expect((await initd(h, 'start')).code).toBe(0);
    await waitApi(h);
    const oldPid = await apiPid(h);
    publishPackage(hostDir, '6.0.190');

    const r = await install(h, '6.0.190');
    expect(r).toEqual({ code: 0, stdout: 'installed SRS 6.0.190 (was 6.0.184)\n', stderr: '' });
    expect(getVersion(h.root)).toBe('6.0.190');
    expect(fs.readFileSync(h.previousVersionFile, 'utf8')).toBe('6.0.184\n');
    expect((await run(h.binary, ['-v'])).stdout).toBe('6.0.190\n');
    expect(await apiVersion(h)).toBe('6.0.184'); // binary swapped, process not restarted yet

    expect((await initd(h, 'restart')).code).toBe(0);
    await waitApi(h, oldPid);
    expect(await apiVersion(h)).toBe('6.0.190');
    expect(await api<{ data: { major: number; minor: number; revision: number } }>(h, '/api/v1/versions')).toMatchObject({
      code: 0,
      data: { major: 6, minor: 0, revision: 190 },
    });

    expect(await install(h, '6.0.190')).toEqual({ code: 0, stdout: 'SRS 6.0.190 already installed\n', stderr: '' });
    expect(getPreviousVersion(h.root)).toBe('6.0.184');

    // rollback = re-install the recorded previous version (published at install time)
    const back = await install(h, getPreviousVersion(h.root) ?? '');
    expect(back).toEqual({ code: 0, stdout: 'installed SRS 6.0.184 (was 6.0.190)\n', stderr: '' });
    expect(getPreviousVersion(h.root)).toBe('6.0.190');
    const midPid = await apiPid(h);
    expect((await initd(h, 'restart')).code).toBe(0);
    await waitApi(h, midPid);
    expect(await apiVersion(h)).toBe('6.0.184');
    expect(plain((await initd(h, 'stop')).stdout)).toMatch(STOP_RESULT);
  });

  test('an unknown version is refused with the available ones listed; nothing changes', async () => {
    const { h, hostDir } = await newHost();
    publishPackage(hostDir, '6.0.20');
    publishPackage(hostDir, '7.0.3');
    const before = fs.readFileSync(h.binary, 'utf8');
    const r = await install(h, '6.0.999');
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: 'srs-install: version 6.0.999 is not available (available: 6.0.20, 6.0.184, 7.0.3)\n',
    });
    expect(fs.readFileSync(h.binary, 'utf8')).toBe(before);
    expect(fs.existsSync(h.previousVersionFile)).toBe(false);
    const missingRoot = await install(h, '7.0.3', '--root', path.join(hostDir, 'nowhere'));
    expect(missingRoot.code).toBe(1);
    expect(missingRoot.stderr).toContain('no SRS installation at');
    expect(getVersion(h.root)).toBe('6.0.184');
    // --root: installs into the given ROOT
    expect(await install(h, '7.0.3', '--root', h.root)).toMatchObject({ code: 0, stdout: 'installed SRS 7.0.3 (was 6.0.184)\n' });
  });

  test('invalid version strings and usage errors exit 2 without touching anything', async () => {
    const { h, hostDir } = await newHost();
    const canary = path.join(tmpRoot, 'canary');
    fs.writeFileSync(canary, 'x');
    publishPackage(hostDir, '6.0.1');
    const before = fs.readFileSync(h.binary, 'utf8');
    const bad = [
      `6.0.1;rm -rf ${canary}`,
      '$(id)',
      '`id`',
      '6.0',
      '6.0.1.2',
      '1234.0.0',
      '6.0.1234567',
      'v6.0.1',
      '../../../etc/passwd',
      '6.0.1\n',
      ' 6.0.1',
      '',
    ];
    for (const v of bad) {
      const r = await install(h, v);
      expect({ v, code: r.code, stdout: r.stdout }).toEqual({ v, code: 2, stdout: '' });
      expect(r.stderr).toBe(`srs-install: invalid version ${JSON.stringify(v)} (expected MAJOR.MINOR.REVISION, e.g. 6.0.184)\n`);
    }
    for (const args of [[], ['--bogus', '6.0.1'], ['6.0.1', '6.0.2'], ['6.0.1', '--root']]) {
      const r = await install(h, ...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('usage: srs-install <version> [--root ROOT]');
    }
    expect(fs.existsSync(canary)).toBe(true);
    expect(fs.readFileSync(h.binary, 'utf8')).toBe(before);
    expect(fs.existsSync(h.previousVersionFile)).toBe(false);
  });

  test('a broken no-streams build from the repository: reconnecting publisher refused, no streams; a fix brings it back', async () => {
    const { h, hostDir } = await newHost();
    publishPackage(hostDir, '6.0.191', { broken: 'no-streams' });
    expect(fs.readFileSync(path.join(h.packagesDir, '6.0.191'), 'utf8')).toBe('broken=no-streams\n');
    expect(await install(h, '6.0.191')).toMatchObject({ code: 0, stdout: 'installed SRS 6.0.191 (was 6.0.184)\n' });
    expect((await initd(h, 'start')).code).toBe(0);
    await waitApi(h);
    expect(await apiVersion(h)).toBe('6.0.191');
    await expect(connectClient({ port: h.ports.rtmp, kind: 'publish', stream: 'live/b' })).rejects.toThrow(/refused/);

    const pub = reconnectingClient({ port: h.ports.rtmp, kind: 'publish', stream: 'live/b', reconnectMs: 100 });
    clients.push(pub);
    await waitUntil(() => pub.failures >= 3, { timeoutMs: 10000, description: 'three refused publish attempts' });
    expect(pub.connects).toBe(0);
    expect(pub.current).toBeNull();
    expect(pub.lastError).toMatch(/publish refused/);
    expect(await streams(h)).toEqual([]);

    publishPackage(hostDir, '6.0.192');
    expect(await install(h, '6.0.192')).toMatchObject({ code: 0, stdout: 'installed SRS 6.0.192 (was 6.0.191)\n' });
    const pid = await apiPid(h);
    expect((await initd(h, 'restart')).code).toBe(0);
    await waitApi(h, pid);
    await pub.waitConnected(10000);
    await waitUntil(async () => !!(await activePublisher(h, 'b')), { timeoutMs: 10000, description: 'live/b listed' });
    expect(pub.connects).toBe(1);
    await pub.stop();
    await waitUntil(async () => (await streams(h)).length === 0, { timeoutMs: 5000, description: 'live/b gone after stop' });
    expect(plain((await initd(h, 'stop')).stdout)).toMatch(STOP_RESULT);
  });
});

describe('srs-install with real binaries', () => {
  /** A stand-in for a real `objs/srs` (not the simulator): answers `-v` on stdout like SRS. */
  function fakeRealBinary(version: string): string {
    const file = path.join(tmpRoot, `real-srs-${version}`);
    fs.writeFileSync(file, `#!/bin/sh\n# stand-in for a real SRS build\nif [ "$1" = "-v" ]; then echo ${version}; exit 0; fi\nexit 255\n`, {
      mode: 0o755,
    });
    return file;
  }

  test('a package naming a real binary is copied over objs/srs atomically; getVersion asks the binary (-v)', async () => {
    const { h, hostDir } = await newHost();
    const real157 = fakeRealBinary('6.0.157');
    const real158 = fakeRealBinary('6.0.158');
    publishPackage(hostDir, '6.0.157', { binary: real157 });
    publishPackage(hostDir, '6.0.158', { binary: real158 });
    expect(fs.readFileSync(path.join(h.packagesDir, '6.0.157'), 'utf8')).toBe(`binary=${real157}\n`);
    expect(() => publishPackage(hostDir, '6.0.159', { binary: 'relative/objs/srs' })).toThrow(/absolute/);

    const inode = fs.statSync(h.binary).ino;
    expect(await install(h, '6.0.157')).toEqual({ code: 0, stdout: 'installed SRS 6.0.157 (was 6.0.184)\n', stderr: '' });
    expect(fs.readFileSync(h.binary)).toEqual(fs.readFileSync(real157));
    expect(fs.statSync(h.binary).mode & 0o777).toBe(0o755);
    expect(fs.statSync(h.binary).ino).not.toBe(inode); // renamed into place, not rewritten in place
    expect(fs.readdirSync(path.dirname(h.binary)).filter((f) => f.includes('install'))).toEqual([]);
    expect(getVersion(h.root)).toBe('6.0.157');
    expect(getPreviousVersion(h.root)).toBe('6.0.184');
    expect(await install(h, '6.0.157')).toEqual({ code: 0, stdout: 'SRS 6.0.157 already installed\n', stderr: '' });

    expect(await install(h, '6.0.158')).toEqual({ code: 0, stdout: 'installed SRS 6.0.158 (was 6.0.157)\n', stderr: '' });
    expect(getVersion(h.root)).toBe('6.0.158');
    expect(getPreviousVersion(h.root)).toBe('6.0.157');
    // back to the simulator build the host started with
    expect(await install(h, '6.0.184')).toEqual({ code: 0, stdout: 'installed SRS 6.0.184 (was 6.0.158)\n', stderr: '' });
    expect(getVersion(h.root)).toBe('6.0.184');
    expect((await run(h.binary, ['-v'])).stdout).toBe('6.0.184\n');

    fs.rmSync(real158);
    const gone = await install(h, '6.0.158');
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/^srs-install: install of 6\.0\.158 failed: /);
    expect(getVersion(h.root)).toBe('6.0.184');
  });
});

describe('reconnecting media clients', () => {
  test('a publisher (library and CLI --reconnect-ms) and a player come back after init.d restart', async () => {
    const { h } = await newHost();
    expect((await initd(h, 'start')).code).toBe(0);
    await waitApi(h);
    const pub = reconnectingClient({ port: h.ports.rtmp, kind: 'publish', stream: 'live/r', reconnectMs: 150, bitrateKbps: 100 });
    const player = reconnectingClient({ port: h.ports.http, kind: 'flv', stream: 'live/r', reconnectMs: 150 });
    clients.push(pub, player);
    const cli = spawn(
      process.execPath,
      [
        path.join(__dirname, '../../srs-sim/media-client.js'),
        '--port',
        String(h.ports.rtmp),
        '--kind',
        'publish',
        '--stream',
        'live/c',
        '--reconnect-ms',
        '150',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let cliOut = '';
    cli.stdout.on('data', (d: Buffer) => {
      cliOut += d.toString();
    });
    const cliExit = new Promise<number | null>((r) => cli.once('exit', (code) => r(code)));
    try {
      const first = await pub.waitConnected(10000);
      await player.waitConnected(10000);
      await waitUntil(async () => !!(await activePublisher(h, 'r')) && !!(await activePublisher(h, 'c')), {
        timeoutMs: 10000,
        description: 'live/r and live/c listed',
      });
      expect((await activePublisher(h, 'r'))?.publish.cid).toBe(first.id);

      const pid = await apiPid(h);
      expect((await initd(h, 'restart')).code).toBe(0);
      await waitApi(h, pid);
      await waitUntil(async () => pub.connects >= 2 && !!(await activePublisher(h, 'r')) && !!(await activePublisher(h, 'c')), {
        timeoutMs: 10000,
        description: 'publishers back after the restart',
      });
      await waitUntil(() => player.connects >= 2, { timeoutMs: 10000, description: 'player back after the restart' });
      const again = await activePublisher(h, 'r');
      expect(again?.publish.cid).toBe(pub.current?.id);
      expect(again?.publish.cid).not.toBe(first.id);
      await waitUntil(() => (cliOut.match(/^connected publish/gm)?.length ?? 0) >= 2, { timeoutMs: 5000, description: 'CLI reconnected' });
      expect(cliOut.match(/^connected publish live\/c id=\S+$/gm)?.length).toBe(2);
      expect(cliOut).toMatch(/^disconnected publish live\/c id=\S+, reconnecting in 150ms$/m);
    } finally {
      cli.kill('SIGTERM');
    }
    expect(await cliExit).toBe(0);
    expect(cliOut).toMatch(/stopped\n$/);
    await Promise.all([pub.stop(), player.stop()]);
    expect(pub.current).toBeNull();
    await waitUntil(async () => (await streams(h)).length === 0, { timeoutMs: 5000, description: 'streams gone after stop' });
    expect(plain((await initd(h, 'stop')).stdout)).toMatch(STOP_RESULT);
  });
});
