import { createHmac, createHash, timingSafeEqual } from 'node:crypto';

/** One usable line of a known_hosts file. */
interface KnownHostEntry {
  patterns: string[];
  hashed?: { salt: Buffer; hash: Buffer };
  keyType: string;
  key: Buffer;
  revoked: boolean;
}

/** What a known_hosts file says about a presented host key. */
export type HostKeyVerdict = 'match' | 'mismatch' | 'unknown' | 'revoked';

/** The name a host has in known_hosts: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

/** SHA256 fingerprint as OpenSSH prints it (`SHA256:base64-without-padding`). */
export function fingerprint(key: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(key).digest('base64').replace(/=+$/, '');
}

/** Parses known_hosts text. Lines it cannot read are skipped; `@cert-authority` lines are ignored (no CA support). */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    let revoked = false;
    if (fields[0]?.startsWith('@')) {
      const marker = fields.shift();
      if (marker !== '@revoked') continue;
      revoked = true;
    }
    const [hosts, keyType, keyB64] = fields;
    if (hosts === undefined || keyType === undefined || keyB64 === undefined) continue;
    const key = Buffer.from(keyB64, 'base64');
    if (key.length === 0) continue;
    if (hosts.startsWith('|1|')) {
      const [, , salt, hash] = hosts.split('|');
      if (salt === undefined || hash === undefined) continue;
      entries.push({ patterns: [], hashed: { salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') }, keyType, key, revoked });
    } else {
      entries.push({ patterns: hosts.split(','), keyType, key, revoked });
    }
  }
  return entries;
}

function entryNames(entry: KnownHostEntry, name: string): boolean {
  if (entry.hashed) {
    const mac = createHmac('sha1', entry.hashed.salt).update(name).digest();
    return mac.length === entry.hashed.hash.length && timingSafeEqual(mac, entry.hashed.hash);
  }
  // Exact names only: wildcard and negated patterns are not honoured, so they never pin a key here.
  return entry.patterns.includes(name);
}

/**
 * Decides whether `key` (the raw key blob the server presented) is the pinned key of `address:port`.
 * `mismatch` when the host is known with other keys (a changed host key), `unknown` when the host is not listed.
 */
export function verifyHostKey(entries: readonly KnownHostEntry[], address: string, port: number, key: Buffer): HostKeyVerdict {
  const name = knownHostsName(address, port);
  const forHost = entries.filter((e) => entryNames(e, name));
  if (forHost.some((e) => e.revoked && e.key.equals(key))) return 'revoked';
  const pinned = forHost.filter((e) => !e.revoked);
  if (pinned.some((e) => e.key.equals(key))) return 'match';
  return pinned.length > 0 ? 'mismatch' : 'unknown';
}
