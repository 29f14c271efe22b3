import { readFileSync } from 'node:fs';
import type { Config, HostConfig } from '../../../config/schema';
import { ChatopsError, ErrorCode } from '../../core/errors';
import { describeLine, hostFieldMatch, knownHostsName, linesFor, parseKnownHosts, type KnownHosts } from './known-hosts';

/** Reads and parses `ssh.knownHostsPath`, refusing a file that cannot be read with the fix. */
export function readKnownHostsFile(path: string): KnownHosts {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ChatopsError(
      ErrorCode.ConfigInvalid,
      `cannot read ssh.knownHostsPath ${path}; create it with every host's key (srs-chatops doctor --trust-new pins them after you check the fingerprints).`,
    );
  }
  return parseKnownHosts(text);
}

/** What known_hosts says about one configured host. */
export interface HostCoverage {
  name: string;
  /** The host's known_hosts name (`[address]:port`, or `address` on port 22). */
  entry: string;
  /** Plain lines pinning keys for it (exact names, patterns or hashed). */
  pinned: string[];
  /** Whether a plain line names it exactly (no wildcard, not hashed): the usual pin, nothing to explain. */
  pinnedByName: boolean;
  /** Lines that name it but cannot pin a key: `@revoked`, `@cert-authority`, or unreadable lines that may name it. */
  blocking: string[];
  /** Lines a `!pattern` of which excludes it. */
  negatedBy: string[];
}

/** Which lines of known_hosts cover `host`, with OpenSSH's matching rules. */
export function hostCoverage(known: KnownHosts, host: Pick<HostConfig, 'name' | 'address' | 'port'>): HostCoverage {
  const entry = knownHostsName(host.address, host.port);
  const { lines, problems } = linesFor(known, host.address, host.port);
  return {
    name: host.name,
    entry,
    pinned: lines.filter((l) => l.marker === 'pin').map(describeLine),
    pinnedByName: lines.some(
      (l) => l.marker === 'pin' && l.hosts.kind === 'patterns' && l.hosts.text.toLowerCase().split(',').includes(entry),
    ),
    blocking: [
      ...problems.map((p) => `${describeLine(p)}: cannot be read (${p.reason})`),
      ...lines.filter((l) => l.marker === 'revoked').map((l) => `${describeLine(l)}: revokes a key of this host`),
      ...lines
        .filter((l) => l.marker === 'cert-authority')
        .map((l) => `${describeLine(l)}: host certificates, which this bot cannot verify`),
    ],
    negatedBy: known.lines.filter((l) => hostFieldMatch(l.hosts, entry) === 'negated').map(describeLine),
  };
}

/**
 * Hosts of the config, and bastions some host jumps through, that no plain known_hosts line pins (exact, pattern or
 * hashed), with the lines that name them. A bastion is pinned by its configured address and port, like a host.
 */
export function unpinnedHosts(config: Pick<Config, 'ssh' | 'hosts' | 'bastions'>): HostCoverage[] {
  const known = readKnownHostsFile(config.ssh.knownHostsPath);
  const jumped = new Set(config.hosts.flatMap((h) => h.jump ?? []));
  const bastions = config.bastions.filter((b) => jumped.has(b.name));
  return [...config.hosts, ...bastions].map((h) => hostCoverage(known, h)).filter((c) => c.pinned.length === 0);
}

/**
 * Refuses to start when a line of known_hosts cannot be read (it might revoke or pin any host), or a host has no
 * pinned key: an unpinned host would be refused at every job anyway.
 */
export function assertHostsPinned(config: Config): void {
  const path = config.ssh.knownHostsPath;
  const problems = readKnownHostsFile(path).problems;
  if (problems.length > 0) {
    const list = problems.map((p) => `${describeLine(p)}: ${p.reason}`).join('; ');
    throw new ChatopsError(
      ErrorCode.ConfigInvalid,
      `${path} has lines this bot cannot read, so it cannot honour them: ${list}. Correct or delete each line (srs-chatops doctor lists them).`,
    );
  }
  const missing = unpinnedHosts(config);
  if (missing.length === 0) return;
  const list = missing.map((m) => `${m.name} (${m.entry}${m.blocking.length > 0 ? `; ${m.blocking.join('; ')}` : ''})`).join(', ');
  throw new ChatopsError(
    ErrorCode.HostKeyUnknown,
    `no pinned host key in ${path} for: ${list}. Check each host's fingerprint out of band, then pin it: srs-chatops doctor --trust-new (it records the key it sees and prints the fingerprint) for a host no line names, or by hand for a host a @revoked or @cert-authority line names.`,
  );
}
