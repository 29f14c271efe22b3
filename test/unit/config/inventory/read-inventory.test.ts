import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hostTarget } from '../../../../config/host-target';
import { describeSource } from '../../../../config/inventory/inventory-source';
import { readInventory } from '../../../../config/inventory/read-inventory';
import { loadConfigFrom } from '../../../../config/load-config';
import { ChatopsError } from '../../../../src/core/errors';

const configDir = path.join(__dirname, '..', '..', '..', '..', 'config');
const ssh = { user: 'deploy', privateKeyPath: '/k', knownHostsPath: '/kh' };

describe('the example Ansible inventory, through the config loader', () => {
  it.each([
    ['example-inventory.ini', 'ansible-ini', '(INI)'],
    ['example-inventory.yml', 'ansible-yaml', '(YAML)'],
  ])('%s: srs hosts with their settings, the bastion, bot-config groups on top', (file, kind, words) => {
    const { config, source } = loadConfigFrom(
      { ssh, inventory: { file, group: 'srs' }, groups: { origins: { user: 'srsadmin' }, edges: { user: 'ignored' } } },
      path.join(configDir, 'srs-chatops.yml'),
    );
    expect(source).toEqual({ kind, path: path.join(configDir, file), group: 'srs' });
    expect(describeSource(source)).toBe(`Ansible inventory ${path.join(configDir, file)} ${words}, group srs`);
    expect(config.hosts.map((h) => h.name)).toEqual(['edge-1', 'edge-2', 'edge-3', 'edge-4', 'origin-1']);
    expect(config.hosts[3]).toMatchObject({
      address: '10.0.1.14',
      port: 2222,
      user: 'srsops', // the inventory's ansible_user wins over the bot config's group
      groups: ['edges', 'srs'],
      become: 'sudo',
      jump: ['bastion-1'],
      mediaPorts: [1935, 8080],
      srsRoot: '/usr/local/srs',
      serviceManager: 'initd',
    });
    // origin-1 sets no ansible_user: the bot config's `groups.origins.user` applies.
    expect(config.hosts[4]).toMatchObject({
      address: '10.0.2.11',
      port: 22,
      user: 'srsadmin',
      serviceManager: 'systemd',
      srsRoot: '/opt/srs',
    });
    expect(config.bastions).toEqual([{ name: 'bastion-1', address: '203.0.113.10', port: 22, user: 'jump' }]);
    const target = hostTarget(config, config.hosts[4] ?? (undefined as never));
    expect(target).toMatchObject({
      name: 'origin-1',
      user: 'srsadmin',
      jump: [{ name: 'bastion-1', address: '203.0.113.10', user: 'jump' }],
    });
  });

  it('the INI example and its YAML twin give the same config', () => {
    const load = (file: string) =>
      loadConfigFrom({ ssh, inventory: { file, group: 'srs' } }, path.join(configDir, 'srs-chatops.yml')).config;
    const [a, b] = [load('example-inventory.ini'), load('example-inventory.yml')];
    expect(b.hosts).toEqual(a.hosts);
    expect(b.bastions).toEqual(a.bastions);
  });

  it('a bastion named in the bot config wins over the inventory host of the same name', () => {
    const { config } = loadConfigFrom(
      { ssh, inventory: { file: 'example-inventory.ini', group: 'srs' }, bastions: [{ name: 'bastion-1', address: '198.51.100.7' }] },
      path.join(configDir, 'srs-chatops.yml'),
    );
    expect(config.bastions).toEqual([{ name: 'bastion-1', address: '198.51.100.7', port: 22 }]);
  });

  it('format ansible is the default; problems come back as a config error naming the inventory file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inv-'));
    try {
      fs.writeFileSync(path.join(dir, 'hosts'), '[srs]\nedge-1 srs_servce_manager=systemd\n');
      let message = '';
      try {
        readInventory({ file: 'hosts', format: 'ansible', group: 'srs' }, dir);
      } catch (err) {
        expect(err).toBeInstanceOf(ChatopsError);
        message = (err as ChatopsError).userMessage;
      }
      expect(message).toContain(`invalid inventory ${path.join(dir, 'hosts')} (1 problem):`);
      expect(message).toContain(`${path.join(dir, 'hosts')}:2: host edge-1: unknown variable srs_servce_manager`);
      expect(() => loadConfigFrom({ ssh, inventory: { file: 'missing.ini' } }, path.join(dir, 'c.yml'))).toThrow(
        /cannot read inventory file .*missing\.ini; fix inventory\.file/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
