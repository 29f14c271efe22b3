import { inventoryLines, whenText } from '../../../src/presentation/inventory-about';
import { renderHosts } from '../../../src/presentation/hosts';

const at = Date.parse('2026-12-07T10:15:03Z');
const snapshot = {
  source: { kind: 'ansible-ini' as const, path: '/etc/ansible/hosts', group: 'srs' },
  loadedAt: at,
  digest: 'ab12cd34ef56' + '0'.repeat(52),
};

describe('what /srs hosts says of the inventory', () => {
  it('the time in UTC and how long ago', () => {
    expect(whenText(at, at + 4 * 60_000 + 10_000)).toBe('2026-12-07 10:15:03 UTC (4m 10s ago)');
  });

  it('the source, the load time and the short digest', () => {
    expect(inventoryLines({ snapshot, now: at + 5000 })).toEqual([
      'Inventory: Ansible inventory /etc/ansible/hosts (INI), group srs',
      'Loaded 2026-12-07 10:15:03 UTC (5s ago), digest `ab12cd34ef56`',
    ]);
  });

  it('a refused reload: when and why, the inventory in use kept, the reason escaped', () => {
    const failure = { at: at + 60_000, reason: 'invalid configuration in /etc/srs.yml (1 problem):\n  - hosts.0.port: <bad> -> fix it' };
    const lines = inventoryLines({ snapshot, failure, now: at + 120_000 });
    expect(lines[2]).toContain(
      ':warning: The last reload failed 2026-12-07 10:16:03 UTC (1m 0s ago); the inventory above is still in use.',
    );
    expect(lines[2]).toContain('hosts.0.port: &lt;bad&gt; -&gt; fix it');
  });

  it('renderHosts puts them under the table, in the text and in a block of their own', () => {
    const msg = renderHosts(
      { ok: true, rows: [{ name: 'edge-1', address: '10.0.0.1', port: 22, groups: ['edges'], serviceManager: 'initd' }] },
      { snapshot, now: at },
    );
    expect(msg.text).toMatch(
      /^\*1 host\*\n```\nNAME +ADDRESS +GROUPS +SERVICE\nedge-1 +10\.0\.0\.1:22 +edges +initd\n```\nInventory: Ansible/,
    );
    expect(msg.text).toContain('digest `ab12cd34ef56`');
    expect(msg.blocks).toHaveLength(2);
    // Without `about` the table is as before; an unknown group stays a warning alone.
    expect(renderHosts({ ok: true, rows: [] }).text).toBe('no hosts');
    expect(renderHosts({ ok: false, error: 'no group x' }, { snapshot, now: at }).text).toBe(':warning: no group x');
  });
});
