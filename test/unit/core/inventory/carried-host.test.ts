import { parseConfig } from '../../../../config/load-config';
import { carriedHost } from '../../../../src/core/inventory/carried-host';
import { inventorySnapshot } from '../../../../src/core/inventory/inventory-snapshot';

describe('carriedHost', () => {
  const config = parseConfig(
    {
      ssh: { user: 'srsops', privateKeyPath: '/k', knownHostsPath: '/nonexistent' },
      bastions: [
        { name: 'outer', address: '10.9.0.1', user: 'jump' },
        { name: 'inner', address: '10.9.1.1', port: 2222 },
      ],
      groups: { deep: { jump: ['outer', 'inner'], become: 'sudo', user: 'ops' } },
      hosts: [
        { name: 'edge-1', address: '10.0.0.1', groups: ['deep'] },
        { name: 'edge-2', address: '10.0.0.2' },
      ],
    },
    'test',
  );
  const snap = inventorySnapshot(config, { kind: 'config', path: '/c.yml' }, 0);

  it('carries the resolved entry (group settings applied), the jump chain outermost first, and the digest', () => {
    const c = carriedHost(snap, config.ssh, 'edge-1');
    expect(c?.entry).toMatchObject({ name: 'edge-1', user: 'ops', become: 'sudo', jump: ['outer', 'inner'] });
    expect(c?.target).toEqual({
      name: 'edge-1',
      address: '10.0.0.1',
      port: 22,
      user: 'ops',
      jump: [
        { name: 'outer', address: '10.9.0.1', port: 22, user: 'jump' },
        { name: 'inner', address: '10.9.1.1', port: 2222, user: 'srsops' },
      ],
    });
    expect(c?.inventoryDigest).toBe(snap.digest);
    expect(carriedHost(snap, config.ssh, 'edge-2')?.target).toEqual({ name: 'edge-2', address: '10.0.0.2', port: 22, user: 'srsops' });
  });

  it('carries nothing for a host the snapshot does not have', () => {
    expect(carriedHost(snap, config.ssh, 'edge-9')).toBeUndefined();
  });
});
