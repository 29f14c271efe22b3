import { appendFileSync, existsSync } from 'node:fs';
import { hostTarget } from '../../../config/host-target';
import type { Config } from '../../../config/schema';
import type { OfferedKey } from '../../adapters/ssh/fetch-host-key';
import type { HostTarget } from '../../ports/host-port';
import { fingerprint, knownHostsName, parseKnownHosts, type KnownHosts } from '../../adapters/ssh/known-hosts';
import { asChatopsError, ChatopsError } from '../../core/errors';
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

/** Reads the key a target offers (directly, or through its bastions, which must be pinned already). */
export type FetchHostKey = (target: HostTarget) => Promise<OfferedKey>;

/**
 * Every SSH endpoint to pin, in an order that works: each bastion (outermost first, reached through the hops before
 * it in the first chain that names it), then the hosts. A bastion must be pinned before anything behind it is fetched.
 */
export function endpointsToPin(config: Config): HostTarget[] {
  const bastions = new Map<string, HostTarget>();
  const targets = config.hosts.map((h) => hostTarget(config, h));
  for (const t of targets) {
    const chain = t.jump ?? [];
    chain.forEach((hop, i) => {
      if (!bastions.has(hop.name)) bastions.set(hop.name, { ...hop, ...(i > 0 && { jump: chain.slice(0, i) }) });
    });
  }
  return [...bastions.values(), ...targets];
}

/**
 * `doctor --trust-new`: pins the key each host or bastion that no known_hosts line names offers now (trust on first
 * use, asked for explicitly), appends it to known_hosts and prints its fingerprint so the operator can check it out
 * of band. Bastions come first; a host behind a bastion is asked through it (the bastion must be pinned, now or
 * before). Anything any line already covers (exact, pattern, hashed, `@revoked`, `@cert-authority`, or an unreadable
 * line that may name it) is never touched: it says which line covers it, and a changed key stays refused.
 */
export async function trustNewHosts(config: Config, out: NodeJS.WritableStream, fetchKey: FetchHostKey): Promise<Finding[]> {
  const path = config.ssh.knownHostsPath;
  const findings: Finding[] = [];
  let known: KnownHosts;
  try {
    known = existsSync(path) ? readKnownHostsFile(path) : parseKnownHosts('');
  } catch (err) {
    return [{ host: '-', check: 'host key pinned', ok: false, detail: 'known_hosts unreadable', fix: asChatopsError(err).userMessage }];
  }
  let byName = 0;
  for (const target of endpointsToPin(config)) {
    const c = hostCoverage(known, target);
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
    findings.push(await pinOne(target, c, path, out, fetchKey));
  }
  if (byName > 0) out.write(`already pinned by name in ${path}, not touched: ${byName} host${byName === 1 ? '' : 's'}\n`);
  return findings;
}

/** Fetches one endpoint's key and appends it to known_hosts, saying what it pinned. */
async function pinOne(
  target: HostTarget,
  c: HostCoverage,
  path: string,
  out: NodeJS.WritableStream,
  fetchKey: FetchHostKey,
): Promise<Finding> {
  const via = target.jump && target.jump.length > 0 ? ` (seen through ${target.jump.map((j) => j.name).join(' → ')})` : '';
  try {
    const key = await fetchKey(target);
    const entry = `${knownHostsName(target.address, target.port)} ${key.type} ${key.blob.toString('base64')}`;
    appendFileSync(path, `${entry}\n`);
    const fp = fingerprint(key.blob);
    const excluded =
      c.negatedBy.length > 0 ? `; ${c.negatedBy.join(', ')} exclude${c.negatedBy.length === 1 ? 's' : ''} it with a !pattern` : '';
    out.write(
      `trusted on first use: ${target.name} ${c.entry}${via} ${key.type} ${fp} (recorded in ${path}; verify this fingerprint out of band${excluded})\n`,
    );
    return { host: target.name, check: 'host key pinned', ok: true, detail: `${key.type} ${fp} (new; verify it)` };
  } catch (err) {
    return {
      host: target.name,
      check: 'host key pinned',
      ok: false,
      detail: err instanceof ChatopsError ? err.userMessage : err instanceof Error ? err.message : String(err),
      fix: `make it reachable over SSH${via ? ' through its bastions (pinned first)' : ''}, then run doctor --trust-new again`,
    };
  }
}
