/**
 * The root helper (deploy/host/srs-chatops-helper), run directly as root against simulator roots in a temp dir: it
 * acts only on allowlisted, root-owned roots, only with its verbs, and signals only the pid it verified is this root's
 * running SRS. Needs root (CI runs as root): it throws otherwise, it is never skipped.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { installHelper, type HelperInstall } from '../../support/become/install-helper';
import { installHost } from '../../support/fleet/srs-sim';
import { allocatePorts, releasePorts } from '../../support/free-port';
import { runCommand, type CommandResult } from '../../support/run-command';
import { sleep, waitUntil } from '../../support/wait-until';

jest.setTimeout(60000);

let dir: string;
let h: HelperInstall;
let rootA: string;
let rootB: string;
let ports: number[] = [];
const children: ChildProcess[] = [];

function helper(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CommandResult> {
  return runCommand(h.helper, args, { env: { PATH: '/usr/bin:/bin', ...env } });
}

function pidOf(root: string): number {
  return Number(fs.readFileSync(path.join(root, 'objs/srs.pid'), 'utf8').trim());
}

function alive(pid: number): boolean {
  try {
    const state = /^State:\s*(\S)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return state !== undefined && state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

async function startSrs(root: string): Promise<number> {
  const res = await helper(['service', root, 'start']);
  expect(res.stdout).toMatch(/SRS started\(pid \d+\)/);
  await waitUntil(() => fs.existsSync(path.join(root, 'objs/srs.pid')) && alive(pidOf(root)), { timeoutMs: 10000, description: 'SRS up' });
  return pidOf(root);
}

/** Writes a pid into a root's pid file (as a stale or recycled pid file would name it). */
function writePid(root: string, pid: number): void {
  fs.writeFileSync(path.join(root, 'objs/srs.pid'), `${pid}\n`);
}

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error('the helper tests need root (CI runs as root)');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'srs-helper-'));
  ports = await allocatePorts(6);
  const [a1 = 0, a2 = 0, a3 = 0, b1 = 0, b2 = 0, b3 = 0] = ports;
  rootA = (await installHost({ hostDir: path.join(dir, 'a'), ports: { rtmp: a1, http: a2, api: a3 } })).root;
  rootB = (await installHost({ hostDir: path.join(dir, 'b'), ports: { rtmp: b1, http: b2, api: b3 } })).root;
  for (const d of [dir, path.join(dir, 'a'), path.join(dir, 'b')]) fs.chmodSync(d, 0o755);
  h = installHelper(path.join(dir, 'helper'), [rootA, rootB]);
});

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  for (const root of [rootA, rootB]) if (root !== undefined) await helper(['service', root, 'stop']);
  releasePorts(ports);
  if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
});

