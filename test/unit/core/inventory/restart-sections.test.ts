import { parseConfig } from '../../../../config/load-config';
import { restartSections } from '../../../../src/core/inventory/restart-sections';

const ssh = { user: 'srsops', privateKeyPath: '/k', knownHostsPath: '/nonexistent' };

describe('restartSections', () => {
  const running = parseConfig({ ssh, hosts: [{ name: 'edge-1', address: '10.0.0.1' }] }, 'test');

  it('names the sections other than the inventory that changed', () => {
    const reloaded = parseConfig(
      { ssh: { ...ssh, user: 'deploy' }, worker: { concurrency: 3 }, hosts: [{ name: 'edge-2', address: '10.0.0.2' }] },
      'test',
    );
    expect(restartSections(running, reloaded)).toEqual(['ssh', 'worker']);
  });

  it('finds none when only the hosts, bastions or groups changed', () => {
    const reloaded = parseConfig(
      {
        ssh,
        bastions: [{ name: 'b1', address: '10.9.0.1' }],
        groups: { edges: { become: 'sudo' } },
        hosts: [{ name: 'edge-2', address: '10.0.0.2', groups: ['edges'], jump: 'b1' }],
      },
      'test',
    );
    expect(restartSections(running, reloaded)).toEqual([]);
  });
});
