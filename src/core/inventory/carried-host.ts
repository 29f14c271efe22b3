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
export function carriedHost(snap: InventorySnapshot, ssh: Pick<Config['ssh'], 'user'>, name: string): CarriedHost | undefined {
  const entry = snap.hosts.find((h) => h.name === name);
  if (entry === undefined) return undefined;
  const target = hostTarget({ ssh, bastions: snap.bastions }, entry);
  return { entry, target, inventoryDigest: snap.digest };
}
