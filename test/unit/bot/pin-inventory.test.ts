import { parseConfig } from '../../../config/load-config';
import type { BotDeps } from '../../../src/bot/bot-deps';
import { jobInventory, pinInventory } from '../../../src/bot/pin-inventory';
import { InventoryHolder } from '../../../src/core/inventory/inventory-holder';
import { inventorySnapshot } from '../../../src/core/inventory/inventory-snapshot';

const ssh = { user: 'srsops', privateKeyPath: '/k', knownHostsPath: '/nonexistent' };
const source = { kind: 'config' as const, path: '/c.yml' };

describe('pinInventory', () => {
  it('holds a request to the snapshot it started with, through a reload; the next request sees the new one', () => {
    const config = parseConfig({ ssh, hosts: [{ name: 'edge-1', address: '10.0.0.1' }] }, 'test');
    const holder = new InventoryHolder(inventorySnapshot(config, source, 1));
    const deps = { config, inventory: holder } as unknown as BotDeps;
    const request = pinInventory(deps);
    const reloaded = parseConfig({ ssh, hosts: [{ name: 'edge-2', address: '10.0.0.2' }] }, 'test');
    holder.swap(inventorySnapshot(reloaded, source, 2));
    holder.fail({ at: 3, reason: 'later' });
    expect(request.inventory.current().hosts.map((h) => h.name)).toEqual(['edge-1']);
    expect(request.config.hosts.map((h) => h.name)).toEqual(['edge-1']);
    expect(request.inventory.lastFailure()).toBeUndefined();
    expect(jobInventory(request).snapshot.digest).toBe(request.inventory.current().digest);
    const next = pinInventory(deps);
    expect(next.config.hosts.map((h) => h.name)).toEqual(['edge-2']);
    expect(next.inventory.lastFailure()?.reason).toBe('later');
    expect(jobInventory(next)).toEqual({ snapshot: holder.current(), ssh: { user: 'srsops' }, rolling: next.config.rolling });
  });
});
