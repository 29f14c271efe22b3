import { hostTarget } from '../../../config/host-target';
import type { Config, HostConfig } from '../../../config/schema';
import type { HostTarget } from '../../ports/host-port';
import type { InventorySnapshot } from './inventory-snapshot';

/** What a job carries of its host: the entry as the bot resolved it, where SSH reaches it, and the inventory's digest. */
export interface CarriedHost {
  entry: HostConfig;
  target: HostTarget;
  inventoryDigest: string;
}

/** The host `name` of the snapshot as a job carries it; undefined when the snapshot has no such host. */
export function carriedHost(
  snap: Pick<InventorySnapshot, 'hosts' | 'bastions' | 'digest'>,
  ssh: Pick<Config['ssh'], 'user'>,
  name: string,
): CarriedHost | undefined {
  const entry = snap.hosts.find((h) => h.name === name);
  return entry === undefined ? undefined : carriedEntry(snap, ssh, entry);
}

/** {@link carriedHost} of an entry already found (a fan-out looks its hosts up once, by name). */
export function carriedEntry(
  snap: Pick<InventorySnapshot, 'bastions' | 'digest'>,
  ssh: Pick<Config['ssh'], 'user'>,
  entry: HostConfig,
): CarriedHost {
  return { entry, target: hostTarget({ ssh, bastions: snap.bastions }, entry), inventoryDigest: snap.digest };
}
