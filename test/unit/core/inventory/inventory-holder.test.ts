import { parseConfig } from '../../../../config/load-config';
import { fixedInventory, InventoryHolder } from '../../../../src/core/inventory/inventory-holder';
import { inventorySnapshot } from '../../../../src/core/inventory/inventory-snapshot';

const ssh = { user: 'srsops', privateKeyPath: '/k', knownHostsPath: '/nonexistent' };
const snap = (names: string[], at: number) =>
  inventorySnapshot(
    parseConfig({ ssh, hosts: names.map((name, i) => ({ name, address: `10.0.0.${i + 1}` })) }, 'test'),
    { kind: 'config', path: '/c.yml' },
    at,
  );

describe('InventoryHolder', () => {
  it('swaps the snapshot whole: a reader that took the old one keeps it, the next read gets the new one', () => {
    const first = snap(['edge-1', 'edge-2'], 1);
    const holder = new InventoryHolder(first);
    const taken = holder.current();
    const next = snap(['edge-1', 'edge-3'], 2);
    expect(holder.swap(next)).toBe(first);
    expect(taken.hosts.map((h) => h.name)).toEqual(['edge-1', 'edge-2']);
    expect(holder.current()).toBe(next);
  });

  it('keeps a refused reload until one succeeds; the snapshot in use stays meanwhile', () => {
    const first = snap(['edge-1'], 1);
    const holder = new InventoryHolder(first);
    holder.fail({ at: 5, reason: 'invalid configuration' });
    expect(holder.current()).toBe(first);
    expect(holder.lastFailure()).toEqual({ at: 5, reason: 'invalid configuration' });
    holder.swap(snap(['edge-2'], 6));
    expect(holder.lastFailure()).toBeUndefined();
    holder.fail({ at: 7, reason: 'again' });
    holder.clearFailure();
    expect(holder.lastFailure()).toBeUndefined();
  });

  it('fixedInventory answers the same snapshot and failure whatever happens to the holder', () => {
    const holder = new InventoryHolder(snap(['edge-1'], 1));
    holder.fail({ at: 2, reason: 'bad' });
    const pinned = fixedInventory(holder.current(), holder.lastFailure());
    holder.swap(snap(['edge-2'], 3));
    expect(pinned.current().hosts.map((h) => h.name)).toEqual(['edge-1']);
    expect(pinned.lastFailure()?.reason).toBe('bad');
  });
});
