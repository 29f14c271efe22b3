import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../../../config/load-config';
import { matchHostPatterns, matchPattern } from '../../../../src/adapters/ssh/host-pattern';
import { fingerprint, knownHostsName, parseKnownHosts, verifyHostKey } from '../../../../src/adapters/ssh/known-hosts';
import { assertHostsPinned, hostCoverage } from '../../../../src/adapters/ssh/pinned-hosts';
import { connectError } from '../../../../src/adapters/ssh/ssh-errors';

/** An ed25519 public key blob as OpenSSH writes it: string "ssh-ed25519", string 32 bytes. */
function edKey(): Buffer {
  const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  return Buffer.concat([str(Buffer.from('ssh-ed25519')), str(randomBytes(32))]);
}
const keyA = edKey();
const keyB = edKey();
const keyC = edKey();
const b64 = (b: Buffer) => b.toString('base64');
const ed = (b: Buffer) => `ssh-ed25519 ${b64(b)}`;
const hashedName = (name: string) => {
  const salt = randomBytes(20);
  return `|1|${b64(salt)}|${b64(createHmac('sha1', salt).update(name).digest())}`;
};

describe('known_hosts', () => {
  it('names non-22 ports in brackets, in lower case as ssh looks them up', () => {
    expect(knownHostsName('10.0.0.1', 22)).toBe('10.0.0.1');
    expect(knownHostsName('127.0.0.1', 2201)).toBe('[127.0.0.1]:2201');
    expect(knownHostsName('Edge-1.Example.COM', 2201)).toBe('[edge-1.example.com]:2201');
  });

  it('matches a pinned key, refuses a changed key and an unknown host', () => {
    const known = parseKnownHosts(`# comment\n[127.0.0.1]:2201 ${ed(keyA)}\nedge-1,10.0.0.1 ${ed(keyB)} c\n`);
    expect(known.problems).toEqual([]);
    expect(verifyHostKey(known, '127.0.0.1', 2201, keyA)).toEqual({ kind: 'match', line: 2 });
    expect(verifyHostKey(known, '127.0.0.1', 2201, keyB)).toEqual({ kind: 'mismatch', lines: [2] });
    expect(verifyHostKey(known, '127.0.0.1', 2202, keyA)).toEqual({ kind: 'unknown' });
    expect(verifyHostKey(known, '10.0.0.1', 22, keyB)).toEqual({ kind: 'match', line: 3 });
    expect(verifyHostKey(known, '127.0.0.1', 22, keyB)).toEqual({ kind: 'unknown' });
  });

  it('reads hashed entries (HMAC-SHA1 of the host name)', () => {
    const known = parseKnownHosts(`${hashedName('[10.1.1.1]:2222')} ${ed(keyA)}\n`);
    expect(verifyHostKey(known, '10.1.1.1', 2222, keyA).kind).toBe('match');
    expect(verifyHostKey(known, '10.1.1.1', 2222, keyB).kind).toBe('mismatch');
    expect(verifyHostKey(known, '10.1.1.2', 2222, keyA).kind).toBe('unknown');
  });

  it("matches patterns as OpenSSH's match_pattern: * and ? wildcards, [ and ] literal, case-insensitive", () => {
    expect(matchPattern('[127.0.0.1]:27441', '[127.0.0.1]:2744?')).toBe(true);
    expect(matchPattern('[127.0.0.1]:2744', '[127.0.0.1]:2744?')).toBe(false);
    expect(matchPattern('[127.0.0.1]:274411', '[127.0.0.1]:2744?')).toBe(false);
    expect(matchPattern('anything', '*')).toBe(true);
    expect(matchPattern('', '*')).toBe(true);
    expect(matchPattern('edge-1.prod.example.com', '*.prod.*.com')).toBe(true);
    expect(matchPattern('edge-1.prod.example.org', '*.prod.*.com')).toBe(false);
    expect(matchPattern('aXbXc', '*X*X?')).toBe(true);
    expect(matchHostPatterns('EDGE-1', 'edge-?')).toBe('match');
    expect(matchHostPatterns('edge-1', 'edge-*,!edge-1')).toBe('negated');
    expect(matchHostPatterns('edge-1', '!edge-1,edge-*')).toBe('negated');
    expect(matchHostPatterns('edge-2', '!edge-1,edge-*')).toBe('match');
    expect(matchHostPatterns('core-1', '!edge-1')).toBe('none');
  });

  it('finding 12: a host pinned through a pattern is pinned; its changed key is a mismatch, not unknown', () => {
    const known = parseKnownHosts(`[127.0.0.1]:2744? ${ed(keyA)}\n`);
    expect(verifyHostKey(known, '127.0.0.1', 27441, keyA)).toEqual({ kind: 'match', line: 1 });
    expect(verifyHostKey(known, '127.0.0.1', 27441, keyB)).toEqual({ kind: 'mismatch', lines: [1] });
    expect(verifyHostKey(known, '127.0.0.1', 2744, keyA)).toEqual({ kind: 'unknown' });
    const c = hostCoverage(known, { name: 'edge-2', address: '127.0.0.1', port: 27441 });
    expect(c).toMatchObject({ entry: '[127.0.0.1]:27441', pinned: ['line 1 ([127.0.0.1]:2744?)'], pinnedByName: false, blocking: [] });
  });

  it('a negated pattern makes the whole line not apply, even where another pattern of it matches', () => {
    const known = parseKnownHosts(`[127.0.0.1]:*,![127.0.0.1]:2201 ${ed(keyA)}\n`);
    expect(verifyHostKey(known, '127.0.0.1', 2202, keyA).kind).toBe('match');
    expect(verifyHostKey(known, '127.0.0.1', 2201, keyA)).toEqual({ kind: 'unknown' });
    const c = hostCoverage(known, { name: 'h', address: '127.0.0.1', port: 2201 });
    expect(c).toMatchObject({ pinned: [], blocking: [], negatedBy: ['line 1 ([127.0.0.1]:*,![127.0.0.1]:2201)'] });
  });

  it('finding 12: @revoked refuses that key whatever other lines say, and a revoked-only host is covered, not new', () => {
    const known = parseKnownHosts(`h ${ed(keyA)}\n* ${ed(keyB)}\n@revoked h* ${ed(keyA)}\n`);
    expect(verifyHostKey(known, 'h', 22, keyA)).toEqual({ kind: 'revoked', line: 3 });
    expect(verifyHostKey(known, 'h', 22, keyB)).toEqual({ kind: 'match', line: 2 });
    expect(verifyHostKey(known, 'other', 22, keyA)).toEqual({ kind: 'mismatch', lines: [2] });
    const only = parseKnownHosts(`@revoked [127.0.0.1]:2201 ${ed(keyA)}\n`);
    expect(verifyHostKey(only, '127.0.0.1', 2201, keyA)).toEqual({ kind: 'revoked', line: 1 });
    expect(hostCoverage(only, { name: 'h', address: '127.0.0.1', port: 2201 })).toMatchObject({
      pinned: [],
      blocking: ['line 1 (@revoked, [127.0.0.1]:2201): revokes a key of this host'],
    });
    const e = connectError('edge-4', new Error('handshake failed'), verifyHostKey(only, '127.0.0.1', 2201, keyA), fingerprint(keyA));
    expect(e.userMessage).toBe(
      `REFUSED: the host key of edge-4 (${fingerprint(keyA)}) is REVOKED by known_hosts line 1 (@revoked); nothing was run. Give the host a new key, verify it out of band and pin it; never remove the @revoked line to get in.`,
    );
    expect(e.userMessage).not.toMatch(/CHANGED/);
  });

  it('@cert-authority is refused loudly as such, never taken as a pin or as absent', () => {
    const known = parseKnownHosts(`@cert-authority *.example.com ${ed(keyC)}\nedge-2.example.com ${ed(keyB)}\n`);
    expect(verifyHostKey(known, 'edge-1.example.com', 22, keyC)).toEqual({ kind: 'cert-authority', line: 1 });
    expect(verifyHostKey(known, 'edge-1.example.com', 22, keyA)).toEqual({ kind: 'cert-authority', line: 1 });
    expect(verifyHostKey(known, 'edge-2.example.com', 22, keyB)).toEqual({ kind: 'match', line: 2 });
    expect(verifyHostKey(known, 'edge-2.example.com', 22, keyA)).toEqual({ kind: 'cert-authority', line: 1 });
    expect(hostCoverage(known, { name: 'edge-1', address: 'edge-1.example.com', port: 22 }).blocking).toEqual([
      'line 1 (@cert-authority, *.example.com): host certificates, which this bot cannot verify',
    ]);
    const e = connectError('edge-1', new Error('x'), verifyHostKey(known, 'edge-1.example.com', 22, keyA), fingerprint(keyA));
    expect(e.userMessage).toMatch(
      /^REFUSED: known_hosts line 1 trusts a certificate authority \(@cert-authority\) for edge-1, and this bot cannot verify OpenSSH host certificates/,
    );
  });

  it('every line it cannot read is a problem with its reason, and refuses the hosts it may name', () => {
    const text = [
      `@bogus h ${ed(keyA)}`,
      `h2 ssh-ed25519 not*base64`,
      `h3 ssh-rsa ${b64(keyA)}`,
      `h4`,
      `|1|c2hvcnQ=|c2hvcnQ= ${ed(keyA)}`,
      `h ${ed(keyA)}`,
      `h5 1024 35 12345`,
    ].join('\n');
    const known = parseKnownHosts(text);
    expect(known.lines.map((l) => l.line)).toEqual([6]);
    expect(known.problems.map((p) => [p.line, p.reason])).toEqual([
      [1, 'unknown marker @bogus (OpenSSH knows @revoked and @cert-authority)'],
      [2, 'the key is not valid base64'],
      [3, 'the key field is not a ssh-rsa key'],
      [4, 'expected "[marker] hosts key-type base64-key"'],
      [5, 'hashed host name has a salt or hash that is not 20 bytes of base64'],
      [7, 'an SSH-1 key (not supported)'],
    ]);
    expect(verifyHostKey(known, 'h', 22, keyA)).toEqual({
      kind: 'unreadable',
      line: 1,
      reason: 'unknown marker @bogus (OpenSSH knows @revoked and @cert-authority)',
    });
    // a line whose host field is unreadable may name any host
    const onlyHash = parseKnownHosts(`|1|c2hvcnQ=|c2hvcnQ= ${ed(keyA)}\nh ${ed(keyA)}\n`);
    expect(verifyHostKey(onlyHash, 'h', 22, keyA).kind).toBe('unreadable');
    // a readable host field that does not name the host does not refuse it
    const other = parseKnownHosts(`@bogus other ${ed(keyA)}\nh ${ed(keyA)}\n`);
    expect(verifyHostKey(other, 'h', 22, keyA)).toEqual({ kind: 'match', line: 2 });
    const e = connectError('h', new Error('x'), verifyHostKey(known, 'h', 22, keyA), fingerprint(keyA));
    expect(e.userMessage).toMatch(/^REFUSED: known_hosts line 1 may name h but cannot be read \(unknown marker @bogus/);
  });

  it('too many authentication failures (MaxAuthTries) is an authentication failure that says which key to put first', () => {
    const e = connectError('h', Object.assign(new Error('Too many authentication failures'), { code: 2 }), undefined, undefined);
    expect(e.code).toBe('ssh_auth_failed');
    expect(e.userMessage).toMatch(/^SSH login to h was refused \(too many authentication failures: the server's MaxAuthTries ran out/);
  });

  it('a changed key names the lines that pin another', () => {
    const known = parseKnownHosts(`h ${ed(keyA)}\nh,h2 ${ed(keyC)}\n`);
    const e = connectError('h', new Error('x'), verifyHostKey(known, 'h', 22, keyB), fingerprint(keyB));
    expect(e.userMessage).toMatch(
      /^REFUSED: the host key of h has CHANGED \(now SHA256:\S+; known_hosts lines 1, 2 pin another key\); nothing was run/,
    );
  });

  it('worker start: refuses an unreadable line, and names the line of a host only @revoked or @cert-authority names', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kh-unit-')), 'known_hosts');
    const config = parseConfig(
      {
        ssh: { user: 'u', privateKeyPath: '/k', knownHostsPath: file },
        hosts: [
          { name: 'edge-1', address: '10.0.0.1' },
          { name: 'edge-2', address: '10.0.0.2', port: 2222 },
        ],
      },
      't',
    );
    fs.writeFileSync(file, `10.0.0.? ${ed(keyA)}\n[10.0.0.2]:2222 ${ed(keyB)}\n`);
    expect(() => assertHostsPinned(config)).not.toThrow();
    fs.writeFileSync(file, `10.0.0.? ${ed(keyA)}\n@revoked [10.0.0.2]:2222 ${ed(keyB)}\n`);
    expect(() => assertHostsPinned(config)).toThrow(
      `no pinned host key in ${file} for: edge-2 ([10.0.0.2]:2222; line 2 (@revoked, [10.0.0.2]:2222): revokes a key of this host).`,
    );
    fs.writeFileSync(file, `10.0.0.? ${ed(keyA)}\n[10.0.0.2]:2222 ${ed(keyB)}\n@bogus nowhere ${ed(keyC)}\n`);
    expect(() => assertHostsPinned(config)).toThrow(
      `${file} has lines this bot cannot read, so it cannot honour them: line 3 (nowhere): unknown marker @bogus (OpenSSH knows @revoked and @cert-authority). Correct or delete each line (srs-chatops doctor lists them).`,
    );
  });

  it('worker start: a bastion some host jumps through must be pinned too (by its configured address and port)', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kh-unit-')), 'known_hosts');
    const config = parseConfig(
      {
        ssh: { user: 'u', privateKeyPath: '/k', knownHostsPath: file },
        bastions: [
          { name: 'bastion-1', address: '10.0.1.2' },
          { name: 'unused', address: '10.0.9.9' },
        ],
        hosts: [{ name: 'edge-1', address: '10.0.3.2', jump: 'bastion-1' }],
      },
      't',
    );
    fs.writeFileSync(file, `10.0.3.2 ${ed(keyA)}\n`);
    expect(() => assertHostsPinned(config)).toThrow(`no pinned host key in ${file} for: bastion-1 (10.0.1.2).`);
    fs.writeFileSync(file, `10.0.3.2 ${ed(keyA)}\n10.0.1.2 ${ed(keyB)}\n`);
    expect(() => assertHostsPinned(config)).not.toThrow();
  });

  it('prints OpenSSH-style fingerprints', () => {
    expect(fingerprint(keyA)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });
});
