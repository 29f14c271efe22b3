import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { loadConfigWithSource } from '../../../config/load-config';
import { MemoryAuditStore } from '../../../src/adapters/audit/memory-audit-store';
import { createLogger } from '../../../src/adapters/logger';
import { startInventoryReload, type InventoryReloader } from '../../../src/app/inventory-reload';
import { InventoryHolder } from '../../../src/core/inventory/inventory-holder';
import { inventorySnapshot } from '../../../src/core/inventory/inventory-snapshot';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ssh = { user: 'srsops', privateKeyPath: '/k', knownHostsPath: '/nonexistent' };

async function until(check: () => boolean, what: string, ms = 4000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('the bot process reloads its inventory (real files, the SIGHUP handler, the watch)', () => {
  let dir: string;
  let reloader: InventoryReloader | undefined;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inventory-reload-'));
  });
  afterEach(() => {
    reloader?.close();
    reloader = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A config whose hosts come from an inventory file (YAML list), both in the temp dir. */
  function start(o: { watch: boolean }) {
    const configPath = path.join(dir, 'srs-chatops.yml');
    const inventoryPath = path.join(dir, 'hosts.yml');
    fs.writeFileSync(inventoryPath, stringify({ hosts: [{ name: 'edge-1', address: '10.0.0.1' }] }));
    fs.writeFileSync(configPath, stringify({ ssh, inventory: { file: 'hosts.yml', format: 'yaml' } }));
    const env = { SRS_CHATOPS_CONFIG: configPath };
    const loaded = loadConfigWithSource(env);
    const holder = new InventoryHolder(inventorySnapshot(loaded.config, loaded.source, 0));
    const audit = new MemoryAuditStore();
    const deps = { holder, running: loaded.config, audit, logger: createLogger('test'), actor: 'bot:test', now: () => Date.now() };
    reloader = startInventoryReload(deps, { env, watch: o.watch, debounceMs: 100 });
    return { holder, audit, inventoryPath, configPath };
  }

  it('SIGHUP reloads: the inventory file read again, inventory.changed recorded once', async () => {
    const { holder, audit, inventoryPath } = start({ watch: false });
    fs.writeFileSync(inventoryPath, stringify({ hosts: [{ name: 'edge-2', address: '10.0.0.2' }] }));
    await sleep(300);
    expect(holder.current().hosts.map((h) => h.name)).toEqual(['edge-1']); // not watched: nothing yet
    process.emit('SIGHUP', 'SIGHUP');
    await until(() => audit.records.length > 0, 'inventory.changed');
    expect(holder.current().hosts.map((h) => h.name)).toEqual(['edge-2']);
    expect(audit.records.map((r) => [r.type, r.data.trigger])).toEqual([['inventory.changed', 'sighup']]);
    expect(audit.records[0]?.data).toMatchObject({ added: ['edge-2'], removed: ['edge-1'], source: `YAML host list ${inventoryPath}` });
  });

  it('after close, SIGHUP does nothing (the handler is removed)', async () => {
    const { holder, inventoryPath } = start({ watch: false });
    reloader?.close();
    fs.writeFileSync(inventoryPath, stringify({ hosts: [{ name: 'edge-2', address: '10.0.0.2' }] }));
    const listeners = process.listenerCount('SIGHUP');
    process.on('SIGHUP', () => undefined); // keep the test process alive should a real signal come
    process.emit('SIGHUP', 'SIGHUP');
    await sleep(200);
    expect(holder.current().hosts.map((h) => h.name)).toEqual(['edge-1']);
    process.removeAllListeners('SIGHUP');
    expect(listeners).toBe(0);
  });

  it('the watch reloads on an editor-style save of the inventory, and an invalid save keeps the inventory in use', async () => {
    const { holder, audit, inventoryPath } = start({ watch: true });
    const tmp = `${inventoryPath}.tmp`;
    fs.writeFileSync(tmp, stringify({ hosts: [{ name: 'edge-1', address: '10.0.0.1', port: 2222 }] }));
    fs.renameSync(tmp, inventoryPath);
    await until(() => audit.records.length === 1, 'inventory.changed');
    expect(audit.records[0]?.data).toMatchObject({ trigger: 'file', changed: [{ name: 'edge-1', fields: ['port'] }] });
    const good = holder.current();
    fs.writeFileSync(inventoryPath, stringify({ hosts: [{ name: 'edge-1', address: 'not an address!' }] }));
    await until(() => audit.records.length === 2, 'inventory.reload_failed');
    expect(audit.records[1]).toMatchObject({ type: 'inventory.reload_failed', data: { trigger: 'file' } });
    expect(String(audit.records[1]?.data.reason)).toContain('hosts.yml');
    expect(holder.current()).toBe(good);
    expect(holder.lastFailure()?.reason).toContain('address');
  });
});
