import { parseConfig } from '../../../../config/load-config';
import { inventoryDigest, inventorySnapshot, shortDigest, withInventory } from '../../../../src/core/inventory/inventory-snapshot';

const ssh = { user: 'srsops', privateKeyPath: '/k', knownHostsPath: '/nonexistent' };

describe('inventory snapshots', () => {
  const config = parseConfig({ ssh, hosts: [{ name: 'edge-1', address: '10.0.0.1' }] }, 'test');
  const source = { kind: 'config' as const, path: '/etc/srs-chatops.yml' };

  it('digests the hosts and bastions: the same inventory the same digest, any field changed another', () => {
    const snap = inventorySnapshot(config, source, 1000);
    expect(snap.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(snap).toMatchObject({ hosts: config.hosts, source, loadedAt: 1000 });
    // The load time and the source are not the inventory: the digest stays.
    expect(inventorySnapshot(config, { kind: 'yaml', path: '/x.yml' }, 2000).digest).toBe(snap.digest);
    const moved = parseConfig({ ssh, hosts: [{ name: 'edge-1', address: '10.0.0.1', port: 23 }] }, 'test');
    expect(inventoryDigest(moved)).not.toBe(snap.digest);
    expect(shortDigest(snap.digest)).toBe(snap.digest.slice(0, 12));
  });

  it('withInventory replaces the hosts, bastions and groups only', () => {
    const other = parseConfig(
      {
        ssh,
        bastions: [{ name: 'b1', address: '10.9.0.1' }],
        groups: { edges: { jump: 'b1' } },
        hosts: [{ name: 'edge-9', address: '10.0.0.9', groups: ['edges'] }],
      },
      'test',
    );
    const merged = withInventory(config, inventorySnapshot(other, source, 0));
    expect(merged.hosts.map((h) => h.name)).toEqual(['edge-9']);
    expect(merged.bastions.map((b) => b.name)).toEqual(['b1']);
    expect(Object.keys(merged.groups)).toEqual(['edges']);
    expect(merged.ssh).toBe(config.ssh);
    expect(merged.worker).toBe(config.worker);
  });
});
