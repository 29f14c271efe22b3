import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readAnsibleInventory } from '../../../../config/inventory/read-ansible';
import { ChatopsError } from '../../../../src/core/errors';

/** Writes files under a fresh folder: `{ 'group_vars/all.yml': '...' }`. */
function tree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inv-vars-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

const INVENTORY = `[srs:children]
edges
[edges]
edge-1
edge-2 srs_root=/host/file
[all:vars]
srs_api=127.0.0.1:1001
[edges:vars]
srs_config=conf/edges-file.conf
`;

describe('group_vars/ and host_vars/ beside the inventory', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  const read = (files: Record<string, string>, file = 'hosts.ini') => {
    const dir = tree({ [file]: INVENTORY, ...files });
    dirs.push(dir);
    return readAnsibleInventory(INVENTORY, path.join(dir, file), 'srs');
  };

  it('are read as Ansible layers them: all file < all dir < groups file < groups dir < host file < host dir', () => {
    const inv = read({
      'group_vars/all.yml': 'srs_api: 127.0.0.1:1002\nsrs_config: conf/all-dir.conf\n',
      // Read after every group's inventory-file vars: beats edges' srs_config although srs is edges' parent.
      'group_vars/srs/main.yml': 'srs_config: conf/srs-dir.conf\n',
      'group_vars/srs/aa.yml': 'srs_service_manager: initd\n',
      'group_vars/srs/zz.yml': 'srs_service_manager: systemd\n',
      'group_vars/srs/vault.yml': '$ANSIBLE_VAULT;1.1;AES256\n6162636465\n',
      'group_vars/edges.yaml': 'srs_media_ports: [1, 2]\n',
      'group_vars/other.yml': 'srs_root: /not/ours\n',
      'host_vars/edge-2.yml': 'srs_root: /host/dir\n',
      'host_vars/edge-1/.hidden.yml': ': not yaml [',
      'host_vars/edge-1/notes.txt': ': not yaml [',
    });
    expect(inv.hosts[0]).toMatchObject({
      name: 'edge-1',
      api: '127.0.0.1:1002',
      srsConfig: 'conf/srs-dir.conf',
      serviceManager: 'systemd',
      mediaPorts: [1, 2],
    });
    expect(inv.hosts[0]?.srsRoot).toBeUndefined();
    expect(inv.hosts[1]).toMatchObject({ name: 'edge-2', srsRoot: '/host/dir' });
  });

  it('without them, the inventory file alone', () => {
    const inv = read({});
    expect(inv.hosts[0]).toMatchObject({ api: '127.0.0.1:1001', srsConfig: 'conf/edges-file.conf' });
    expect(inv.hosts[1]).toMatchObject({ srsRoot: '/host/file' });
  });

  it('a broken file, a file that is not a mapping, an unknown srs_ var, a vaulted var: each named', () => {
    let message = '';
    try {
      read({
        'group_vars/edges.yml': 'srs_root: [unclosed\n',
        'group_vars/srs.yml': '- a list\n',
        'group_vars/all/main.yml': 'srs_rot: /x\n',
        'host_vars/edge-1': 'ansible_host: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  6162\n',
      });
    } catch (err) {
      expect(err).toBeInstanceOf(ChatopsError);
      message = (err as ChatopsError).userMessage;
    }
    expect(message).toMatch(/group_vars\/edges\.yml:\d+: not valid YAML/);
    expect(message).toMatch(/group_vars\/srs\.yml:1: a vars file must be a mapping of variables/);
    expect(message).toMatch(/group_vars\/all: unknown variable srs_rot -> fix its spelling/);
    expect(message).toMatch(/host edge-1: ansible_host is vault-encrypted/);
  });
});
