import { parseConfig } from '../../../../config/load-config';
import { diffInventory, isEmptyDiff } from '../../../../src/core/inventory/inventory-diff';

const ssh = { user: 'srsops', privateKeyPath: '/k', knownHostsPath: '/nonexistent' };
const inv = (doc: Record<string, unknown>) => parseConfig({ ssh, ...doc }, 'test');

describe('diffInventory', () => {
  const before = inv({
    bastions: [{ name: 'bastion-1', address: '10.9.0.1' }],
    hosts: [
      { name: 'edge-1', address: '10.0.0.1', groups: ['edges'] },
      { name: 'edge-2', address: '10.0.0.2' },
      { name: 'edge-3', address: '10.0.0.3', jump: 'bastion-1' },
    ],
  });

  it('names the hosts added and removed, and per changed host the fields that changed', () => {
    const after = inv({
      bastions: [{ name: 'bastion-1', address: '10.9.0.1' }],
      hosts: [
        { name: 'edge-1', address: '10.0.0.11', port: 2222, groups: ['edges', 'prod'] },
        { name: 'edge-3', address: '10.0.0.3', jump: 'bastion-1', become: 'sudo', srsRoot: '/opt/srs' },
        { name: 'edge-4', address: '10.0.0.4' },
      ],
    });
    expect(diffInventory(before, after)).toEqual({
      added: ['edge-4'],
      removed: ['edge-2'],
      changed: [
        { name: 'edge-1', fields: ['address', 'groups', 'port'] },
        { name: 'edge-3', fields: ['become', 'srsRoot'] },
      ],
      bastions: [],
    });
  });

  it('sees a field that appears or disappears (user, jump), and a bastion that moved', () => {
    const after = inv({
      bastions: [{ name: 'bastion-1', address: '10.9.0.2' }],
      hosts: [
        { name: 'edge-1', address: '10.0.0.1', groups: ['edges'], user: 'deploy' },
        { name: 'edge-2', address: '10.0.0.2' },
        { name: 'edge-3', address: '10.0.0.3' },
      ],
    });
    const d = diffInventory(before, after);
    expect(d.changed).toEqual([
      { name: 'edge-1', fields: ['user'] },
      { name: 'edge-3', fields: ['jump'] },
    ]);
    expect(d.bastions).toEqual(['bastion-1']);
    expect(isEmptyDiff(d)).toBe(false);
  });

  it('finds nothing in the same inventory, even with its hosts written in another key order', () => {
    const same = inv({
      bastions: [{ address: '10.9.0.1', name: 'bastion-1' }],
      hosts: [
        { groups: ['edges'], address: '10.0.0.1', name: 'edge-1' },
        { address: '10.0.0.2', name: 'edge-2' },
        { jump: ['bastion-1'], address: '10.0.0.3', name: 'edge-3' },
      ],
    });
    const d = diffInventory(before, same);
    expect(d).toEqual({ added: [], removed: [], changed: [], bastions: [] });
    expect(isEmptyDiff(d)).toBe(true);
  });
});
