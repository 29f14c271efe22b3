import fs from 'node:fs';
import path from 'node:path';
import { mapLimit } from './map-limit';
import type { Fleet, FleetHost, ServiceManager } from './fleet';

/** Which hosts a test wants: a predicate, or the spec fields to match. */
export type HostFilter =
  | ((host: FleetHost) => boolean)
  | { serviceManager?: ServiceManager; version?: string; group?: string };

const DEFAULT_VERSION = '6.0.184';

function matches(host: FleetHost, filter: HostFilter | undefined): boolean {
  if (filter === undefined) return true;
  if (typeof filter === 'function') return filter(host);
  const { spec } = host;
  if (filter.serviceManager !== undefined && (spec.serviceManager ?? 'initd') !== filter.serviceManager) return false;
  if (filter.version !== undefined && (spec.version ?? DEFAULT_VERSION) !== filter.version) return false;
  if (filter.group !== undefined && !(spec.groups ?? []).includes(filter.group)) return false;
  return true;
}

/** Directory of a host's claim: `fleetDir/claims/<name>` (mkdir is atomic across processes). */
function claimDir(fleet: Fleet, name: string): string {
  return path.join(fleet.dir, 'claims', name);
}

function tryClaim(fleet: Fleet, name: string): boolean {
  try {
    fs.mkdirSync(claimDir(fleet, name));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/**
 * Claims `count` unclaimed hosts matching `filter`, for good (a host is handed out at most once per fleet, whatever
 * process asks), resets each to its spec, and returns fresh snapshots. Throws when too few are left.
 */
export async function claimFleetHosts(
  fleet: Fleet,
  count: number,
  filter?: HostFilter,
  owner = `pid ${process.pid}`,
): Promise<FleetHost[]> {
  fs.mkdirSync(path.join(fleet.dir, 'claims'), { recursive: true });
  const candidates = fleet.hosts.filter((host) => matches(host, filter));
  const claimed: FleetHost[] = [];
  for (const host of candidates) {
    if (claimed.length === count) break;
    if (tryClaim(fleet, host.name)) claimed.push(host);
  }
  if (claimed.length < count) {
    for (const host of claimed) fs.rmdirSync(claimDir(fleet, host.name)); // never handed out: give them back
    throw new Error(
      `${owner} wants ${count} hosts matching the filter; only ${claimed.length} of ${candidates.length} are still free ` +
        `(the shared fleet has ${fleet.hosts.length}: add hosts in test/support/integration-fleet-spec.ts)`,
    );
  }
  for (const host of claimed) {
    fs.writeFileSync(path.join(claimDir(fleet, host.name), 'owner'), `${owner}\n`);
  }
  return mapLimit(claimed, 8, (host) => fleet.resetHost(host.name));
}
