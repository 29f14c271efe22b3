import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, loadConfigFrom, parseConfig } from '../../../config/load-config';
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

  describe('hosts, inventory and group settings', () => {
    function problemsOf(raw: unknown, baseDir?: string): string {
      try {
        parseConfig(raw, 'test.yml', baseDir);
      } catch (err) {
        return (err as ChatopsError).userMessage;
      }
      return '';
    }

    it('needs exactly one of hosts and inventory', () => {
      expect(problemsOf({ ssh })).toContain('- hosts: no hosts -> list them under `hosts`, or name an inventory file under `inventory`');
      expect(problemsOf({ ssh, hosts: [{ name: 'e', address: 'x' }], inventory: { file: 'i.yml' } })).toContain(
        'set either `hosts` or `inventory`, not both',
      );
    });

    it('reads a YAML host list from the inventory file, relative to the config, and says where the hosts came from', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inv-'));
      fs.writeFileSync(
        path.join(dir, 'hosts.yml'),
        'hosts:\n  - { name: e1, address: 10.0.0.1, groups: [edges] }\n  - { name: o1, address: 10.0.0.2 }\n',
      );
      const loaded = loadConfigFrom({ ssh, inventory: { file: 'hosts.yml', format: 'yaml', group: 'edges' } }, path.join(dir, 'c.yml'));
      expect(loaded.config.hosts.map((h) => h.name)).toEqual(['e1']);
      expect(loaded.source).toEqual({ kind: 'yaml', path: path.join(dir, 'hosts.yml'), group: 'edges' });
      expect(problemsOf({ ssh, inventory: { file: 'missing.yml', format: 'yaml' } }, dir)).toContain(
        `cannot read inventory file ${path.join(dir, 'missing.yml')}; fix inventory.file`,
      );
    });

    it('applies group settings and refuses a jump to no bastion', () => {
      const c = parseConfig(
        {
          ssh,
          bastions: [{ name: 'b1', address: '10.0.9.1' }],
          groups: { edges: { become: 'sudo', jump: 'b1' } },
          hosts: [{ name: 'e1', address: 'x', groups: ['edges'] }],
        },
        't',
      );
      expect(c.hosts[0]).toMatchObject({ become: 'sudo', jump: ['b1'] });
      expect(problemsOf({ ssh, hosts: [{ name: 'e1', address: 'x', jump: 'b7' }] })).toContain(
        '- hosts.0.jump: b7 is not a bastion -> add it under `bastions` or fix the name',
      );
    });
  });
});
