import { appendFileSync, existsSync } from 'node:fs';
import type { Config } from '../../../config/schema';
import { fetchHostKey } from '../../adapters/ssh/fetch-host-key';
import { fingerprint, knownHostsName, parseKnownHosts, type KnownHosts } from '../../adapters/ssh/known-hosts';
import { asChatopsError } from '../../core/errors';
import { hostCoverage, readKnownHostsFile, type HostCoverage } from '../../adapters/ssh/pinned-hosts';
import type { Finding } from './finding';

/** The finding for a host that some line already names: never pinned again, whatever key it offers now. */
function covered(c: HostCoverage, path: string): Finding | undefined {
  if (c.blocking.length > 0) {
    return {
      host: c.name,
      check: 'host key pinned',
      ok: false,
      detail: `not pinned by --trust-new: ${c.name} ${c.entry} is named by ${path} ${c.blocking.join('; ')}`,
      fix: "verify the host key out of band, then correct known_hosts by hand (add a plain line with the host's own key; never delete a @revoked line to get in)",
    };
  }
  return undefined;
}

/**
 * `doctor --trust-new`: pins the key each host that no known_hosts line names offers now (trust on first use, asked
 * for explicitly), appends it to known_hosts and prints its fingerprint so the operator can check it out of band. A
 * host any line already covers (exact, pattern, hashed, `@revoked`, `@cert-authority`, or an unreadable line that may
 * name it) is never touched: it says which line covers it, and a changed key stays refused.
 */
export async function trustNewHosts(config: Config, out: NodeJS.WritableStream): Promise<Finding[]> {
  const path = config.ssh.knownHostsPath;
  const findings: Finding[] = [];
  let known: KnownHosts;
  try {
    known = existsSync(path) ? readKnownHostsFile(path) : parseKnownHosts('');
  } catch (err) {
    return [{ host: '-', check: 'host key pinned', ok: false, detail: 'known_hosts unreadable', fix: asChatopsError(err).userMessage }];
  }
  let byName = 0;
  for (const host of config.hosts) {
    const c = hostCoverage(known, host);
    const blocked = covered(c, path);
    if (blocked) {
      out.write(`${blocked.detail}; nothing changed\n`);
      findings.push(blocked);
      continue;
    }
    if (c.pinned.length > 0) {
      if (c.pinnedByName) byName += 1;
      else
        out.write(
          `not pinned by --trust-new: ${c.name} ${c.entry} is already covered by ${path} ${c.pinned.join(', ')}; nothing changed\n`,
        );
      continue;
    }
    try {
      const key = await fetchHostKey(host.address, host.port, config.ssh.connectTimeoutMs);
      const entry = `${knownHostsName(host.address, host.port)} ${key.type} ${key.blob.toString('base64')}`;
      appendFileSync(path, `${entry}\n`);
      const fp = fingerprint(key.blob);
      const excluded =
        c.negatedBy.length > 0 ? `; ${c.negatedBy.join(', ')} exclude${c.negatedBy.length === 1 ? 's' : ''} it with a !pattern` : '';
      out.write(
        `trusted on first use: ${host.name} ${c.entry} ${key.type} ${fp} (recorded in ${path}; verify this fingerprint out of band${excluded})\n`,
      );
      findings.push({ host: host.name, check: 'host key pinned', ok: true, detail: `${key.type} ${fp} (new; verify it)` });
    } catch (err) {
      findings.push({
        host: host.name,
        check: 'host key pinned',
        ok: false,
        detail: err instanceof Error ? err.message : String(err),
        fix: 'make the host reachable over SSH, then run doctor --trust-new again',
      });
    }
  }
  if (byName > 0) out.write(`already pinned by name in ${path}, not touched: ${byName} host${byName === 1 ? '' : 's'}\n`);
  return findings;
}
