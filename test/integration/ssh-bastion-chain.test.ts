import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/adapters/logger';
import { SshHost } from '../../src/adapters/ssh/ssh-host';
import { sshJumpCommand } from '../../src/adapters/ssh/hop-chain';
import { fingerprint } from '../../src/adapters/ssh/known-hosts';
import { checkReach } from '../../src/cli/doctor/check-reach';
import { asChatopsError } from '../../src/core/errors';
import type { HostTarget } from '../../src/ports/host-port';
import { connectionPids } from '../support/fleet/sshd-process';
import { startBastionChain, TARGET_SECOND_PORT, type BastionChain } from '../support/netns/bastion-chain';
import { canConnectFrom, establishedOnPort, execIn } from '../support/netns/netns';
import { allocatePort, allocatePorts } from '../support/free-port';
import { installHost } from '../support/fleet/srs-sim';
import { hostTarget } from '../../config/host-target';
import { parseConfig } from '../../config/load-config';
import { runVerb } from '../../src/worker/verbs/run-verb';
import { runCommand } from '../support/run-command';
import { waitUntil } from '../support/wait-until';

/**
 * A two-hop bastion chain on real sshd in network namespaces: root ↔ b1 ↔ b2 ↔ target, no IP forwarding, so the
 * target is reachable only through the bastions (see test/support/netns/bastion-chain.ts).
 */
