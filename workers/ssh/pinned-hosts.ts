import { readFileSync } from 'node:fs';
import type { Config } from '../../config/schema';
import { ChatopsError, ErrorCode } from '../../src/core/errors';
import { knownHostsName, parseKnownHosts } from './known-hosts';
import { createHmac } from 'node:crypto';

/** Hosts of the config that known_hosts does not pin (no entry for `[address]:port`). */
export function unpinnedHosts(config: Config): Array<{ name: string; entry: string }> {
  let text: string;
  try {
    text = readFileSync(config.ssh.knownHostsPath, 'utf8');
  } catch {
    throw new ChatopsError(ErrorCode.ConfigInvalid, `cannot read ssh.knownHostsPath ${config.ssh.knownHostsPath}; create it with every host's key (srs-chatops doctor --trust-new pins them after you check the fingerprints).`);
  }
  const entries = parseKnownHosts(text);
  return config.hosts
    .map((h) => ({ name: h.name, entry: knownHostsName(h.address, h.port) }))
    .filter(({ entry }) =>
      !entries.some((e) => {
        if (e.revoked) return false;
        if (e.hashed) {
          const mac = createHmac('sha1', e.hashed.salt).update(entry).digest();
          return mac.equals(e.hashed.hash);
        }
        return e.patterns.includes(entry);
      }),
    );
}

/** Refuses to start when a host has no pinned key: an unpinned host would be refused at every job anyway. */
export function assertHostsPinned(config: Config): void {
  const missing = unpinnedHosts(config);
  if (missing.length === 0) return;
  const list = missing.map((m) => `${m.name} (${m.entry})`).join(', ');
  throw new ChatopsError(
    ErrorCode.HostKeyUnknown,
    `no pinned host key in ${config.ssh.knownHostsPath} for: ${list}. Check each host's fingerprint out of band, then pin it: srs-chatops doctor --trust-new (it records the key it sees and prints the fingerprint).`,
  );
}
