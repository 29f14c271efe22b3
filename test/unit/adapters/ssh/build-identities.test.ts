import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../../../../src/adapters/logger';
import { buildIdentities } from '../../../../src/adapters/ssh/build-identities';
import { ChatopsError, ErrorCode } from '../../../../src/core/errors';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssh-ids-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A fresh ed25519 key (with `passphrase` when given) at dir/name; returns its path and `ssh-keygen -l` fingerprint. */
function key(name: string, passphrase = ''): { path: string; fp: string } {
  const file = path.join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', name, '-f', file]);
  const fp = execFileSync('ssh-keygen', ['-l', '-f', `${file}.pub`], { encoding: 'utf8' }).split(' ')[1] ?? '';
  return { path: file, fp };
}

function secretFile(name: string, text: string, mode = 0o600): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text, { mode });
  fs.chmodSync(file, mode);
  return file;
}

/** The ConfigInvalid message `fn` throws. */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ChatopsError);
    expect((err as ChatopsError).code).toBe(ErrorCode.ConfigInvalid);
    return (err as ChatopsError).userMessage;
  }
  throw new Error('did not throw');
}

const plain = key('plain');
const enc = key('enc', 'correct horse');
const none = { privateKeys: [], agent: 'off' };

describe('building the SSH identities from the config', () => {
  it('orders privateKeyPath, then privateKeys (decrypted with their passphrase), then the agent', () => {
    const sock = path.join(dir, 'agent.sock');
    const server = net.createServer().listen(sock);
    try {
      const pass = secretFile('pass', 'correct horse\nignored second line\n');
      const ids = buildIdentities(
        {
          privateKeyPath: plain.path,
          privateKeys: [
            { path: enc.path, passphraseFile: pass },
            { path: enc.path, passphraseEnv: 'KEY_PASS' },
          ],
          agent: 'auto',
        },
        { KEY_PASS: 'correct horse', SSH_AUTH_SOCK: sock },
      );
      expect(ids.map((i) => (i.kind === 'key' ? `${i.path} ${i.fingerprint} ${i.keyType}` : `agent ${i.socket}`))).toEqual([
        `${plain.path} ${plain.fp} ssh-ed25519`,
        `${enc.path} ${enc.fp} ssh-ed25519`,
        `${enc.path} ${enc.fp} ssh-ed25519`,
        `agent ${sock}`,
      ]);
      expect(buildIdentities({ ...none, agent: sock }, {})).toEqual([{ kind: 'agent', socket: sock }]);
      expect(buildIdentities({ ...none, agent: 'off', privateKeyPath: plain.path }, { SSH_AUTH_SOCK: sock })).toHaveLength(1);
    } finally {
      server.close();
    }
  });

  it('refuses no identity at all, naming what to set', () => {
    expect(refusal(() => buildIdentities({ ...none, agent: 'auto' }, {}))).toMatch(
      /no SSH identity: set ssh.privateKeyPath or ssh.privateKeys, or run the bot with an ssh-agent/,
    );
    expect(refusal(() => buildIdentities(none, { SSH_AUTH_SOCK: '/nonexistent' }))).toMatch(/ssh.agent is off/);
  });

  it('refuses an encrypted key without passphrase, or with a wrong one, naming the key and never the passphrase', () => {
    expect(refusal(() => buildIdentities({ ...none, privateKeyPath: enc.path }, {}))).toBe(
      `SSH key ${enc.path} is encrypted and no passphrase is configured for it; list it under ssh.privateKeys with passphraseFile or passphraseEnv.`,
    );
    const wrong = secretFile('wrong', 'battery staple\n');
    const m1 = refusal(() => buildIdentities({ ...none, privateKeys: [{ path: enc.path, passphraseFile: wrong }] }, {}));
    expect(m1).toMatch(new RegExp(`passphrase configured for SSH key ${enc.path} is wrong`));
    const m2 = refusal(() =>
      buildIdentities({ ...none, privateKeys: [{ path: enc.path, passphraseEnv: 'KEY_PASS' }] }, { KEY_PASS: 'battery staple' }),
    );
    for (const m of [m1, m2]) expect(m).not.toMatch(/battery|staple/);
    expect(refusal(() => buildIdentities({ ...none, privateKeys: [{ path: enc.path, passphraseEnv: 'KEY_PASS' }] }, {}))).toMatch(
      /environment variable KEY_PASS, which is not set/,
    );
  });

  it('refuses a passphrase file others may read, or a missing one', () => {
    const loose = secretFile('loose', 'correct horse\n', 0o644);
    expect(refusal(() => buildIdentities({ ...none, privateKeys: [{ path: enc.path, passphraseFile: loose }] }, {}))).toBe(
      `passphrase file ${loose} (for SSH key ${enc.path}) is readable by others (mode 644); run: chmod 600 ${loose}`,
    );
    expect(refusal(() => buildIdentities({ ...none, privateKeys: [{ path: enc.path, passphraseFile: `${loose}.x` }] }, {}))).toMatch(
      /does not exist/,
    );
  });

  it('refuses a missing or loose key file, a public key, and an OpenSSH certificate with a clear reason', () => {
    expect(refusal(() => buildIdentities({ ...none, privateKeyPath: path.join(dir, 'nope') }, {}))).toMatch(/does not exist/);
    const loose = key('loosekey');
    fs.chmodSync(loose.path, 0o644);
    expect(refusal(() => buildIdentities({ ...none, privateKeyPath: loose.path }, {}))).toMatch(
      /readable by others \(mode 644\); run: chmod 600/,
    );
    const pub = secretFile('copy.pub', fs.readFileSync(`${plain.path}.pub`, 'utf8'));
    expect(refusal(() => buildIdentities({ ...none, privateKeyPath: pub }, {}))).toMatch(/is a public key; configure the private key file/);
    execFileSync('ssh-keygen', ['-q', '-s', plain.path, '-I', 'ops', '-n', 'root', `${enc.path}.pub`]);
    expect(refusal(() => buildIdentities({ ...none, privateKeyPath: `${enc.path}-cert.pub` }, {}))).toMatch(
      /is an OpenSSH certificate, not a private key: the SSH library \(ssh2 1\.17\) cannot authenticate with OpenSSH certificates/,
    );
    const renamed = secretFile('renamed-cert', fs.readFileSync(`${enc.path}-cert.pub`, 'utf8'));
    expect(refusal(() => buildIdentities({ ...none, privateKeyPath: renamed }, {}))).toMatch(/is an OpenSSH certificate/);
  });

  it('refuses an agent socket that is missing; skips a stale SSH_AUTH_SOCK (with a warning) when keys exist', () => {
    expect(refusal(() => buildIdentities({ ...none, agent: path.join(dir, 'gone.sock') }, {}))).toMatch(
      /ssh.agent names .*gone.sock, which does not exist; start the agent there or correct ssh.agent/,
    );
    expect(refusal(() => buildIdentities({ ...none, agent: 'auto' }, { SSH_AUTH_SOCK: plain.path }))).toMatch(
      /SSH_AUTH_SOCK names .*, which is not a socket/,
    );
    const lines: string[] = [];
    const logger = createLogger(
      't',
      { LOG_LEVEL: 'warn' },
      new Writable({ write: (c: Buffer, _e, cb) => (lines.push(c.toString()), cb()) }),
    );
    expect(buildIdentities({ ...none, agent: 'auto', privateKeyPath: plain.path }, { SSH_AUTH_SOCK: '/nonexistent' }, logger)).toHaveLength(
      1,
    );
    expect(lines.join('')).toMatch(/SSH_AUTH_SOCK is set but unusable/);
  });
});
