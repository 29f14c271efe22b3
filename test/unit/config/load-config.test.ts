import { loadConfig, parseConfig } from '../../../config/load-config';
import { ChatopsError } from '../../../src/core/errors';

const ssh = { user: 'srsops', privateKeyPath: '/k', knownHostsPath: '/kh' };

describe('config', () => {
  it('loads the example with defaults filled in', () => {
    const c = loadConfig({ SRS_CHATOPS_CONFIG: 'config/example.yml' });
    expect(c.hosts.map((h) => h.name)).toEqual(['edge-1', 'origin-1']);
    expect(c.hosts[1]).toMatchObject({ port: 22, srsRoot: '/usr/local/srs', serviceManager: 'systemd', api: '127.0.0.1:1985' });
    expect(c.worker.startSettleMs).toBe(2500);
  });

  it('lists every problem at once, each with a fix', () => {
    let message = '';
    try {
      parseConfig(
        {
          ssh: { user: 'x' },
          hosts: [
            { name: 'Edge 1', address: 'a;b', srsRoot: 'rel/path', typo: 1 },
            { name: 'e2', address: 'x', serviceManager: 'upstart' },
          ],
        },
        'test.yml',
      );
    } catch (err) {
      expect(err).toBeInstanceOf(ChatopsError);
      message = (err as ChatopsError).userMessage;
    }
    for (const path of ['ssh.knownHostsPath', 'hosts.0.name', 'hosts.0.address', 'hosts.0.srsRoot', 'hosts.0', 'hosts.1.serviceManager']) {
      expect(message).toContain(`  - ${path}:`);
    }
    expect(message).toMatch(/Unrecognized key.*-> remove it/);
    expect(
      message
        .split('\n')
        .slice(1)
        .every((l) => l.includes('->')),
    ).toBe(true);
  });

  it('refuses duplicate names and hosts named like groups', () => {
    expect(() =>
      parseConfig(
        {
          ssh,
          hosts: [
            { name: 'a', address: 'x', groups: ['edges'] },
            { name: 'a', address: 'y' },
            { name: 'edges', address: 'z' },
          ],
        },
        't',
      ),
    ).toThrow(/duplicate host name a[\s\S]*edges is also a group name/);
  });

  it('names a missing file and bad YAML', () => {
    expect(() => loadConfig({ SRS_CHATOPS_CONFIG: '/nonexistent.yml' })).toThrow(/cannot read config file \/nonexistent.yml/);
  });
});
