import type { InventorySnapshot } from '../core/inventory/inventory-snapshot';

/** What a published snapshot keeps: enough to resolve targets and build host jobs (not where it was loaded from). */
export type PublishedInventory = Pick<InventorySnapshot, 'hosts' | 'bastions' | 'groups' | 'digest' | 'loadedAt'>;

/**
 * Inventory snapshots by digest, shared through Redis: the bot publishes the one it resolves requests against (once per
 * snapshot, not per request), and a worker expanding a fan-out builds its host jobs from exactly that snapshot.
 */
export interface InventoryStorePort {
  /** Stores the snapshot under its digest (idempotent; refreshes its expiry). */
  publish(snapshot: PublishedInventory): Promise<void>;
  /** The snapshot of a digest, or undefined when it was never published or has expired. */
  load(digest: string): Promise<PublishedInventory | undefined>;
}
