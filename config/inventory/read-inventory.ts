import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseYamlText } from '../parse-yaml';
import { ChatopsError, ErrorCode } from '../../src/core/errors';
import type { InventoryConfig } from '../schema';
import type { InventorySource } from './inventory-source';
import { readAnsibleInventory } from './read-ansible';

/** What an inventory file holds, before validation: host entries (as under `hosts`) and any bastions it defines. */
export interface RawInventory {
  hosts: unknown[];
  bastions: unknown[];
  source: InventorySource;
}

/** Reads the inventory file named by `inventory` (relative paths from the config file's folder). */
export function readInventory(inventory: InventoryConfig, baseDir: string): RawInventory {
  const file = path.resolve(baseDir, inventory.file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ChatopsError(ErrorCode.ConfigInvalid, `cannot read inventory file ${file}; fix inventory.file`);
  }
  if (inventory.format === 'yaml') return yamlHostList(text, file, inventory.group);
  return readAnsibleInventory(text, file, inventory.group);
}

/** A YAML list of hosts (as under `hosts`), or a map with `hosts` and `bastions`. */
function yamlHostList(text: string, file: string, group: string | undefined): RawInventory {
  const raw = parseYamlText(text, `inventory ${file}`);
  const doc = Array.isArray(raw) ? { hosts: raw } : (raw as { hosts?: unknown; bastions?: unknown } | null);
  const hosts = Array.isArray(doc?.hosts) ? (doc.hosts as unknown[]) : [];
  const bastions = Array.isArray(doc?.bastions) ? (doc.bastions as unknown[]) : [];
  const selected =
    group === undefined
      ? hosts
      : hosts.filter((h) => Array.isArray((h as { groups?: unknown }).groups) && (h as { groups: unknown[] }).groups.includes(group));
  return { hosts: selected, bastions, source: { kind: 'yaml', path: file, ...(group !== undefined && { group }) } };
}
