import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ansibleKind, readAnsibleInventory } from '../../../../config/inventory/read-ansible';
import { ChatopsError } from '../../../../src/core/errors';

const fixture = (name: string) => path.join(__dirname, 'fixtures', name);
const read = (name: string, group?: string) => readAnsibleInventory(readFileSync(fixture(name), 'utf8'), fixture(name), group);
const ini = (text: string, group?: string) => readAnsibleInventory(text, '/inv/hosts.ini', group);
const yml = (text: string, group?: string) => readAnsibleInventory(text, '/inv/hosts.yml', group);

/** The message of what `fn` throws (a ChatopsError), or '' when it does not throw. */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ChatopsError);
    return (err as ChatopsError).userMessage;
  }
  return '';
}

const hostOf = (inv: ReturnType<typeof read>, name: string) => inv.hosts.find((h) => h.name === name);

describe('Ansible inventory, INI and YAML', () => {
  it.each(['fleet.ini', 'fleet.yml'])('%s: the srs group and its children, ranges with stride and letters, in inventory order', (file) => {
    const inv = read(file, 'srs');
    expect(inv.hosts.map((h) => h.name)).toEqual(['edge-01', 'edge-03', 'edge-a', 'edge-b', 'edge-10', 'origin-1']);
    expect(inv.source).toEqual({ kind: file.endsWith('.ini') ? 'ansible-ini' : 'ansible-yaml', path: fixture(file), group: 'srs' });
  });

  it('the same inventory in YAML and INI gives the same hosts and bastions', () => {
    const a = read('fleet.ini', 'srs');
    const b = read('fleet.yml', 'srs');
    expect(b.hosts).toEqual(a.hosts);
    expect(b.bastions).toEqual(a.bastions);
  });

  it.each(['fleet.ini', 'fleet.yml'])('%s: all < parent < child < host; same depth alphabetical; ansible_group_priority', (file) => {
    const inv = read(file, 'srs');
    // srs_root: srs (/opt/srs) < edges (child) ; origins (child) ; srs_api from all.
    expect(hostOf(inv, 'edge-a')).toMatchObject({ srsRoot: '/srv/srs-edge', api: '127.0.0.1:1985', user: 'srsops' });
    expect(hostOf(inv, 'origin-1')).toMatchObject({ srsRoot: '/srv/srs-origin' });
    // Host vars win over every group: origin-1 logs in as root, without become.
    expect(hostOf(inv, 'origin-1')).toMatchObject({ user: 'root', serviceManager: 'systemd', system: { systemctl: '/bin/systemctl' } });
    expect(hostOf(inv, 'origin-1')?.become).toBeUndefined();
    // aaa and srs are both depth 1: srs is merged after aaa (alphabetical) and wins; aaa's other vars stay.
    expect(hostOf(inv, 'edge-01')).toMatchObject({ serviceManager: 'initd', srsConfig: 'conf/aaa.conf' });
    // zzz (depth 1) is merged after srs: it wins.
    expect(hostOf(inv, 'edge-03')).toMatchObject({ serviceManager: 'systemd' });
    // first sorts before srs but has the higher priority: it wins.
    expect(hostOf(inv, 'edge-b')).toMatchObject({ serviceManager: 'systemd' });
    expect(hostOf(inv, 'edge-a')).toMatchObject({ serviceManager: 'initd' });
  });

  it('groups are every group a host is in, directly or through children, without all and ungrouped', () => {
    const inv = read('fleet.ini', 'srs');
    expect(hostOf(inv, 'edge-01')?.groups).toEqual(['aaa', 'edges', 'srs']);
    expect(hostOf(inv, 'origin-1')?.groups).toEqual(['origins', 'srs']);
  });

  it('ansible_host, ansible_port (or name:port), srs_media_ports as a list or comma text, become from ansible_become', () => {
    const inv = read('fleet.ini', 'srs');
    expect(hostOf(inv, 'edge-10')).toMatchObject({ address: '10.0.0.10', port: 2222, become: 'sudo' });
    expect(hostOf(inv, 'edge-a')).toMatchObject({ address: 'edge-a', become: 'sudo' });
    expect(hostOf(inv, 'edge-a')?.port).toBeUndefined();
    expect(hostOf(inv, 'edge-01')?.mediaPorts).toEqual([1935, 8080]);
    expect(read('fleet.yml', 'srs').hosts.find((h) => h.name === 'edge-01')?.mediaPorts).toEqual([1935, 8080]);
  });

  it('ProxyJump hops become bastions: an inventory host (outside the group) as it is, another hop named after its address', () => {
    const inv = read('fleet.ini', 'srs');
    expect(hostOf(inv, 'edge-10')?.jump).toEqual(['jump-a']); // srs_jump on the host wins over the group's ProxyJump
    expect(hostOf(inv, 'edge-a')?.jump).toEqual(['jump-ops-at-10-0-0-1-2022']);
    expect(inv.bastions).toEqual([
      { name: 'jump-ops-at-10-0-0-1-2022', address: '10.0.0.1', port: 2022, user: 'ops' },
      { name: 'jump-a', address: '192.0.2.1', port: 2200, user: 'hop' },
    ]);
  });

  it.each([
    [`-o ProxyJump=b1,b2`, ['b1', 'b2']],
    [`-o ProxyJump="b1"`, ['b1']],
    [`-oProxyJump=b2`, ['b2']],
    [`-o 'ProxyJump b1,b2'`, ['b1', 'b2']],
    [`-J b1,b2`, ['b1', 'b2']],
    [`-Jb2`, ['b2']],
    [`-o ServerAliveInterval=30 -J 10.0.0.1`, ['jump-10-0-0-1-22']],
    [`-J admin@bastion.example.com:2222,b2`, ['jump-admin-at-bastion-example-com-2222', 'b2']],
    [`-J [2001:db8::1]:2200`, ['jump-2001-db8-1-2200']],
    [`-o ProxyCommand="ssh -W %h:%p -q b1"`, ['b1']],
    [`-o 'ProxyCommand=ssh -W %h:%p -p 2200 -l ops 10.0.0.1'`, ['jump-ops-at-10-0-0-1-2200']],
  ])('ansible_ssh_common_args %s -> jump %j', (args, jump) => {
    const text = `b1 ansible_host=10.9.0.1\nb2 ansible_host=10.9.0.2 ansible_port=2022 ansible_user=jumper\n[srs]\nedge-1 ansible_ssh_common_args=${JSON.stringify(args)}\n`;
    const inv = ini(text, 'srs');
    expect(inv.hosts[0]?.jump).toEqual(jump);
    expect(inv.bastions.map((b) => b.name)).toEqual(jump);
    if (jump.includes('b2')) expect(inv.bastions).toContainEqual({ name: 'b2', address: '10.9.0.2', port: 2022, user: 'jumper' });
  });

  it('ansible_ssh_extra_args is read too; ProxyJump=none is no jump; ansible_ssh_user and ansible_ssh_host as older inventories write them', () => {
    const inv = ini(
      '[srs]\na ansible_ssh_extra_args="-J 10.0.0.1"\nb ansible_ssh_common_args="-o ProxyJump=none"\nc ansible_ssh_user=legacy ansible_ssh_host=10.1.1.1 ansible_ssh_port=2200\n',
    );
    expect(inv.hosts.map((h) => h.jump)).toEqual([['jump-10-0-0-1-22'], undefined, undefined]);
    expect(inv.hosts[2]).toMatchObject({ user: 'legacy', address: '10.1.1.1', port: 2200 });
  });

  it('INI values as Ansible reads them: quoted, numbers, literals; # comments on host lines; a vars section value is the rest of the line', () => {
    const inv = ini(
      '[srs]\nedge-1 srs_root=\'/opt/srs-one\' srs_config="conf/a.conf" ansible_port=2201 # comment srs_api=x\n[srs:vars]\nsrs_media_ports=[1935, 8080]\nsrs_api = 127.0.0.1:1986\n',
    );
    expect(inv.hosts[0]).toMatchObject({
      srsRoot: '/opt/srs-one',
      port: 2201,
      srsConfig: 'conf/a.conf',
      mediaPorts: [1935, 8080],
      api: '127.0.0.1:1986',
    });
  });

  it('INI hosts before any section are ungrouped (no groups); a host listed twice merges its vars, the later line winning', () => {
    const inv = ini('a srs_root=/one\n; comment\n[srs]\nb\na srs_root=/two srs_api=127.0.0.1:2000\n');
    expect(inv.hosts.map((h) => [h.name, h.groups])).toEqual([
      ['a', ['srs']],
      ['b', ['srs']],
    ]);
    expect(inv.hosts[0]).toMatchObject({ srsRoot: '/two', api: '127.0.0.1:2000' });
    expect(ini('lonely\n').hosts[0]?.groups).toEqual([]);
  });

  it('srs_* vars map to their fields, system paths included', () => {
    const inv = yml(`all:
  hosts:
    edge-1:
      srs_root: /opt/srs
      srs_config: /etc/srs/srs.conf
      srs_service_manager: systemd
      srs_api: 127.0.0.1:1990
      srs_media_ports: "1935,8081"
      srs_system_initd_link: /etc/init.d/srs6
      srs_system_rc_root: /etc/rc
      srs_system_systemd_unit_dir: /etc/systemd/system
      srs_system_systemctl: /usr/bin/systemctl
      srs_system_helper: /usr/local/sbin/helper
`);
    expect(inv.hosts[0]).toEqual({
      name: 'edge-1',
      address: 'edge-1',
      groups: [],
      srsRoot: '/opt/srs',
      srsConfig: '/etc/srs/srs.conf',
      serviceManager: 'systemd',
      api: '127.0.0.1:1990',
      mediaPorts: [1935, 8081],
      system: {
        initdLink: '/etc/init.d/srs6',
        rcRoot: '/etc/rc',
        systemdUnitDir: '/etc/systemd/system',
        systemctl: '/usr/bin/systemctl',
        helper: '/usr/local/sbin/helper',
      },
    });
  });

  it('YAML: groups at the top besides all, null host entries, children to any depth', () => {
    const inv = yml(
      'srs:\n  children:\n    eu:\n      children:\n        eu-west:\n          hosts:\n            e1:\n            e2: ~\nother:\n  hosts:\n    o1:\n',
      'srs',
    );
    expect(inv.hosts.map((h) => [h.name, h.groups])).toEqual([
      ['e1', ['eu', 'eu-west', 'srs']],
      ['e2', ['eu', 'eu-west', 'srs']],
    ]);
  });
});

