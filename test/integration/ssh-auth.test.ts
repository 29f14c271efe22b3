import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { hostTarget } from '../../config/host-target';
import { parseConfig } from '../../config/load-config';
import type { Config } from '../../config/schema';
import { createLogger } from '../../src/adapters/logger';
import { createSshHost } from '../../src/adapters/ssh/create-ssh-host';
import type { SshHost } from '../../src/adapters/ssh/ssh-host';
import { asChatopsError } from '../../src/core/errors';
import type { FleetHost } from '../support/fleet';
import { allocatePort } from '../support/free-port';
import { renderKnownHosts } from '../support/fleet/known-hosts';
import { copyKeyPair, generateKeyPair } from '../support/fleet/ssh-keys';
import { renderSshdConfig } from '../support/fleet/sshd-config';
import { killSshd, spawnSshd } from '../support/fleet/sshd-process';
import type { SshdFiles } from '../support/fleet/types';
import { runCommand } from '../support/run-command';
import { stopProcess } from '../support/stop-process';
import { claimHosts, getTestRun, releaseHosts } from '../support/test-run';
import { waitUntil } from '../support/wait-until';

const PASSPHRASE = 'tr0ub4dor&3-never-logged';
const WRONG = 'correct-horse-wrong-one';

/**
 * How the bot authenticates, on a real sshd of the shared fleet: agent only (a real ssh-agent, no key file),
 * passphrase-protected keys (from a file, from an env var), several keys tried in order, and the identity recorded.
 * Passphrases never reach a log line or an error.
 */
