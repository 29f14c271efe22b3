import fs from 'node:fs';
import path from 'node:path';
import { runVerb } from '../../src/worker/verbs/run-verb';
import { SshHost } from '../../src/adapters/ssh/ssh-host';
import { createLogger } from '../../src/adapters/logger';
import type { FleetHost } from '../support/fleet';
import { claimHosts, getTestRun, releaseHosts } from '../support/test-run';
import { pidAlive, workerHarness, type WorkerHarness } from '../support/worker-harness';
import { recordFault, seeVerbRun } from '../support/fault-record';
import { execFileSync } from 'node:child_process';
import os from 'node:os';

describe('SSH faults: host keys, dead hosts', () => {
  let hosts: FleetHost[];
  let h: WorkerHarness;

  beforeAll(async () => {
    hosts = await claimHosts(3, { serviceManager: 'initd', version: '6.0.184' });
    h = workerHarness(hosts);
  });
  afterAll(async () => {
    await h.close();
    const fleet = getTestRun().fleet;
    for (const host of hosts) await fleet.resetHost(host.name);
    releaseHosts(hosts);
  });

  it('a changed host key is refused loudly and nothing runs on the host', async () => {
    const host = hosts[0] as FleetHost;
    await getTestRun().fleet.rotateHostKey(host.name);
    const sentBefore = h.sent.filter((s) => s.host === host.name).length;
    const r = await runVerb(h.ctx(host.name), 'stop');
    expect(r.outcome).toBe('unknown');
    expect(r.errorCode).toBe('host_key_mismatch');
    expect(r.summary).toMatch(/REFUSED: the host key of .* has CHANGED/);
    expect(h.sent.filter((s) => s.host === host.name).length).toBe(sentBefore);
    // SRS is still running: the stop never happened.
    expect(fs.readFileSync(host.pidFile, 'utf8').trim()).toMatch(/^\d+$/);
    expect(() => process.kill(Number(fs.readFileSync(host.pidFile, 'utf8')), 0)).not.toThrow();
    recordFault({ fault: 'host key changed', injected: 1, requests: [seeVerbRun(`${host.name} stop`, r)] });
  });

  it('a host missing from known_hosts is refused (no trust on first use)', async () => {
    const host = hosts[1] as FleetHost;
    const kh = path.join(getTestRun().fleet.dir, `known_hosts.without-${host.name}`);
    const lines = fs.readFileSync(getTestRun().fleet.knownHostsPath, 'utf8').split('\n');
    fs.writeFileSync(kh, lines.filter((l) => !l.startsWith(`[127.0.0.1]:${host.sshPort} `)).join('\n'));
    const ssh = new SshHost({
      privateKeyPath: getTestRun().fleet.clientKeyPath,
      knownHostsPath: kh,
      connectTimeoutMs: 3000,
      keepaliveIntervalMs: 0,
      idleTimeoutMs: 1000,
      maxChannelsPerHost: 4,
      logger: createLogger('test'),
    });
    try {
      const r = await runVerb({ ...h.ctx(host.name), ssh }, 'status');
      expect(r.outcome).toBe('unknown');
      expect(r.errorCode).toBe('host_key_unknown');
      expect(r.summary).toMatch(/not in known_hosts .*SHA256:/);
    } finally {
      await ssh.close();
    }
  });

  it('a hung host (TCP accepts, SSH never answers) gives a timeout result, not a stuck job', async () => {
    const host = hosts[2] as FleetHost;
    await getTestRun().fleet.freezeHost(host.name);
    try {
      const t0 = Date.now();
      const r = await runVerb(h.ctx(host.name), 'restart');
      expect(r.outcome).toBe('unknown');
      expect(r.errorCode).toBe('ssh_connect_timeout');
      expect(Date.now() - t0).toBeLessThan(h.config.ssh.connectTimeoutMs + 3000);
      recordFault({ fault: 'host hung (connect timeout)', injected: 1, requests: [seeVerbRun(`${host.name} restart`, r)] });
    } finally {
      await getTestRun().fleet.thawHost(host.name);
    }
  });

  it('a dead host (connection refused) is reported as unreachable', async () => {
    const host = hosts[2] as FleetHost;
    await h.ssh.close();
    await getTestRun().fleet.stopSshd(host.name);
    const r = await runVerb(h.ctx(host.name), 'status');
    expect(r.outcome).toBe('unknown');
    expect(r.errorCode).toBe('ssh_connect_failed');
    expect(r.summary).toMatch(/cannot reach/);
    recordFault({ fault: 'host down (connection refused)', injected: 1, requests: [seeVerbRun(`${host.name} status`, r)] });
    await getTestRun().fleet.startSshd(host.name);
  });

  it('SSH authentication refused: a clear error, nothing run', async () => {
    const host = hosts[1] as FleetHost;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'otherkey-'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'id')]);
    const ssh = new SshHost({
      privateKeyPath: path.join(dir, 'id'),
      knownHostsPath: h.config.ssh.knownHostsPath,
      connectTimeoutMs: 3000,
      keepaliveIntervalMs: 0,
      idleTimeoutMs: 1000,
      maxChannelsPerHost: 2,
      logger: createLogger('t'),
    });
    try {
      const r = await runVerb({ ...h.ctx(host.name), ssh }, 'stop');
      expect(r).toMatchObject({ outcome: 'unknown', errorCode: 'ssh_auth_failed' });
      expect(r.summary).toMatch(/authentication failed.*authorized_keys/);
      recordFault({ fault: 'SSH auth refused', injected: 1, requests: [seeVerbRun(`${host.name} stop`, r)] });
    } finally {
      await ssh.close();
    }
  });

  it('a very slow host (hangs after connecting): the command times out, bounded', async () => {
    const host = hosts[1] as FleetHost;
    const slow = workerHarness([host], { extra: { ssh: { commandTimeoutMs: 2000 } } });
    try {
      expect((await runVerb(slow.ctx(host.name), 'status')).outcome).toBe('ok'); // connection pooled
      await getTestRun().fleet.freezeHost(host.name);
      const t0 = Date.now();
      const r = await runVerb(slow.ctx(host.name), 'reload');
      expect(r.outcome).toBe('unknown');
      expect(r.summary).toMatch(/probe_timeout|timed out/);
      expect(Date.now() - t0).toBeLessThan(15000);
      recordFault({ fault: 'host very slow (command timeout)', injected: 1, requests: [seeVerbRun(`${host.name} reload`, r)] });
    } finally {
      await getTestRun().fleet.thawHost(host.name);
      await slow.close();
    }
  });

  it('connection cut mid-command: the outcome is re-checked on the host, never assumed', async () => {
    const host = hosts[1] as FleetHost;
    await getTestRun().fleet.resetHost(host.name);
    const fleet = getTestRun().fleet;
    let cut = false;
    const ssh = new SshHost({
      privateKeyPath: getTestRun().fleet.clientKeyPath,
      knownHostsPath: h.config.ssh.knownHostsPath,
      connectTimeoutMs: 3000,
      keepaliveIntervalMs: 0,
      idleTimeoutMs: 1000,
      maxChannelsPerHost: 4,
      logger: createLogger('t'),
      onCommand: (_t, line) => {
        if (!cut && line.includes("'stop'")) {
          cut = true;
          void fleet.stopSshd(host.name).then(() => fleet.startSshd(host.name));
        }
      },
    });
    try {
      const r = await runVerb({ ...h.ctx(host.name), ssh }, 'stop');
      expect(cut).toBe(true);
      if (r.outcome === 'unknown') expect(r.summary).toMatch(/unconfirmed|cannot reach|lost/);
      else expect(r.evidence.join('\n')).toMatch(/connection lost mid-command \(outcome re-checked on the host\)/);
      const pidText = fs.readFileSync(host.pidFile, 'utf8').trim();
      if (r.outcome === 'ok') expect(pidAlive(Number(pidText))).toBe(false);
      recordFault({ fault: 'SSH connection cut mid-command', injected: 1, requests: [seeVerbRun(`${host.name} stop`, r)] });
    } finally {
      await ssh.close();
    }
  });

  it('refuses a private key readable by others', () => {
    const key = path.join(getTestRun().fleet.dir, 'loose_key');
    fs.copyFileSync(getTestRun().fleet.clientKeyPath, key);
    fs.chmodSync(key, 0o644);
    expect(
      () =>
        new SshHost({
          privateKeyPath: key,
          knownHostsPath: h.config.ssh.knownHostsPath,
          connectTimeoutMs: 1,
          keepaliveIntervalMs: 0,
          idleTimeoutMs: 1,
          maxChannelsPerHost: 1,
          logger: createLogger('t'),
        }),
    ).toThrow(/readable by others .*chmod 600/);
  });
});
