import { appendFileSync } from 'node:fs';
import type { Config } from '../../../config/schema';
import { fetchHostKey } from '../../../workers/ssh/fetch-host-key';
import { fingerprint, knownHostsName } from '../../../workers/ssh/known-hosts';
import { unpinnedHosts } from '../../../workers/ssh/pinned-hosts';
import type { Finding } from './finding';

/**
 * `doctor --trust-new`: pins the key each not-yet-pinned host offers now (trust on first use, asked for explicitly),
 * appends it to known_hosts and prints its fingerprint so the operator can check it out of band. Hosts already
 * pinned are never changed: a changed key stays refused.
 */
export async function trustNewHosts(config: Config, out: NodeJS.WritableStream): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const { name } of unpinnedHosts(config)) {
    const host = config.hosts.find((h) => h.name === name);
    if (!host) continue;
    try {
      const key = await fetchHostKey(host.address, host.port, config.ssh.connectTimeoutMs);
      const entry = `${knownHostsName(host.address, host.port)} ${key.type} ${key.blob.toString('base64')}`;
      appendFileSync(config.ssh.knownHostsPath, `${entry}\n`);
      const fp = fingerprint(key.blob);
      out.write(`trusted on first use: ${name} ${knownHostsName(host.address, host.port)} ${key.type} ${fp} (recorded in ${config.ssh.knownHostsPath}; verify this fingerprint out of band)\n`);
      findings.push({ host: name, check: 'host key pinned', ok: true, detail: `${key.type} ${fp} (new; verify it)` });
    } catch (err) {
      findings.push({ host: name, check: 'host key pinned', ok: false, detail: err instanceof Error ? err.message : String(err), fix: 'make the host reachable over SSH, then run doctor --trust-new again' });
    }
  }
  return findings;
}