describe('SSH authentication: agent, passphrases, key order', () => {
  let host: FleetHost;
  let dir: string;
  let agent: ChildProcess | undefined;
  let agentSock: string;
  const logLines: string[] = [];
  const logger = createLogger(
    'auth',
    { LOG_LEVEL: 'debug' },
    new Writable({ write: (c: Buffer, _e, cb) => (logLines.push(c.toString()), cb()) }),
  );
  const opened: SshHost[] = [];
  const fleet = () => getTestRun().fleet;

  beforeAll(async () => {
    [host] = (await claimHosts(1)) as [FleetHost];
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssh-auth-'));
    agentSock = path.join(dir, 'agent.sock');
    agent = spawn('ssh-agent', ['-a', agentSock, '-D'], { stdio: 'ignore' });
    await waitUntil(() => fs.existsSync(agentSock), { timeoutMs: 5000, description: 'ssh-agent socket' });
  });
  afterAll(async () => {
    for (const s of opened) await s.close();
    if (agent?.pid !== undefined) await stopProcess(agent.pid);
    releaseHosts(host ? [host] : undefined);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The fleet config for the claimed host, with this `ssh` authentication (no key file unless given). */
  function config(auth: Partial<Pick<Config['ssh'], 'privateKeyPath' | 'privateKeys' | 'agent'>>): Config {
    const base = parseConfig(fleet().toConfigObject({ hostNames: [host.name] }), 'test fleet');
    const { privateKeyPath: _ignored, ...ssh } = base.ssh;
    return { ...base, ssh: { ...ssh, privateKeys: [], agent: 'off', ...auth } };
  }
  function connect(c: Config, env: NodeJS.ProcessEnv = {}): SshHost {
    const s = createSshHost(c, logger, undefined, env);
    opened.push(s);
    return s;
  }
  const target = (c: Config) => {
    const h = c.hosts[0];
    if (!h) throw new Error('no host');
    return hostTarget(c, h);
  };
  const fingerprintOf = async (pub: string) => (await runCommand('ssh-keygen', ['-lf', pub])).stdout.split(' ')[1] ?? '';
  const ssh = (args: string[]) => runCommand(args[0] ?? 'false', args.slice(1), { env: { ...process.env, SSH_AUTH_SOCK: agentSock } });

  /** An encrypted copy of the fleet's client key (authorized on the host). */
  async function encryptedClientKey(name: string): Promise<string> {
    const file = path.join(dir, name);
    copyKeyPair(fleet().clientKeyPath, file);
    const r = await runCommand('ssh-keygen', ['-q', '-p', '-P', '', '-N', PASSPHRASE, '-f', file]);
    expect(r.code).toBe(0);
    return file;
  }
  function secret(name: string, text: string): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text, { mode: 0o600 });
    return file;
  }

  it('agent only: no key file, the key in ssh-agent; the identity recorded is the agent key', async () => {
    const added = await ssh(['ssh-add', fleet().clientKeyPath]);
    expect(added.code).toBe(0);
    const fp = await fingerprintOf(`${fleet().clientKeyPath}.pub`);
    const comment = fs.readFileSync(`${fleet().clientKeyPath}.pub`, 'utf8').trim().split(' ').slice(2).join(' ');
    for (const [c, env] of [
      [config({ agent: agentSock }), {}],
      [config({ agent: 'auto' }), { SSH_AUTH_SOCK: agentSock }],
    ] as const) {
      const s = connect(c, env);
      const r = await s.exec(target(c), { argv: ['echo', 'via-agent'], timeoutMs: 5000 });
      expect(r.stdout.trim()).toBe('via-agent');
      const [hop] = await s.reach(target(c));
      expect(hop?.auth).toEqual({ kind: 'agent', socket: agentSock, fingerprint: fp, keyType: 'ssh-ed25519', comment });
    }
    expect(logLines.some((l) => l.includes('"ssh connected"') && l.includes(`agent ed25519 ${fp}`))).toBe(true);
    await ssh(['ssh-add', '-D']);
  });

  it('a passphrase-protected key, its passphrase from a file or from an env var', async () => {
    const key = await encryptedClientKey('enc');
    const fp = await fingerprintOf(`${key}.pub`);
    const viaFile = config({ privateKeys: [{ path: key, passphraseFile: secret('pass', `${PASSPHRASE}\n`) }] });
    const viaEnv = config({ privateKeys: [{ path: key, passphraseEnv: 'SRS_CHATOPS_KEY_PASS' }] });
    for (const [c, env] of [
      [viaFile, {}],
      [viaEnv, { SRS_CHATOPS_KEY_PASS: PASSPHRASE }],
    ] as const) {
      const s = connect(c, env);
      const [hop] = await s.reach(target(c));
      expect(hop?.auth).toEqual({ kind: 'key', path: key, fingerprint: fp, keyType: 'ssh-ed25519' });
      expect((await s.exec(target(c), { argv: ['true'], timeoutMs: 5000 })).code).toBe(0);
    }
  });

  it('a wrong or missing passphrase stops the start, naming the key and never the passphrase (the log is checked last)', () => {
    const key = path.join(dir, 'enc');
    const cases: Array<[Config, NodeJS.ProcessEnv, RegExp]> = [
      [
        config({ privateKeys: [{ path: key, passphraseFile: secret('wrong', `${WRONG}\n`) }] }),
        {},
        /passphrase configured for SSH key .*enc is wrong/,
      ],
      [config({ privateKeys: [{ path: key, passphraseEnv: 'SRS_CHATOPS_KEY_PASS' }] }), { SRS_CHATOPS_KEY_PASS: WRONG }, /is wrong/],
      [config({ privateKeyPath: key }), {}, /is encrypted and no passphrase is configured/],
    ];
    for (const [c, env, message] of cases) {
      let error: unknown;
      try {
        connect(c, env);
      } catch (err) {
        error = err;
      }
      const e = asChatopsError(error);
      expect(e.code).toBe('config_invalid');
      expect(e.userMessage).toMatch(message);
      expect(e.userMessage).toContain(key);
      expect(e.userMessage).not.toContain(WRONG);
    }
  });

  it('several keys are tried in order: the first is not authorized, the second is, and it is the one recorded', async () => {
    const stranger = path.join(dir, 'stranger');
    await generateKeyPair(stranger, 'not-authorized');
    const key = await encryptedClientKey('second');
    const c = config({ privateKeyPath: stranger, privateKeys: [{ path: key, passphraseEnv: 'SRS_CHATOPS_KEY_PASS' }] });
    const s = connect(c, { SRS_CHATOPS_KEY_PASS: PASSPHRASE });
    const [hop] = await s.reach(target(c));
    expect(hop?.auth).toMatchObject({ kind: 'key', path: key });
    // only the stranger: refused, and the error says what was tried
    const only = config({ privateKeyPath: stranger });
    const e = await connect(only)
      .exec(target(only), { argv: ['true'], timeoutMs: 5000 })
      .then(() => undefined, asChatopsError);
    expect(e?.code).toBe('ssh_auth_failed');
    expect(e?.userMessage).toContain(`Tried: key ${stranger} (${await fingerprintOf(`${stranger}.pub`)}).`);
    // two strangers: both tried, in the configured order
    const stranger2 = path.join(dir, 'stranger2');
    await generateKeyPair(stranger2, 'not-authorized-either');
    const two = config({ privateKeyPath: stranger2, privateKeys: [{ path: stranger }] });
    const e2 = await connect(two)
      .exec(target(two), { argv: ['true'], timeoutMs: 5000 })
      .then(() => undefined, asChatopsError);
    expect(e2?.userMessage).toContain(
      `Tried: key ${stranger2} (${await fingerprintOf(`${stranger2}.pub`)}); key ${stranger} (${await fingerprintOf(`${stranger}.pub`)}).`,
    );
  });

  it("more refused keys than the server's MaxAuthTries: an authentication error that says to put the right key first", async () => {
    const strangers = await Promise.all(
      [1, 2, 3, 4, 5, 6, 7].map(async (i) => {
        const file = path.join(dir, `many-${i}`);
        await generateKeyPair(file, `stranger-${i}`);
        return { path: file };
      }),
    );
    const c = config({ privateKeys: [...strangers, { path: fleet().clientKeyPath }] });
    const e = await connect(c)
      .exec(target(c), { argv: ['true'], timeoutMs: 5000 })
      .then(() => undefined, asChatopsError);
    expect(e?.code).toBe('ssh_auth_failed');
    expect(e?.userMessage).toMatch(
      /too many authentication failures: the server's MaxAuthTries ran out .*list the key the host accepts first/,
    );
  });

  describe('OpenSSH user certificates (sshd trusting a CA: TrustedUserCAKeys)', () => {
    let port: number;
    let files: SshdFiles;
    let knownHosts: string;
    let user: string;
    let certDir: string;

    beforeAll(async () => {
      certDir = path.join(dir, 'cert');
      fs.mkdirSync(certDir);
      await generateKeyPair(path.join(certDir, 'ca'), 'user-ca');
      user = await generateKeyPair(path.join(certDir, 'user'), 'cert-user');
      const signed = await runCommand('ssh-keygen', [
        '-q',
        '-s',
        path.join(certDir, 'ca'),
        '-I',
        'ops',
        '-n',
        fleet().user,
        path.join(certDir, 'user.pub'),
      ]);
      expect(signed.code).toBe(0);
      port = await allocatePort();
      files = {
        dir: certDir,
        configPath: path.join(certDir, 'sshd_config'),
        hostKeyPath: path.join(certDir, 'host_key'),
        pinnedHostKeyPath: path.join(certDir, 'host_key'),
        pidPath: path.join(certDir, 'sshd.pid'),
        logPath: path.join(certDir, 'sshd.log'),
      };
      const hostKey = await generateKeyPair(files.hostKeyPath, 'cert-sshd');
      fs.writeFileSync(path.join(certDir, 'authorized_keys'), ''); // nothing authorized but through the CA
      const sshdConfig = renderSshdConfig({
        port,
        hostKeyPath: files.hostKeyPath,
        pidPath: files.pidPath,
        authorizedKeysPath: path.join(certDir, 'authorized_keys'),
        extraDirectives: [`TrustedUserCAKeys ${path.join(certDir, 'ca.pub')}`],
      });
      fs.writeFileSync(files.configPath, sshdConfig);
      await spawnSshd(files, port);
      knownHosts = path.join(certDir, 'known_hosts');
      fs.writeFileSync(knownHosts, renderKnownHosts([{ address: '127.0.0.1', port, publicKey: hostKey }]));
    });
    afterAll(async () => {
      if (files) await killSshd(files, true);
    });

    const certConfig = (auth: Parameters<typeof config>[0]): Config => {
      const c = config(auth);
      const h = c.hosts[0];
      if (!h) throw new Error('no host');
      return { ...c, ssh: { ...c.ssh, knownHostsPath: knownHosts }, hosts: [{ ...h, port }] };
    };

    it('the setup is right: OpenSSH logs in with the certificate (and not with the bare key)', async () => {
      const key = path.join(certDir, 'user');
      const base = [
        '-F',
        '/dev/null',
        '-o',
        'BatchMode=yes',
        '-o',
        'IdentitiesOnly=yes',
        '-o',
        `UserKnownHostsFile=${knownHosts}`,
        '-o',
        'StrictHostKeyChecking=yes',
      ];
      const withCert = await runCommand('ssh', [
        ...base,
        '-i',
        key,
        '-o',
        `CertificateFile=${key}-cert.pub`,
        '-p',
        String(port),
        `${fleet().user}@127.0.0.1`,
        'true',
      ]);
      expect(withCert.code).toBe(0);
      fs.renameSync(`${key}-cert.pub`, `${key}-cert.pub.away`);
      const bare = await runCommand('ssh', [...base, '-i', key, '-p', String(port), `${fleet().user}@127.0.0.1`, 'true']);
      fs.renameSync(`${key}-cert.pub.away`, `${key}-cert.pub`);
      expect(bare.code).not.toBe(0);
      expect(user).toMatch(/^ssh-ed25519 /);
    });

    it('a configured *-cert.pub is refused at start, saying why', () => {
      const c = certConfig({ privateKeyPath: path.join(certDir, 'user-cert.pub') });
      expect(() => connect(c)).toThrow(
        /is an OpenSSH certificate, not a private key: the SSH library \(ssh2 1\.17\) cannot authenticate with OpenSSH certificates/,
      );
    });

    it('certificates in the agent cannot be used: the failure says the agent certificate was skipped, and why', async () => {
      expect((await ssh(['ssh-add', path.join(certDir, 'user')])).code).toBe(0); // adds the key and its certificate
      const c = certConfig({ agent: agentSock });
      const e1 = await connect(c)
        .exec(target(c), { argv: ['true'], timeoutMs: 5000 })
        .then(() => undefined, asChatopsError);
      expect(e1?.code).toBe('ssh_auth_failed');
      expect(e1?.userMessage).toContain(`Tried: agent ${agentSock} (1 key, 1 OpenSSH certificate skipped: ssh2 cannot use them).`);
      // a certificate-only agent: the bare key removed (its .pub copied away so that ssh-add leaves the certificate)
      fs.mkdirSync(path.join(certDir, 'bare'));
      fs.copyFileSync(path.join(certDir, 'user.pub'), path.join(certDir, 'bare', 'user.pub'));
      expect((await ssh(['ssh-add', '-d', path.join(certDir, 'bare', 'user.pub')])).code).toBe(0);
      const e2 = await connect(c)
        .exec(target(c), { argv: ['true'], timeoutMs: 5000 })
        .then(() => undefined, asChatopsError);
      expect(e2?.userMessage).toContain(`Tried: agent ${agentSock} (0 keys, 1 OpenSSH certificate skipped: ssh2 cannot use them).`);
      await ssh(['ssh-add', '-D']);
    });
  });

  it('no log line carries a passphrase or key material', () => {
    const all = logLines.join('');
    expect(logLines.length).toBeGreaterThan(0);
    expect(all).not.toContain(PASSPHRASE);
    expect(all).not.toContain(WRONG);
    const body = fs.readFileSync(fleet().clientKeyPath, 'utf8').split('\n').slice(1, -2).join('');
    expect(all).not.toContain(body.slice(0, 32));
  });
});