describe('what an Ansible inventory is refused for', () => {
  it('every problem at once, each with the file, line and fix', () => {
    const message = refusal(() =>
      ini(
        '[srs]\nEdge_1\nedge-2 srs_rooot=/x\nedge-3 ansible_become=true ansible_become_method=su\nedge-4 srs_api=nope\nedge-[05:1]\n',
        'srs',
      ),
    );
    expect(message).toMatch(/^invalid inventory \/inv\/hosts.ini \(5 problems\):/);
    expect(message).toContain('/inv/hosts.ini:2: host Edge_1: the name does not fit');
    expect(message).toMatch(/rename the host, or set inventory\.group to leave it out/);
    expect(message).toMatch(/hosts.ini:3: host edge-2: unknown variable srs_rooot -> fix its spelling \(known: srs_root, srs_config/);
    expect(message).toMatch(/hosts.ini:4: host edge-3: become method su is not supported.* -> set ansible_become_method=sudo/);
    expect(message).toMatch(/hosts.ini:5: host edge-4: srs_api: must be host:port -> fix srs_api/);
    expect(message).toMatch(/hosts.ini:6: host range \[05:1\] must give begin and end the same width/);
    expect(
      message
        .split('\n')
        .slice(1)
        .every((l) => /^ {2}- \/inv\/hosts\.ini(:\d+)?: .* -> /.test(l)),
    ).toBe(true);
  });

  it('a vaulted value in a var the bot uses, YAML tag or text; a vaulted var it does not use is fine', () => {
    const vault = '!vault |\n          $ANSIBLE_VAULT;1.1;AES256\n          6162636465\n';
    const message = refusal(() => yml(`all:\n  hosts:\n    edge-1:\n      ansible_host: ${vault}      ansible_become_password: ${vault}`));
    expect(message).toMatch(
      /host edge-1: ansible_host is vault-encrypted; the bot does not decrypt vault -> write ansible_host in plain text/,
    );
    expect(message).not.toMatch(/ansible_become_password/);
    expect(refusal(() => ini('[srs]\nedge-1 srs_root="$ANSIBLE_VAULT;1.1;AES256 6162"\n'))).toMatch(/srs_root is vault-encrypted/);
    expect(yml(`all:\n  hosts:\n    edge-1:\n      ansible_become_password: ${vault}`).hosts).toHaveLength(1);
  });

  it('a missing group names the groups there are; an empty inventory or group says so', () => {
    expect(refusal(() => read('fleet.ini', 'srs-edges'))).toMatch(
      /inventory\.group srs-edges is not a group of this inventory \(groups: srs, edges, origins, aaa, zzz, first, monitoring\) -> fix inventory\.group/,
    );
    expect(refusal(() => ini('# nothing yet\n'))).toMatch(/the inventory has no hosts -> add the SRS hosts/);
    expect(refusal(() => yml(''))).toMatch(/the inventory has no hosts/);
    expect(refusal(() => ini('[srs]\n[web]\nw1\n', 'srs'))).toMatch(/group srs has no hosts/);
  });

  it('a bad name outside inventory.group is left alone; without a group it is refused', () => {
    expect(read('fleet.ini', 'srs').hosts).toHaveLength(6);
    expect(refusal(() => read('fleet.ini'))).toMatch(/fleet.ini:58: host Grafana-1: the name does not fit/);
  });

  it('ProxyCommand, a become user other than root, a bad hop, a bad section, a loop in children', () => {
    const message = refusal(() =>
      ini(
        '[srs]\na ansible_ssh_common_args="-o ProxyCommand=\'nc -x proxy:1080 %h %p\'"\nb ansible_become=yes ansible_become_user=srs\nc srs_jump="bad hop!"\n[srs:weird]\n[x:children]\ny\n[y:children]\nx\n',
        'srs',
      ),
    );
    expect(message).toMatch(
      /host a: ansible_ssh_common_args sets a ProxyCommand other than `ssh -W %h:%p bastion`, and the bot runs no local command -> use -o ProxyJump=/,
    );
    expect(message).toMatch(/host b: become user srs: the helper runs as root -> remove ansible_become_user/);
    expect(message).toMatch(/host c: srs_jump: hop `bad hop!` is not an inventory host nor \[user@\]host\[:port\]/);
    expect(message).toMatch(/hosts.ini:5: `\[srs:weird\]` is not a section header/);
    expect(message).toMatch(/groups form a loop \(x > y > x\)/);
  });

  it('a group name the bot cannot use, on a selected host: said once, not once per host', () => {
    const message = refusal(() => ini('[Web]\nw1\nw2\n'));
    expect(message).toMatch(/\(1 problem\)/);
    expect(message).toMatch(/hosts.ini:1: group Web \(of host w1\): the name does not fit the bot's names -> rename the group/);
  });
});

describe('telling YAML from INI', () => {
  it.each([
    ['all:\n  hosts:\n    a:\n', 'ansible-yaml'],
    ['srs:\nweb:\n  hosts: {w: }\n', 'ansible-yaml'],
    ['[srs]\na\n', 'ansible-ini'],
    ['a ansible_host=1.2.3.4\nb\n', 'ansible-ini'],
    ['a:2222\n', 'ansible-ini'],
    ['a\n', 'ansible-ini'],
  ])('%j is %s', (text, kind) => {
    expect(ansibleKind(text, '/x/hosts')).toBe(kind);
  });

  it('a file of comments only goes by its extension', () => {
    expect(ansibleKind('# empty\n', '/x/hosts.yml')).toBe('ansible-yaml');
    expect(ansibleKind('; empty\n', '/x/hosts')).toBe('ansible-ini');
  });
});
