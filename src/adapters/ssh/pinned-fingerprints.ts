import { readFileSync } from 'node:fs';
import type { Config } from '../../../config/schema';
import { fingerprint, linesFor, parseKnownHosts, verifyHostKey } from './known-hosts';

/**
 * Each host's pinned key fingerprint(s), as the workers pin them (the same known_hosts file and matching rules):
 * host name -> `SHA256:…` (several sorted, comma-separated). A host that no line pins is left out; so is every host
 * when the file cannot be read (a plan then names them as unpinned, and nothing is asked or run).
 */
export function pinnedFingerprints(config: Pick<Config, 'ssh' | 'hosts'>): Map<string, string> {
  const out = new Map<string, string>();
  let text: string;
  try {
    text = readFileSync(config.ssh.knownHostsPath, 'utf8');
  } catch {
    return out;
  }
  const known = parseKnownHosts(text);
  for (const h of config.hosts) {
    // The keys its lines pin, each kept only when the whole file accepts it as the workers would (a `@revoked` line
    // or an unreadable line that may name the host refuses it).
    const pins = linesFor(known, h.address, h.port).lines.filter((l) => l.marker === 'pin');
    const pinned = new Set(
      pins.filter((l) => verifyHostKey(known, h.address, h.port, l.key).kind === 'match').map((l) => fingerprint(l.key)),
    );
    if (pinned.size > 0) out.set(h.name, [...pinned].sort().join(','));
  }
  return out;
}
