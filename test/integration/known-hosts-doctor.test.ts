import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../config/load-config';
import { trustNewHosts } from '../../src/cli/doctor/trust-new-hosts';
import { fetchHostKey } from '../../src/adapters/ssh/fetch-host-key';
import { checkKnownHosts } from '../../src/cli/doctor/check-known-hosts';
import { createLogger } from '../../src/adapters/logger';
import { asChatopsError } from '../../src/core/errors';
import { parseKnownHosts } from '../../src/adapters/ssh/known-hosts';
import { hostCoverage } from '../../src/adapters/ssh/pinned-hosts';
import { SshHost } from '../../src/adapters/ssh/ssh-host';
import type { FleetHost } from '../support/fleet';
import { runCommand } from '../support/run-command';
import { claimHosts, getTestRun, releaseHosts } from '../support/test-run';

/**
 * known_hosts as OpenSSH reads it, with the system `ssh` (and `ssh-keygen -F`) as the referee: for each kind of line
 * the bot and OpenSSH let the same host in or refuse it, and `doctor --trust-new` never pins a host a line covers.
 */
describe('known_hosts lines: the bot agrees with OpenSSH', () => {
  let host: FleetHost;
  let other: FleetHost;
  let dir: string;
  const fleet = () => getTestRun().fleet;

  beforeAll(async () => {
    [host, other] = (await claimHosts(2)) as [FleetHost, FleetHost];
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kh-doctor-'));
  });
  afterAll(() => {
    releaseHosts([host, other]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** `ssh-ed25519 AAAA…` pinned for a fleet host in the fleet's own known_hosts. */
  const realKey = (h: FleetHost) => {
    const line = fs
      .readFileSync(fleet().knownHostsPath, 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`[127.0.0.1]:${h.sshPort} `));
    if (!line) throw new Error(`no fleet known_hosts line for ${h.name}`);
    return line.split(' ').slice(1, 3).join(' ');
  };
  /** A pattern that names `h` (and nine other ports), not its exact name. */
  const patternFor = (h: FleetHost) => `[127.0.0.1]:${String(h.sshPort).slice(0, -1)}?`;
  let fileCount = 0;
  const knownHosts = (text: string) => {
    const file = path.join(dir, `known_hosts.${(fileCount += 1)}`);
    fs.writeFileSync(file, text);
    return file;
  };

  /** OpenSSH's verdict: exit code and stderr of `ssh -o StrictHostKeyChecking=yes … true` with this known_hosts. */
  async function openssh(file: string, h: FleetHost): Promise<{ ok: boolean; stderr: string }> {
    const res = await runCommand('ssh', [
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      `UserKnownHostsFile=${file}`,
      '-o',
      'GlobalKnownHostsFile=/dev/null',
      '-o',
      'BatchMode=yes',
      '-o',
      'IdentitiesOnly=yes',
      '-o',
      'LogLevel=ERROR',
      '-i',
      fleet().clientKeyPath,
      '-p',
      String(h.sshPort),
      `${fleet().user}@127.0.0.1`,
      'true',
    ]);
    return { ok: res.code === 0, stderr: res.stderr };
  }

  /** The bot's verdict: a job's connection through the worker's SshHost with this known_hosts. */
  async function bot(file: string, h: FleetHost): Promise<{ ok: boolean; message: string }> {
    const ssh = new SshHost({
      privateKeyPath: fleet().clientKeyPath,
      knownHostsPath: file,
      connectTimeoutMs: 5000,
      keepaliveIntervalMs: 0,
      idleTimeoutMs: 1000,
      maxChannelsPerHost: 1,
      logger: createLogger('t', { LOG_LEVEL: 'silent' }),
    });
    try {
      const res = await ssh.exec(
        { name: h.name, address: '127.0.0.1', port: h.sshPort, user: fleet().user },
        { argv: ['true'], timeoutMs: 5000 },
      );
      return { ok: res.code === 0, message: '' };
    } catch (err) {
      return { ok: false, message: asChatopsError(err).userMessage };
    } finally {
      await ssh.close();
    }
  }

  /** `doctor --trust-new` on this known_hosts for `h`: what it printed and whether the file changed. */
  async function trustNew(
    file: string,
    h: FleetHost,
  ): Promise<{ out: string; changed: boolean; findings: Awaited<ReturnType<typeof trustNewHosts>> }> {
    const doc = fleet().toConfigObject({ hostNames: [h.name] });
    (doc.ssh as Record<string, unknown>).knownHostsPath = file;
    const before = fs.readFileSync(file, 'utf8');
    let out = '';
    const sink = { write: (t: string) => ((out += t), true) } as unknown as NodeJS.WritableStream;
    const findings = await trustNewHosts(parseConfig(doc, 't'), sink, (t) => fetchHostKey(t.address, t.port, 3000));
    return { out, changed: fs.readFileSync(file, 'utf8') !== before, findings };
  }

  it('a host pinned through a pattern is let in by both', async () => {
    const file = knownHosts(`${patternFor(host)} ${realKey(host)}\n`);
    expect(await openssh(file, host)).toEqual({ ok: true, stderr: '' });
    expect(await bot(file, host)).toEqual({ ok: true, message: '' });
  });

  it('finding 12: a pattern-pinned host whose key changed is refused by both, and --trust-new leaves it alone', async () => {
    const file = knownHosts(`${patternFor(host)} ${realKey(other)}\n`);
    const ssh = await openssh(file, host);
    expect(ssh.ok).toBe(false);
    expect(ssh.stderr).toMatch(/REMOTE HOST IDENTIFICATION HAS CHANGED/);
    const b = await bot(file, host);
    expect(b.ok).toBe(false);
    expect(b.message).toMatch(
      new RegExp(
        `^REFUSED: the host key of ${host.name} has CHANGED \\(now SHA256:\\S+; known_hosts line 1 pins another key\\); nothing was run`,
      ),
    );
    const t = await trustNew(file, host);
    expect(t.changed).toBe(false);
    expect(t.out).toBe(
      `not pinned by --trust-new: ${host.name} [127.0.0.1]:${host.sshPort} is already covered by ${file} line 1 (${patternFor(host)}); nothing changed\n`,
    );
    expect(t.out).not.toMatch(/trusted on first use/);
  });

  it('a negated pattern does not apply: both refuse the host as unknown, and --trust-new may pin it', async () => {
    const file = knownHosts(`[127.0.0.1]:*,![127.0.0.1]:${host.sshPort} ${realKey(host)}\n`);
    const ssh = await openssh(file, host);
    expect(ssh.ok).toBe(false);
    expect(ssh.stderr).toMatch(/No ED25519 host key is known for \[127\.0\.0\.1\]:\d+ and you have requested strict checking/);
    const b = await bot(file, host);
    expect(b.message).toMatch(new RegExp(`^REFUSED: ${host.name} is not in known_hosts`));
    const t = await trustNew(file, host);
    expect(t.changed).toBe(true);
    expect(t.out).toMatch(
      /trusted on first use: .*; line 1 \(\[127\.0\.0\.1\]:\*,!\[127\.0\.0\.1\]:\d+\) excludes it with a !pattern\)\n$/,
    );
    expect(await openssh(file, host)).toEqual({ ok: true, stderr: '' });
    expect((await bot(file, host)).ok).toBe(true);
  });

  it('hashed lines (ssh-keygen -H): both let the pinned key in and refuse a changed one', async () => {
    const good = knownHosts(`[127.0.0.1]:${host.sshPort} ${realKey(host)}\n`);
    const changed = knownHosts(`[127.0.0.1]:${host.sshPort} ${realKey(other)}\n`);
    for (const f of [good, changed]) expect((await runCommand('ssh-keygen', ['-H', '-f', f])).code).toBe(0);
    expect(fs.readFileSync(good, 'utf8')).toMatch(/^\|1\|/);
    expect(await openssh(good, host)).toEqual({ ok: true, stderr: '' });
    expect((await bot(good, host)).ok).toBe(true);
    expect((await openssh(changed, host)).stderr).toMatch(/REMOTE HOST IDENTIFICATION HAS CHANGED/);
    expect((await bot(changed, host)).message).toMatch(/has CHANGED/);
    const t = await trustNew(changed, host);
    expect(t.changed).toBe(false);
    expect(t.out).toMatch(/is already covered by .* line 1 \(hashed\); nothing changed/);
  });

  it('finding 12: a host named only by @revoked is refused as REVOKED by both, and --trust-new does not pin its key', async () => {
    const file = knownHosts(`@revoked [127.0.0.1]:${host.sshPort} ${realKey(host)}\n`);
    const ssh = await openssh(file, host);
    expect(ssh.ok).toBe(false);
    expect(ssh.stderr).toMatch(/REVOKED HOST KEY DETECTED/);
    const t = await trustNew(file, host);
    expect(t.changed).toBe(false);
    expect(t.out).toBe(
      `not pinned by --trust-new: ${host.name} [127.0.0.1]:${host.sshPort} is named by ${file} line 1 (@revoked, [127.0.0.1]:${host.sshPort}): revokes a key of this host; nothing changed\n`,
    );
    expect(t.findings).toEqual([expect.objectContaining({ host: host.name, check: 'host key pinned', ok: false })]);
    const b = await bot(file, host);
    expect(b.message).toMatch(
      new RegExp(
        `^REFUSED: the host key of ${host.name} \\(SHA256:\\S+\\) is REVOKED by known_hosts line 1 \\(@revoked\\); nothing was run`,
      ),
    );
    // a @revoked line wins over a plain line pinning the same key, for both
    const both = knownHosts(`[127.0.0.1]:${host.sshPort} ${realKey(host)}\n@revoked * ${realKey(host)}\n`);
    expect((await openssh(both, host)).stderr).toMatch(/REVOKED HOST KEY DETECTED/);
    expect((await bot(both, host)).message).toMatch(/is REVOKED by known_hosts line 2/);
  });

  it('@cert-authority: OpenSSH refuses a plain key it names; the bot refuses it saying it cannot verify host certificates', async () => {
    const file = knownHosts(`@cert-authority [127.0.0.1]:${host.sshPort} ${realKey(other)}\n`);
    const ssh = await openssh(file, host);
    expect(ssh.ok).toBe(false);
    expect(ssh.stderr).toMatch(/Host key verification failed/);
    const b = await bot(file, host);
    expect(b.message).toMatch(
      new RegExp(
        `^REFUSED: known_hosts line 1 trusts a certificate authority \\(@cert-authority\\) for ${host.name}, and this bot cannot verify OpenSSH host certificates`,
      ),
    );
    const t = await trustNew(file, host);
    expect(t.changed).toBe(false);
    expect(t.out).toMatch(
      /line 1 \(@cert-authority, \[127\.0\.0\.1\]:\d+\): host certificates, which this bot cannot verify; nothing changed/,
    );
  });

  it('a line OpenSSH skips in silence is a doctor PROBLEM, and refuses the hosts it may name', async () => {
    const file = knownHosts(`@trusted [127.0.0.1]:${host.sshPort} ${realKey(host)}\n[127.0.0.1]:${host.sshPort} ${realKey(host)}\n`);
    expect((await openssh(file, host)).ok).toBe(true);
    expect((await bot(file, host)).message).toMatch(
      /^REFUSED: known_hosts line 1 may name .* but cannot be read \(unknown marker @trusted/,
    );
    const doc = fleet().toConfigObject({ hostNames: [host.name] });
    (doc.ssh as Record<string, unknown>).knownHostsPath = file;
    expect(checkKnownHosts(parseConfig(doc, 't'))).toEqual([
      expect.objectContaining({
        check: 'known_hosts',
        ok: false,
        detail: `line 1 (${'[127.0.0.1]:' + host.sshPort}): unknown marker @trusted (OpenSSH knows @revoked and @cert-authority)`,
      }),
    ]);
  });

  it('the lines that name a host are the ones `ssh-keygen -F` finds, for every kind of line', async () => {
    const p = host.sshPort;
    const file = knownHosts(
      [
        `${patternFor(host)} ${realKey(host)}`,
        `[127.0.0.1]:*,![127.0.0.1]:${p} ${realKey(other)}`,
        `@revoked [127.0.0.1]:${p},[127.0.0.1]:${other.sshPort} ${realKey(other)}`,
        `@cert-authority [127.0.0.1]:${other.sshPort} ${realKey(host)}`,
        `[127.0.0.1]:${other.sshPort} ${realKey(other)}`,
        `!nothing,[127.0.0.1]:${p} ${realKey(host)}`,
      ].join('\n') + '\n',
    );
    const known = parseKnownHosts(fs.readFileSync(file, 'utf8'));
    for (const h of [host, other]) {
      const res = await runCommand('ssh-keygen', ['-F', `[127.0.0.1]:${h.sshPort}`, '-f', file]);
      const theirs = [...res.stdout.matchAll(/found: line (\d+)/g)].map((m) => Number(m[1]));
      const c = hostCoverage(known, { name: h.name, address: '127.0.0.1', port: h.sshPort });
      const ours = [...c.pinned, ...c.blocking].map((l) => Number(/^line (\d+)/.exec(l)?.[1])).sort((a, b) => a - b);
      expect(ours).toEqual(theirs);
      expect(theirs.length).toBeGreaterThan(1);
    }
  });
});
