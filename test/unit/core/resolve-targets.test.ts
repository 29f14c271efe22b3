import type { HostConfig } from '../../../config/schema';
import { listHosts } from '../../../src/core/list-hosts';
import { resolveTargets } from '../../../src/core/resolve-targets';

function host(
  name: string,
  groups: string[],
  extra: Partial<HostConfig> = {},
): Pick<HostConfig, 'name' | 'address' | 'port' | 'groups' | 'serviceManager'> {
  return { name, address: `10.0.0.${name.length}`, port: 22, groups, serviceManager: 'initd', ...extra };
}

const HOSTS = [
  host('edge-1', ['edges', 'prod']),
  host('edge-2', ['edges', 'prod']),
  host('edge-3', ['edges']),
  host('origin-1', ['origins', 'prod'], { serviceManager: 'systemd', address: 'fd00::1', port: 2222 }),
  host('lab', []),
];

function hosts(target: string): string[] {
  const r = resolveTargets(target, HOSTS);
  if (!r.ok) throw new Error(r.error);
  return r.hosts;
}

function error(target: string, inventory = HOSTS): string {
  const r = resolveTargets(target, inventory);
  if (r.ok) throw new Error(`expected an error, got ${r.hosts.join(',')}`);
  return r.error;
}

describe('resolveTargets', () => {
  it('a host, a group, all', () => {
    expect(hosts('edge-3')).toEqual(['edge-3']);
    expect(hosts('edges')).toEqual(['edge-1', 'edge-2', 'edge-3']);
    expect(hosts('origins')).toEqual(['origin-1']);
    expect(hosts('all')).toEqual(['edge-1', 'edge-2', 'edge-3', 'origin-1', 'lab']);
  });

  it('lists: inventory order, duplicates removed, spaces after commas tolerated', () => {
    expect(hosts('lab,edge-2,edge-1')).toEqual(['edge-1', 'edge-2', 'lab']);
    expect(hosts('edge-1,edges,edge-1')).toEqual(['edge-1', 'edge-2', 'edge-3']);
    expect(hosts('origins, edge-3')).toEqual(['edge-3', 'origin-1']);
    expect(hosts('all,lab')).toEqual(['edge-1', 'edge-2', 'edge-3', 'origin-1', 'lab']);
  });

  it('a name that is both a host and a group means the host', () => {
    const inv = [host('edges', []), host('edge-1', ['edges'])];
    expect(resolveTargets('edges', inv)).toEqual({ ok: true, hosts: ['edges'] });
  });

  it('unknown names: a suggestion when close', () => {
    expect(error('edge-30')).toBe('unknown host edge-30 (did you mean edge-3?); /srs hosts lists hosts and groups');
    expect(error('edgse')).toContain('unknown host edgse (did you mean edges?)');
    expect(error('orig')).toContain('(did you mean origins?)');
    expect(error('zzz')).toBe('unknown host zzz; /srs hosts lists hosts and groups');
  });

  it('every unknown name is reported at once', () => {
    expect(error('edge-1,edge-30,zzz,edge-30,prd')).toBe(
      'unknown hosts edge-30 (did you mean edge-3?), zzz, prd (did you mean prod?); /srs hosts lists hosts and groups',
    );
    const many = Array.from({ length: 25 }, (_, i) => `nope-${i}`).join(',');
    expect(error(many)).toContain(', +15 more;');
  });

  it('malformed names and empty inventories are errors, not crashes', () => {
    expect(error('edge-1,,edge-2')).toContain('empty name');
    expect(error('Edge-1')).toContain('`Edge-1` is not a host or group name');
    expect(error('<!channel>')).toContain('`&lt;!\u200bchannel&gt;` is not a host or group name');
    expect(error('all', [])).toBe('the inventory has no hosts');
  });

  it('is fast with 1,000 unknown names against 1,000 hosts', () => {
    const inv = Array.from({ length: 1000 }, (_, i) => host(`edge-${i}`, [`g${i % 10}`]));
    const target = Array.from({ length: 1000 }, (_, i) => `x${i}`).join(',');
    const started = Date.now();
    expect(resolveTargets(target, inv).ok).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('listHosts', () => {
  it('every host, or one group', () => {
    const all = listHosts(HOSTS);
    expect(all.ok && all.rows.map((r) => r.name)).toEqual(['edge-1', 'edge-2', 'edge-3', 'origin-1', 'lab']);
    expect(listHosts(HOSTS, 'origins')).toEqual({
      ok: true,
      group: 'origins',
      rows: [{ name: 'origin-1', address: 'fd00::1', port: 2222, groups: ['origins', 'prod'], serviceManager: 'systemd' }],
    });
  });

  it('unknown groups and host names given as groups', () => {
    expect(listHosts(HOSTS, 'edgs')).toEqual({
      ok: false,
      error: 'unknown group `edgs` (did you mean edges?); groups: edges, prod, origins',
    });
    expect(listHosts(HOSTS, 'lab')).toEqual({ ok: false, error: '`lab` is a host, not a group; groups: edges, prod, origins' });
    expect(listHosts([host('a', [])], 'x')).toEqual({ ok: false, error: 'unknown group `x`; no groups are configured' });
  });
});
