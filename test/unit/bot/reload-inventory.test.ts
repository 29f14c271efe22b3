import { parseConfig } from '../../../config/load-config';
import type { Config } from '../../../config/schema';
import { MemoryAuditStore } from '../../../src/adapters/audit/memory-audit-store';
import { createLogger } from '../../../src/adapters/logger';
import { reasonOf, reloadInventory, type ReloadDeps } from '../../../src/bot/reload-inventory';
import { InventoryHolder } from '../../../src/core/inventory/inventory-holder';
import { inventorySnapshot } from '../../../src/core/inventory/inventory-snapshot';

const ssh = { user: 'srsops', privateKeyPath: '/k', knownHostsPath: '/nonexistent' };
const source = { kind: 'config' as const, path: '/etc/srs-chatops.yml' };
const cfg = (hosts: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}): Config =>
  parseConfig({ ssh, hosts, ...extra }, 'test');

function setup(): { deps: ReloadDeps; audit: MemoryAuditStore; holder: InventoryHolder; running: Config } {
  const running = cfg([
    { name: 'edge-1', address: '10.0.0.1' },
    { name: 'edge-2', address: '10.0.0.2' },
  ]);
  const holder = new InventoryHolder(inventorySnapshot(running, source, 1000));
  const audit = new MemoryAuditStore();
  let t = 5000;
  const deps: ReloadDeps = { holder, running, audit, logger: createLogger('test'), actor: 'bot:test', now: () => t++ };
  return { deps, audit, holder, running };
}

describe('reloadInventory', () => {
  it('swaps in a changed inventory and records one inventory.changed: added, removed, changed fields, digests', async () => {
    const { deps, audit, holder } = setup();
    const old = holder.current();
    const next = cfg([
      { name: 'edge-1', address: '10.0.0.1', port: 2222 },
      { name: 'edge-3', address: '10.0.0.3' },
    ]);
    expect(await reloadInventory(deps, { ok: true, config: next, source }, 'sighup')).toBe('changed');
    expect(holder.current().hosts.map((h) => h.name)).toEqual(['edge-1', 'edge-3']);
    expect(holder.current().loadedAt).toBe(5000);
    expect(audit.records).toHaveLength(1);
    expect(audit.records[0]).toMatchObject({
      type: 'inventory.changed',
      actor: 'bot:test',
      data: {
        trigger: 'sighup',
        source: 'the hosts list in /etc/srs-chatops.yml',
        added: ['edge-3'],
        removed: ['edge-2'],
        changed: [{ name: 'edge-1', fields: ['port'] }],
        oldDigest: old.digest,
        newDigest: holder.current().digest,
      },
    });
  });

  it('records nothing and keeps the snapshot when the inventory is unchanged', async () => {
    const { deps, audit, holder, running } = setup();
    const before = holder.current();
    expect(await reloadInventory(deps, { ok: true, config: running, source }, 'file')).toBe('unchanged');
    expect(holder.current()).toBe(before);
    expect(audit.records).toEqual([]);
  });

  it('keeps the inventory on a refused load, records inventory.reload_failed with the first lines, and clears it once valid', async () => {
    const { deps, audit, holder, running } = setup();
    const before = holder.current();
    const error = ['invalid configuration in x.yml (9 problems):', ...Array.from({ length: 9 }, (_, i) => `  - hosts.${i}: bad`)].join(
      '\n',
    );
    expect(await reloadInventory(deps, { ok: false, error }, 'file')).toBe('failed');
    expect(holder.current()).toBe(before);
    expect(holder.lastFailure()).toEqual({ at: 5000, reason: reasonOf(error) });
    expect(reasonOf(error).split('\n')).toHaveLength(7);
    expect(audit.records[0]).toMatchObject({
      type: 'inventory.reload_failed',
      data: { trigger: 'file', reason: reasonOf(error), keptDigest: before.digest },
    });
    // The file fixed back to what is in use: nothing changed, the failure is over.
    expect(await reloadInventory(deps, { ok: true, config: running, source }, 'file')).toBe('unchanged');
    expect(holder.lastFailure()).toBeUndefined();
    expect(audit.records).toHaveLength(1);
  });

  it('does not apply other sections: records config.restart_needed once per change, the inventory part still taken', async () => {
    const { deps, audit, holder, running } = setup();
    const next = cfg(running.hosts, { worker: { concurrency: 2 } });
    expect(await reloadInventory(deps, { ok: true, config: next, source }, 'file')).toBe('unchanged');
    expect(await reloadInventory(deps, { ok: true, config: next, source }, 'file')).toBe('unchanged');
    expect(audit.records.map((r) => r.type)).toEqual(['config.restart_needed']);
    expect(audit.records[0]?.data).toMatchObject({ sections: ['worker'] });
    const moreHosts = cfg([...running.hosts, { name: 'edge-5', address: '10.0.0.5' }], { worker: { concurrency: 2 } });
    expect(await reloadInventory(deps, { ok: true, config: moreHosts, source }, 'file')).toBe('changed');
    expect(holder.current().hosts).toHaveLength(3);
    expect(audit.records.map((r) => r.type)).toEqual(['config.restart_needed', 'inventory.changed']);
  });

  it('records a change of source alone (same hosts read from another file)', async () => {
    const { deps, audit, running } = setup();
    const other = { kind: 'yaml' as const, path: '/etc/srs/hosts.yml' };
    expect(await reloadInventory(deps, { ok: true, config: running, source: other }, 'file')).toBe('changed');
    expect(audit.records[0]?.data).toMatchObject({
      source: 'YAML host list /etc/srs/hosts.yml',
      previousSource: 'the hosts list in /etc/srs-chatops.yml',
      added: [],
      removed: [],
      changed: [],
    });
  });
});
