import { createHmac, randomBytes } from 'node:crypto';
import { fingerprint, knownHostsName, parseKnownHosts, verifyHostKey } from '../../workers/ssh/known-hosts';

const keyA = randomBytes(51);
const keyB = randomBytes(51);
const b64 = (b: Buffer) => b.toString('base64');

describe('known_hosts', () => {
  it('names non-22 ports in brackets', () => {
    expect(knownHostsName('10.0.0.1', 22)).toBe('10.0.0.1');
    expect(knownHostsName('127.0.0.1', 2201)).toBe('[127.0.0.1]:2201');
  });

  it('matches a pinned key, refuses a changed key and an unknown host', () => {
    const entries = parseKnownHosts(`# comment\n[127.0.0.1]:2201 ssh-ed25519 ${b64(keyA)}\nedge-1,10.0.0.1 ssh-ed25519 ${b64(keyB)} c\n`);
    expect(verifyHostKey(entries, '127.0.0.1', 2201, keyA)).toBe('match');
    expect(verifyHostKey(entries, '127.0.0.1', 2201, keyB)).toBe('mismatch');
    expect(verifyHostKey(entries, '127.0.0.1', 2202, keyA)).toBe('unknown');
    expect(verifyHostKey(entries, '10.0.0.1', 22, keyB)).toBe('match');
    expect(verifyHostKey(entries, '127.0.0.1', 22, keyB)).toBe('unknown');
  });

  it('reads hashed entries (HMAC-SHA1 of the host name)', () => {
    const salt = randomBytes(20);
    const hash = createHmac('sha1', salt).update('[10.1.1.1]:2222').digest();
    const entries = parseKnownHosts(`|1|${b64(salt)}|${b64(hash)} ssh-ed25519 ${b64(keyA)}\n`);
    expect(verifyHostKey(entries, '10.1.1.1', 2222, keyA)).toBe('match');
    expect(verifyHostKey(entries, '10.1.1.1', 2222, keyB)).toBe('mismatch');
    expect(verifyHostKey(entries, '10.1.1.2', 2222, keyA)).toBe('unknown');
  });

  it('honours @revoked and ignores wildcards and @cert-authority lines', () => {
    const entries = parseKnownHosts(`@revoked h ssh-ed25519 ${b64(keyA)}\nh ssh-ed25519 ${b64(keyA)}\n* ssh-ed25519 ${b64(keyB)}\n@cert-authority h ssh-ed25519 ${b64(keyB)}\n`);
    expect(verifyHostKey(entries, 'h', 22, keyA)).toBe('revoked');
    expect(verifyHostKey(entries, 'h', 22, keyB)).toBe('mismatch');
    expect(verifyHostKey(entries, 'other', 22, keyB)).toBe('unknown');
  });

  it('prints OpenSSH-style fingerprints', () => {
    expect(fingerprint(keyA)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });
});
