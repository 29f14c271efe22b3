import type { BastionConfig, HostConfig } from '../../../config/schema';
import { canonicalJson } from '../audit/canonical-json';

/** A host in both inventories whose entry differs, and which of its fields (top-level keys, sorted). */
export interface ChangedHost {
  name: string;
  fields: string[];
}

/** What a reload changed: hosts by name (added, removed, changed), and whether the bastions changed. */
export interface InventoryDiff {
  added: string[];
  removed: string[];
  changed: ChangedHost[];
  /** Bastions added, removed or changed, by name. */
  bastions: string[];
}

/** Top-level keys whose values differ (canonical JSON; a key absent on one side counts). */
function changedFields(a: object, b: object): string[] {
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  return [...keys].filter((k) => canonicalJson(left[k] ?? null) !== canonicalJson(right[k] ?? null)).sort();
}

function byName<T extends { name: string }>(items: readonly T[]): Map<string, T> {
  return new Map(items.map((i) => [i.name, i]));
}

/** The names of bastions added, removed or changed. */
function bastionChanges(before: readonly BastionConfig[], after: readonly BastionConfig[]): string[] {
  const old = byName(before);
  const now = byName(after);
  const names = new Set([...old.keys(), ...now.keys()]);
  return [...names].filter((n) => canonicalJson(old.get(n) ?? null) !== canonicalJson(now.get(n) ?? null)).sort();
}

/** What changed from one inventory to the next (hosts in the new inventory's order, removed ones in the old's). */
export function diffInventory(
  before: { hosts: readonly HostConfig[]; bastions: readonly BastionConfig[] },
  after: { hosts: readonly HostConfig[]; bastions: readonly BastionConfig[] },
): InventoryDiff {
  const old = byName(before.hosts);
  const now = byName(after.hosts);
  const changed: ChangedHost[] = [];
  for (const h of after.hosts) {
    const was = old.get(h.name);
    if (was === undefined) continue;
    const fields = changedFields(was, h);
    if (fields.length > 0) changed.push({ name: h.name, fields });
  }
  return {
    added: after.hosts.filter((h) => !old.has(h.name)).map((h) => h.name),
    removed: before.hosts.filter((h) => !now.has(h.name)).map((h) => h.name),
    changed,
    bastions: bastionChanges(before.bastions, after.bastions),
  };
}

/** True when nothing in the diff changed. */
export function isEmptyDiff(d: InventoryDiff): boolean {
  return d.added.length === 0 && d.removed.length === 0 && d.changed.length === 0 && d.bastions.length === 0;
}