describe('srs-chatops-helper: roots', () => {
  it('check: a listed, root-owned root passes the dry run, which changes nothing', async () => {
    const before = fs.readdirSync(path.join(rootA, 'objs')).sort();
    const res = await helper(['check', rootA]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('helper_version=1');
    expect(res.stdout).toContain('check=ok');
    expect(fs.readdirSync(path.join(rootA, 'objs')).sort()).toEqual(before);
  });

  it('refuses a root not in the roots file', async () => {
    const res = await helper(['check', path.dirname(rootA)]);
    expect(res.code).toBe(2);
    expect(res.stdout).toContain('refused=root_not_allowed');
  });

  it.each([
    ['the root itself', ''],
    ['objs/srs', 'objs/srs'],
    ['the init.d script', 'etc/init.d/srs'],
  ])('refuses a root where %s is writable by others', async (_what, rel) => {
    const p = path.join(rootA, rel);
    const mode = fs.statSync(p).mode & 0o7777;
    fs.chmodSync(p, mode | 0o002);
    try {
      const res = await helper(['service', rootA, 'status']);
      expect(res.code).toBe(2);
      expect(res.stdout).toContain('refused=root_insecure');
    } finally {
      fs.chmodSync(p, mode);
    }
  });

  it('refuses a root not owned by root', async () => {
    fs.chownSync(path.join(rootA, 'objs'), 65534, 65534);
    try {
      const res = await helper(['check', rootA]);
      expect(res.stdout).toContain('refused=root_insecure');
      expect(res.stderr).toContain(`${rootA}/objs`);
    } finally {
      fs.chownSync(path.join(rootA, 'objs'), 0, 0);
    }
  });

  it('refuses when a directory above the root is writable by others (no sticky bit)', async () => {
    const above = path.join(dir, 'a');
    fs.chmodSync(above, 0o777);
    try {
      expect((await helper(['check', rootA])).stdout).toContain('refused=root_insecure');
    } finally {
      fs.chmodSync(above, 0o755);
    }
  });

  it('refuses a root whose init.d script runs from another directory (its ROOT= line)', async () => {
    const script = path.join(rootA, 'etc/init.d/srs');
    const text = fs.readFileSync(script, 'utf8');
    fs.writeFileSync(script, text.replace(/^ROOT=.*$/m, 'ROOT="/tmp"'));
    try {
      const res = await helper(['service', rootA, 'start']);
      expect(res.stdout).toContain('refused=root_insecure');
      expect(res.stderr).toContain('runs from ROOT=/tmp');
    } finally {
      fs.writeFileSync(script, text);
    }
  });

  it('refuses objs/srs as a symlink out of the root', async () => {
    const binary = path.join(rootA, 'objs/srs');
    const moved = path.join(dir, 'srs-elsewhere');
    fs.renameSync(binary, moved);
    fs.symlinkSync(moved, binary);
    try {
      const res = await helper(['check', rootA]);
      expect(res.stdout).toContain('refused=root_insecure');
      expect(res.stderr).toContain(`${binary} leads out of ${rootA}`);
    } finally {
      fs.rmSync(binary);
      fs.renameSync(moved, binary);
    }
  });

  it('config-test refuses a config others can write', async () => {
    const conf = path.join(rootA, 'conf/other.conf');
    fs.copyFileSync(path.join(rootA, 'conf/srs.conf'), conf);
    fs.chmodSync(conf, 0o666);
    try {
      expect((await helper(['config-test', rootA, 'conf/other.conf'])).stdout).toContain('refused=root_insecure');
    } finally {
      fs.rmSync(conf);
    }
  });

  it('refuses a roots file writable by others', async () => {
    fs.chmodSync(h.rootsFile, 0o666);
    try {
      expect((await helper(['check', rootA])).stdout).toContain('refused=roots_file');
    } finally {
      fs.chmodSync(h.rootsFile, 0o644);
    }
  });

  it('refuses bad verbs, signals and paths', async () => {
    expect((await helper(['service', rootA, 'restart; id'])).stdout).toContain('refused=bad_verb');
    expect((await helper(['service', rootA, 'kill'])).stdout).toContain('refused=bad_verb');
    expect((await helper(['systemctl', 'mask'])).stdout).toContain('refused=bad_verb');
    expect((await helper(['signal', rootA, '1', 'TERM'])).stdout).toContain('refused=bad_signal');
    expect((await helper(['signal', rootA, '1', 'QUIT'])).stdout).toContain('refused=bad_signal');
    expect((await helper(['check', `${rootA}/../../a/usr/local/srs`])).stdout).toContain('refused=bad_root');
    expect((await helper(['config-test', rootA, '../../../../etc/shadow'])).stdout).toContain('refused=bad_config');
    expect((await helper(['config-test', rootA, '/etc/passwd'])).stdout).toContain('refused=bad_config');
    expect((await helper(['sh', '-c', 'id'])).stdout).toContain('refused=usage');
  });

  it('systemctl: only start|stop|restart|reload|status, of srs only, with the systemctl fixed at install', async () => {
    const fake = path.join(dir, 'fake-systemctl');
    fs.writeFileSync(fake, '#!/bin/sh\necho "systemctl $*"\n', { mode: 0o755 });
    const s = installHelper(path.join(dir, 'helper-systemd'), [rootA], { systemctl: fake });
    const run = (args: string[]) => runCommand(s.helper, args, { env: { PATH: '/usr/bin:/bin' } });
    expect((await run(['systemctl', 'restart'])).stdout.trim()).toBe('systemctl restart srs');
    expect((await run(['systemctl', 'restart', 'sshd'])).stdout).toContain('refused=usage');
    expect((await run(['systemctl', 'enable'])).stdout).toContain('refused=bad_verb');
    fs.chmodSync(fake, 0o777);
    expect((await run(['systemctl', 'stop'])).stdout).toContain('refused=systemctl_insecure');
  });

  it('config-test runs objs/srs -t on a config inside the root', async () => {
    const res = await helper(['config-test', rootA, 'conf/srs.conf']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/test is successful/);
  });
});

describe('srs-chatops-helper: signals reach only the verified pid', () => {
  let pidA: number;
  let pidB: number;
  beforeAll(async () => {
    pidA = await startSrs(rootA);
    pidB = await startSrs(rootB);
  });
  afterEach(() => {
    if (alive(pidA)) writePid(rootA, pidA);
  });

  it('grace-env prints only the SRS grace variables of the verified pid', async () => {
    const res = await helper(['grace-env', rootA, String(pidA)]);
    expect(res.code).toBe(0);
    expect(
      res.stdout
        .trim()
        .split('\n')
        .every((l) => l.startsWith('env_SRS_') || l === 'grace_env=done'),
    ).toBe(true);
  });

  it('refuses a pid other than the pid file names', async () => {
    const res = await helper(['signal', rootA, String(pidB), 'INT']);
    expect(res.stdout).toContain('refused=not_srs');
    expect(alive(pidB)).toBe(true);
  });

  it('refuses a process that runs from another cwd, even when the pid file names it', async () => {
    const other = spawn('sleep', ['30'], { cwd: '/', stdio: 'ignore' });
    children.push(other);
    writePid(rootA, other.pid ?? 0);
    const res = await helper(['signal', rootA, String(other.pid), 'KILL']);
    expect(res.stdout).toContain('refused=not_srs');
    expect(alive(other.pid ?? 0)).toBe(true);
  });

  it("refuses another root's SRS named in this root's pid file", async () => {
    writePid(rootA, pidB);
    const res = await helper(['signal', rootA, String(pidB), 'INT']);
    expect(res.stdout).toContain('refused=not_srs');
    expect(alive(pidB)).toBe(true);
  });

  it('refuses a process of this root whose program is not objs/srs', async () => {
    const other = spawn('sleep', ['30'], { cwd: rootA, stdio: 'ignore' });
    children.push(other);
    writePid(rootA, other.pid ?? 0);
    const res = await helper(['signal', rootA, String(other.pid), 'KILL']);
    expect(res.stdout).toContain('refused=not_srs');
    expect(alive(other.pid ?? 0)).toBe(true);
  });

  it("refuses the calling user's own process", async () => {
    const res = await helper(['signal', rootA, String(pidA), 'INT'], { SUDO_UID: '0' });
    expect(res.stdout).toContain('refused=own_process');
    expect(alive(pidA)).toBe(true);
  });

  it('refuses a zombie', async () => {
    const parent = spawn('sh', ['-c', 'sleep 0.1 & echo $!; exec sleep 30'], { cwd: rootA, stdio: ['ignore', 'pipe', 'ignore'] });
    children.push(parent);
    const zombie = await new Promise<number>((resolve) => parent.stdout?.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
    await sleep(400);
    writePid(rootA, zombie);
    const res = await helper(['signal', rootA, String(zombie), 'KILL']);
    expect(res.stdout).toContain('refused=gone');
  });

  it('signals the verified pid, printing the established connections first', async () => {
    const res = await helper(['signal', rootA, String(pidA), 'INT', String(ports[0])]);
    expect(res.stdout).toMatch(/^established=\d+\nsent=INT$/m);
    await waitUntil(() => !alive(pidA), { timeoutMs: 15000, description: 'SRS A gone after SIGINT' });
    expect(alive(pidB)).toBe(true);
  });
});
