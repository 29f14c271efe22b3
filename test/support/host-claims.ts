import fs from 'node:fs';
import path from 'node:path';
import { mapLimit } from './map-limit';
import type { Fleet, FleetHost, ServiceManager } from './fleet';

/**
 * Which hosts a test wants: a predicate, or the spec fields to match. An object filter matches simulator hosts
 * unless it says `engine: 'real'`; `major` matches a version's `MAJOR.MINOR` (`'6.0'`), whatever the revision.
 */
export type HostFilter =
  | ((host: FleetHost) => boolean)
  | { serviceManager?: ServiceManager; version?: string; major?: string; group?: string; engine?: 'sim' | 'real'; asan?: boolean };

const DEFAULT_VERSION = '6.0.184';

function matches(host: FleetHost, filter: HostFilter | undefined): boolean {
  if (filter === undefined) return true;
  if (typeof filter === 'function') return filter(host);
  const { spec } = host;
  if ((spec.engine ?? 'sim') !== (filter.engine ?? 'sim')) return false;
  if ((spec.asan ?? false) !== (filter.asan ?? false)) return false;
  if (filter.major !== undefined && !(spec.version ?? DEFAULT_VERSION).startsWith(`${filter.major}.`)) return false;
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

/** How long a claim waits for other test files to release hosts. */
const CLAIM_WAIT_MS = 180000;

function claimOnce(fleet: Fleet, candidates: readonly FleetHost[], count: number): FleetHost[] | undefined {
  const claimed: FleetHost[] = [];
  for (const host of candidates) {
    if (claimed.length === count) break;
    if (tryClaim(fleet, host.name)) claimed.push(host);
  }
  if (claimed.length === count) return claimed;
  for (const host of claimed) fs.rmSync(claimDir(fleet, host.name), { recursive: true, force: true }); // give them back
  return undefined;
}

/**
 * Claims `count` unclaimed hosts matching `filter` (all at once, so two files never deadlock holding halves),
 * waiting while other test files hold them; resets each to its spec and returns fresh snapshots. Release them
 * with {@link releaseFleetHosts} when done. Throws when the fleet has too few matching hosts at all, or after
 * waiting {@link CLAIM_WAIT_MS}.
 */
export async function claimFleetHosts(
  fleet: Fleet,
  count: number,
  filter?: HostFilter,
  owner = `pid ${process.pid}`,
): Promise<FleetHost[]> {
  fs.mkdirSync(path.join(fleet.dir, 'claims'), { recursive: true });
  const candidates = fleet.hosts.filter((host) => matches(host, filter));
  if (candidates.length < count) {
    throw new Error(
      `${owner} wants ${count} hosts matching the filter; the shared fleet has only ${candidates.length} (add hosts in test/support/integration-fleet-spec.ts)`,
    );
  }
  const deadline = Date.now() + CLAIM_WAIT_MS;
  let claimed = claimOnce(fleet, candidates, count);
  while (!claimed) {
    if (Date.now() > deadline)
      throw new Error(`${owner} waited ${CLAIM_WAIT_MS / 1000}s for ${count} free hosts; other test files hold them`);
    await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    claimed = claimOnce(fleet, candidates, count);
  }
  for (const host of claimed) {
    fs.writeFileSync(path.join(claimDir(fleet, host.name), 'owner'), `${owner}\n`);
  }
  return mapLimit(claimed, 8, (host) => fleet.resetHost(host.name));
}

/** Gives claimed hosts back to the run (the next claimer resets them). */
export function releaseFleetHosts(fleet: Fleet, hosts: readonly { name: string }[]): void {
  for (const host of hosts) fs.rmSync(claimDir(fleet, host.name), { recursive: true, force: true });
}
