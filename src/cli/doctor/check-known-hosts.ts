import type { Config } from '../../../config/schema';
import { asChatopsError } from '../../core/errors';
import { describeLine } from '../../adapters/ssh/known-hosts';
import { readKnownHostsFile } from '../../adapters/ssh/pinned-hosts';
import type { Finding } from './finding';

/**
 * Reads known_hosts as the workers do: one PROBLEM per line they cannot read (it is refused, never skipped), and a
 * summary of what the other lines are. Whether each host's key matches is the `ssh` check's business.
 */
export function checkKnownHosts(config: Config): Finding[] {
  const path = config.ssh.knownHostsPath;
  try {
    const known = readKnownHostsFile(path);
    const count = (marker: string) => known.lines.filter((l) => l.marker === marker).length;
    const hashed = known.lines.filter((l) => l.hosts.kind === 'hashed').length;
    const summary: Finding = {
      host: '-',
      check: 'known_hosts',
      ok: true,
      detail: `${known.lines.length} lines read (${count('pin')} pins, ${hashed} hashed, ${count('revoked')} @revoked, ${count('cert-authority')} @cert-authority)`,
    };
    const problems = known.problems.map<Finding>((p) => ({
      host: '-',
      check: 'known_hosts',
      ok: false,
      detail: `${describeLine(p)}: ${p.reason}`,
      fix: `correct or delete line ${p.line} of ${path}: hosts it may name are refused until then`,
    }));
    return problems.length > 0 ? problems : [summary];
  } catch (err) {
    return [{ host: '-', check: 'known_hosts', ok: false, detail: 'unreadable', fix: asChatopsError(err).userMessage }];
  }
}
