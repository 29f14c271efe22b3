import { createHash } from 'node:crypto';
import type { InventorySource } from '../../../config/inventory/inventory-source';
import type { BastionConfig, Config, GroupSettings, HostConfig } from '../../../config/schema';
import { canonicalJson } from '../audit/canonical-json';

/** The inventory as one load read it: what the bot resolves hosts against, swapped whole on a reload. */
export interface InventorySnapshot {
  readonly hosts: readonly HostConfig[];
  readonly bastions: readonly BastionConfig[];
  readonly groups: Readonly<Record<string, GroupSettings>>;
  /** Where the hosts came from. */
  readonly source: InventorySource;
  /** Epoch ms of the load. */
  readonly loadedAt: number;
  /** SHA-256 (hex) of the canonical JSON of the hosts and bastions: equal inventories, equal digests. */
  readonly digest: string;
}

/** A reload that was refused: the inventory in use stayed the one before. */
export interface InventoryFailure {
  /** Epoch ms of the attempt. */
  at: number;
  /** The first lines of the loader's error. */
  reason: string;
}

/** The digest of an inventory: hosts (resolved, in order) and bastions. */
export function inventoryDigest(inv: { hosts: readonly HostConfig[]; bastions: readonly BastionConfig[] }): string {
  return createHash('sha256')
    .update(canonicalJson({ hosts: inv.hosts, bastions: inv.bastions }))
    .digest('hex');
}

/** The snapshot of a loaded config's inventory part. */
export function inventorySnapshot(
  config: Pick<Config, 'hosts' | 'bastions' | 'groups'>,
  source: InventorySource,
  loadedAt: number,
): InventorySnapshot {
  return {
    hosts: config.hosts,
    bastions: config.bastions,
    groups: config.groups,
    source,
    loadedAt,
    digest: inventoryDigest(config),
  };
}

/** The first 12 hex digits of a digest, as `/srs hosts` and the logs show it. */
export function shortDigest(digest: string): string {
  return digest.slice(0, 12);
}

/** `config` with its inventory part replaced by the snapshot's (the other sections as they are). */
export function withInventory(config: Config, snap: InventorySnapshot): Config {
  return { ...config, hosts: [...snap.hosts], bastions: [...snap.bastions], groups: { ...snap.groups } };
}
