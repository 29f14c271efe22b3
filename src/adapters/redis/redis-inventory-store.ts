import type { Redis } from 'ioredis';
import type { InventoryStorePort, PublishedInventory } from '../../ports/inventory-store-port';
import { keys } from './keys';

/** How long a published snapshot is kept after its last publish: longer than any fan-out waits to be expanded. */
const KEEP_SECONDS = 30 * 24 * 3600;

/** InventoryStorePort on Redis: one JSON string per digest. */
export class RedisInventoryStore implements InventoryStorePort {
  constructor(private readonly redis: Redis) {}

  async publish(snapshot: PublishedInventory): Promise<void> {
    const { hosts, bastions, groups, digest, loadedAt } = snapshot;
    await this.redis.set(keys.inventorySnapshot(digest), JSON.stringify({ hosts, bastions, groups, digest, loadedAt }), 'EX', KEEP_SECONDS);
  }

  async load(digest: string): Promise<PublishedInventory | undefined> {
    const raw = await this.redis.get(keys.inventorySnapshot(digest));
    if (raw === null) return undefined;
    const parsed = JSON.parse(raw) as PublishedInventory;
    return parsed.digest === digest && Array.isArray(parsed.hosts) ? parsed : undefined;
  }
}