describe('SSH through a two-hop bastion chain (network namespaces)', () => {
  let chain: BastionChain;
  const logLines: string[] = [];
  const logger = createLogger(
    'chain',
    { LOG_LEVEL: 'debug' },
    new Writable({ write: (c: Buffer, _e, cb) => (logLines.push(c.toString()), cb()) }),
  );
  const hosts: SshHost[] = [];
  let httpPort: number;

  beforeAll(async () => {
    chain = await startBastionChain();
    httpPort = await allocatePort();
    const server = `require('http').createServer((q, s) => s.end('target-ns ' + q.url)).listen(${httpPort}, '127.0.0.1')`;
    chain.spawnInTarget(process.execPath, ['-e', server], 'http.log');
    await waitUntil(async () => (await execIn(chain.target.ns, 'ss', ['-Htln', `( sport = :${httpPort} )`])).stdout.trim() !== '', {
      timeoutMs: 10_000,
      description: 'the HTTP server in the target namespace',
    });
  });
  afterAll(async () => {
    for (const h of hosts) await h.close();
    await chain?.stop();
  });

  const bastion1 = () => ({ name: 'bastion-1', address: chain.b1.address, port: 22, user: 'root' });
  const bastion2 = () => ({ name: 'bastion-2', address: chain.b2.address, port: 22, user: 'root' });
  const edge = (port = 22, name = 'edge-3'): HostTarget => ({
    name,
    address: chain.target.address,
    port,
    user: 'root',
    jump: [bastion1(), bastion2()],
  });
  function sshHost(knownHostsPath = chain.knownHostsPath): SshHost {
    const h = new SshHost({
      privateKeyPath: chain.clientKeyPath,
      knownHostsPath,
      connectTimeoutMs: 5000,
      keepaliveIntervalMs: 0,
      idleTimeoutMs: 30_000,
      maxChannelsPerHost: 4,
      logger,
    });
    hosts.push(h);
    return h;
  }
  const whereAmI = { argv: ['ip', '-4', '-o', 'addr', 'show'], timeoutMs: 5000 };

  it('the target cannot be reached directly: not from the bot, not from the first bastion (only from the second)', async () => {
    expect(await canConnectFrom(chain.b2.ns, chain.target.address, 22)).toBe(true); // the probe itself works
    expect(await canConnectFrom(chain.b1.ns, chain.target.address, 22)).toBe(false);
    expect(await canConnectFrom(chain.b1.ns, chain.b2.address, 22)).toBe(true);
    const direct = await execIn(chain.b1.ns, 'true', []); // b1's namespace exists and runs commands
    expect(direct.code).toBe(0);
    // From the root namespace (where the bot runs) no SSH server answers at the target's or b2's address: the root
    // namespace has no route to them but its default one (on this machine an egress proxy may accept any TCP connect
    // there, so the proof is the SSH banner, which only the real sshd sends).
    await expect(sshBannerFromRoot(chain.target.address, 22)).resolves.toBeUndefined();
    await expect(sshBannerFromRoot(chain.b2.address, 22)).resolves.toBeUndefined();
    await expect(sshBannerFromRoot(chain.b1.address, 22)).resolves.toMatch(/^SSH-2\.0-OpenSSH/);
    const route = await runCommand('ip', ['route', 'get', chain.target.address]);
    expect(route.stdout).not.toMatch(new RegExp(`dev sc[0-9a-f]+r`));
    // and the bot refuses to pretend otherwise: without its jump chain, the target cannot be reached
    const { jump: _jump, ...direct2 } = edge();
    const err = await sshHost()
      .exec(direct2, whereAmI)
      .then(() => undefined, asChatopsError);
    expect(err?.code).toMatch(/ssh_connect_failed|ssh_connect_timeout/);
  });

  it('through the chain: a command runs on the target, and HTTP reaches the target loopback', async () => {
    const ssh = sshHost();
    const r = await ssh.exec(edge(), whereAmI);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`inet ${chain.target.address}/24`);
    expect(r.stdout).not.toContain(chain.b2.address);
    const res = await ssh.httpGet(edge(), `127.0.0.1:${httpPort}`, '/api/v1/versions', 5000);
    expect(res).toEqual({ status: 200, body: 'target-ns /api/v1/versions' });
  });

  it('the ssh -J command doctor gives reaches the same host with the OpenSSH client (same keys, same known_hosts)', async () => {
    const cfg = path.join(chain.dir, 'ssh_config');
    fs.writeFileSync(
      cfg,
      `Host *\n  IdentityFile ${chain.clientKeyPath}\n  IdentitiesOnly yes\n  BatchMode yes\n  UserKnownHostsFile ${chain.knownHostsPath}\n  StrictHostKeyChecking yes\n`,
    );
    const args = sshJumpCommand(edge()).split(' ').slice(1);
    const r = await runCommand('ssh', ['-F', cfg, ...args.slice(0, -1), 'ip -4 -o addr show'], { timeoutMs: 20_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`inet ${chain.target.address}/24`);
  });

  it('one connection per bastion carries every target behind it', async () => {
    const ssh = sshHost();
    const before = await establishedOnPort(chain.b1.ns, 22);
    const beforeB2 = await establishedOnPort(chain.b2.ns, 22);
    const results = await Promise.all([
      ssh.exec(edge(22, 'edge-3'), whereAmI),
      ssh.exec(edge(TARGET_SECOND_PORT, 'edge-4'), whereAmI),
      ssh.exec(edge(22, 'edge-3'), whereAmI),
      ssh.httpGet(edge(TARGET_SECOND_PORT, 'edge-4'), `127.0.0.1:${httpPort}`, '/x', 5000),
    ]);
    expect(results.slice(0, 3).map((r) => ('code' in r ? r.code : -1))).toEqual([0, 0, 0]);
    expect(await establishedOnPort(chain.b1.ns, 22)).toBe(before + 1);
    expect(await establishedOnPort(chain.b2.ns, 22)).toBe(beforeB2 + 1);
    // the target has two connections (one per target), both coming from b2
    expect(await establishedOnPort(chain.target.ns, 22)).toBeGreaterThanOrEqual(1);
    expect(await establishedOnPort(chain.target.ns, TARGET_SECOND_PORT)).toBeGreaterThanOrEqual(1);
    await ssh.close();
    await waitUntil(async () => (await establishedOnPort(chain.b1.ns, 22)) === before, {
      timeoutMs: 5000,
      description: 'b1 connections closed',
    });
  });

  it('doctor: the path with every hop, the identity and the pinned host keys', async () => {
    const ssh = sshHost();
    const hops = await ssh.reach(edge());
    const fingerprints = await Promise.all(
      [chain.b1, chain.b2, chain.target].map(
        async (n) => (await execIn(n.ns, 'ssh-keygen', ['-lf', `${n.hostKeyPath}.pub`])).stdout.split(' ')[1],
      ),
    );
    expect(hops.map((h) => [h.hop.name, h.hostKey])).toEqual([
      ['bastion-1', fingerprints[0]],
      ['bastion-2', fingerprints[1]],
      ['edge-3', fingerprints[2]],
    ]);
    const clientFp = (await execIn(chain.b1.ns, 'ssh-keygen', ['-lf', `${chain.clientKeyPath}.pub`])).stdout.split(' ')[1] ?? '';
    const finding = await checkReach(ssh, edge());
    expect(finding).toMatchObject({ host: 'edge-3', check: 'ssh', ok: true });
    expect(finding.detail).toBe(
      `root@${chain.target.address}:22 via root@bastion-1 (${chain.b1.address}:22) → root@bastion-2 (${chain.b2.address}:22); auth: key ${chain.clientKeyPath} ed25519 ${clientFp}; host keys pinned (3)`,
    );
    // the debug line of each connection says which identity and host key, never key material
    const connected = logLines.filter((l) => l.includes('"ssh connected"'));
    expect(connected.some((l) => l.includes('"via":"bastion-2"') && l.includes(clientFp))).toBe(true);
    const keyText = fs.readFileSync(chain.clientKeyPath, 'utf8').split('\n')[1] ?? 'no key';
    expect(logLines.join('')).not.toContain(keyText.slice(0, 40));
  });

  it('a bastion connection that dies takes its targets down; the next use connects the chain again', async () => {
    const ssh = sshHost();
    expect((await ssh.exec(edge(), whereAmI)).code).toBe(0);
    const listener = Number(fs.readFileSync(path.join(chain.dir, 'b1', 'sshd.pid'), 'utf8'));
    for (const pid of connectionPids(listener)) process.kill(pid, 'SIGKILL');
    await waitUntil(async () => (await ssh.exec(edge(), whereAmI)).code === 0, {
      timeoutMs: 10_000,
      description: 'the chain to come back',
    });
    expect(await establishedOnPort(chain.b1.ns, 22)).toBeGreaterThanOrEqual(1);
  });

  it('refuses a changed bastion host key and an unpinned target, naming the hop', async () => {
    const known = fs.readFileSync(chain.knownHostsPath, 'utf8').split('\n');
    const otherKey = fs.readFileSync(`${chain.target.hostKeyPath}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
    const changed = path.join(chain.dir, 'known_hosts.changed');
    fs.writeFileSync(changed, known.map((l) => (l.startsWith(`${chain.b2.address} `) ? `${chain.b2.address} ${otherKey}` : l)).join('\n'));
    const e1 = await sshHost(changed)
      .exec(edge(), whereAmI)
      .then(() => undefined, asChatopsError);
    expect(e1?.code).toBe('host_key_mismatch');
    expect(e1?.userMessage).toMatch(
      new RegExp(
        `^edge-3: bastion bastion-2 \\(root@${chain.b2.address.replace(/\./g, '\\.')}:22\\): REFUSED: the host key of bastion-2 has CHANGED`,
      ),
    );

    const unpinned = path.join(chain.dir, 'known_hosts.unpinned');
    fs.writeFileSync(unpinned, known.filter((l) => !l.startsWith(`${chain.target.address} `)).join('\n'));
    const e2 = await sshHost(unpinned)
      .exec(edge(), whereAmI)
      .then(() => undefined, asChatopsError);
    expect(e2?.code).toBe('host_key_unknown');
    expect(e2?.userMessage).toMatch(/^edge-3 \(through bastion-1 → bastion-2\): REFUSED: edge-3 is not in known_hosts/);
    // trust on first use of the unpinned target goes through the (pinned) bastions, and authenticates nothing on it
    const offered = await sshHost(unpinned).offeredHostKey(edge());
    const targetFp = (await execIn(chain.target.ns, 'ssh-keygen', ['-lf', `${chain.target.hostKeyPath}.pub`])).stdout.split(' ')[1];
    expect([offered.type, fingerprint(offered.blob)]).toEqual(['ssh-ed25519', targetFp]);
    // and a bastion that is not pinned is refused there too
    const e3 = await sshHost(changed)
      .offeredHostKey(edge())
      .then(() => undefined, asChatopsError);
    expect(e3?.userMessage).toMatch(/^bastion-2 \(through bastion-1\): REFUSED: the host key of bastion-2 has CHANGED/);
  });

  it('a forward the last bastion cannot make names that bastion and the destination', async () => {
    const closedPort = await allocatePort();
    const e = await sshHost()
      .exec(edge(closedPort, 'edge-9'), whereAmI)
      .then(() => undefined, asChatopsError);
    expect(e?.code).toBe('ssh_connect_failed');
    expect(e?.userMessage).toBe(
      `edge-9: cannot reach through bastion-2 (root@${chain.b2.address}:22): forward to ${chain.target.address}:${closedPort} (edge-9) refused (connect failed: nothing listens there, or the bastion has no route to it).`,
    );
  });

  it("the worker's status verb on an SRS (simulator) running in the target namespace, through both bastions", async () => {
    const [rtmp = 0, http = 0, api = 0] = await allocatePorts(3);
    const srs = await installHost({ hostDir: path.join(chain.dir, 'srs-host'), ports: { rtmp, http, api }, serviceManager: 'initd' });
    const started = await execIn(chain.target.ns, srs.initScript, ['start'], 20_000);
    expect(started.code).toBe(0);
    await waitUntil(
      async () => (await execIn(chain.target.ns, 'ss', ['-Htln', `( sport = :${api} )`])).stdout.includes(`127.0.0.1:${api}`),
      {
        timeoutMs: 15_000,
        description: 'the SRS API in the target namespace',
      },
    );
    const config = parseConfig(
      {
        ssh: { user: 'root', privateKeyPath: chain.clientKeyPath, knownHostsPath: chain.knownHostsPath, commandTimeoutMs: 20000 },
        bastions: [
          { name: 'bastion-1', address: chain.b1.address },
          { name: 'bastion-2', address: chain.b2.address },
        ],
        groups: { edges: { jump: ['bastion-1', 'bastion-2'] } },
        hosts: [
          {
            name: 'edge-3',
            address: chain.target.address,
            groups: ['edges'],
            srsRoot: srs.root,
            serviceManager: 'initd',
            api: `127.0.0.1:${api}`,
            mediaPorts: [rtmp, http],
            system: { initdLink: srs.initdLink, rcRoot: srs.rcRoot, systemdUnitDir: srs.systemdUnitDir, systemctl: srs.systemctl },
          },
        ],
      },
      'bastion chain',
    );
    const hostConfig = config.hosts[0];
    if (!hostConfig) throw new Error('no host');
    const target = hostTarget(config, hostConfig);
    expect(target.jump?.map((j) => j.name)).toEqual(['bastion-1', 'bastion-2']);
    const r = await runVerb(
      {
        hostConfig,
        target,
        ssh: sshHost(),
        settings: config.worker,
        commandTimeoutMs: config.ssh.commandTimeoutMs,
        logger,
        sleep: (ms) => new Promise((res) => setTimeout(res, ms)),
      },
      'status',
    );
    expect(r).toMatchObject({ outcome: 'ok', host: 'edge-3', verb: 'status', after: { state: 'running', apiUp: true } });
    // the API is not reachable from the root namespace: the verb read it through the chain
    await expect(sshBannerFromRoot(chain.target.address, api)).resolves.toBeUndefined();
  });

  /** The SSH banner a TCP connect from the root namespace (where this test and the bot run) gets, if any, in 2 s. */
  function sshBannerFromRoot(address: string, port: number): Promise<string | undefined> {
    return new Promise((resolve) => {
      const s = net.connect({ host: address, port });
      const done = (banner: string | undefined) => {
        clearTimeout(timer);
        s.destroy();
        resolve(banner);
      };
      const timer = setTimeout(() => done(undefined), 2000);
      s.on('data', (d: Buffer) => done(d.toString('latin1').split('\n')[0]?.trim()));
      s.on('error', () => done(undefined));
    });
  }
});
