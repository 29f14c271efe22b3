import type { HostConfig } from '../../../config/schema';

/**
 * Which machine a host name points at, as the workers reach it: part of what an approval is bound to, so that a
 * name re-pointed at another machine (same name, same version) voids the approval.
 */
export interface HostIdentity {
  address: string;
  port: number;
  /** The SSH login user (the host's `user`, else `ssh.user`). */
  user: string;
  srsRoot: string;
  serviceManager: HostConfig['serviceManager'];
  /** SHA256 fingerprints of the host's pinned keys in known_hosts, sorted, comma-separated; `none` when unpinned. */
  hostKey: string;
}

/** The pinned key value of a host that known_hosts does not pin (or that the bot cannot read). */
export const NO_PINNED_KEY = 'none';

/** A host's identity from the inventory, its login user and its pinned key fingerprint(s). */
export function hostIdentity(
  host: Pick<HostConfig, 'address' | 'port' | 'user' | 'srsRoot' | 'serviceManager'>,
  sshUser: string,
  hostKey: string | undefined,
): HostIdentity {
  return {
    address: host.address,
    port: host.port,
    user: host.user ?? sshUser,
    srsRoot: host.srsRoot,
    serviceManager: host.serviceManager,
    hostKey: hostKey ?? NO_PINNED_KEY,
  };
}

/** The identity as a fixed tuple (what the plan hash covers). */
export function identityTuple(id: HostIdentity): [string, number, string, string, string, string] {
  return [id.address, id.port, id.user, id.srsRoot, id.serviceManager, id.hostKey];
}

function shortKey(k: string): string {
  return k === NO_PINNED_KEY
    ? 'none pinned'
    : k
        .split(',')
        .map((f) => (f.length > 19 ? `${f.slice(0, 19)}…` : f))
        .join(', ');
}

/**
 * What differs between two identities of one host, in words (`address 10.0.0.2:22 → 10.0.0.9:22`); empty when the
 * same. `withKey: false` leaves the pinned key out (a worker compares its own inventory; its SSH connection checks
 * the key against known_hosts itself).
 */
export function identityChanges(was: HostIdentity, now: HostIdentity, withKey = true): string[] {
  const out: string[] = [];
  if (was.address !== now.address || was.port !== now.port) out.push(`address ${was.address}:${was.port} → ${now.address}:${now.port}`);
  if (was.user !== now.user) out.push(`login user ${was.user} → ${now.user}`);
  if (was.srsRoot !== now.srsRoot) out.push(`SRS root ${was.srsRoot} → ${now.srsRoot}`);
  if (was.serviceManager !== now.serviceManager) out.push(`service manager ${was.serviceManager} → ${now.serviceManager}`);
  if (withKey && was.hostKey !== now.hostKey) out.push(`pinned host key ${shortKey(was.hostKey)} → ${shortKey(now.hostKey)}`);
  return out;
}
