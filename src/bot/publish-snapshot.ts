import type { InventorySnapshot } from '../core/inventory/inventory-snapshot';
import type { InventoryStorePort } from '../ports/inventory-store-port';

/** A snapshot is published again after this long (its expiry in the store is refreshed well before it runs out). */
const REPUBLISH_MS = 24 * 3600 * 1000;

/** Per store: when each digest was last published by this process. */
const publishedAt = new WeakMap<InventoryStorePort, Map<string, number>>();

/**
 * Makes sure the workers can read `snapshot` by its digest: published once per snapshot and process (and again a day
 * later), so a fan-out's accept path costs one write only the first time after a start or a reload.
 */
export async function ensureSnapshotPublished(store: InventoryStorePort, snapshot: InventorySnapshot, now: number): Promise<void> {
  let seen = publishedAt.get(store);
  if (seen === undefined) {
    seen = new Map();
    publishedAt.set(store, seen);
  }
  const last = seen.get(snapshot.digest);
  if (last !== undefined && now - last < REPUBLISH_MS) return;
  const { hosts, bastions, groups, digest, loadedAt } = snapshot;
  await store.publish({ hosts, bastions, groups, digest, loadedAt });
  if (seen.size > 16) seen.clear();
  seen.set(snapshot.digest, now);
}
