import type { TargetResolution } from '../command';
import type { InventoryHost } from '../inventory-names';
import { resolveTargets } from '../resolve-targets';

/** Targets remembered per inventory snapshot: a handful in practice (`all`, the groups, a few lists). */
const REMEMBERED = 256;

const bySnapshot = new WeakMap<readonly InventoryHost[], Map<string, TargetResolution>>();

/**
 * {@link resolveTargets} against a snapshot's hosts, remembered for that snapshot (it never changes: a reload makes a
 * new one), so that `status all` on a thousand hosts resolves once per inventory, not once per command. The hosts
 * array returned is shared between callers: read it, never change it.
 */
export function resolveInSnapshot(snapshot: { readonly hosts: readonly InventoryHost[] }, target: string): TargetResolution {
  let known = bySnapshot.get(snapshot.hosts);
  if (known === undefined) {
    known = new Map();
    bySnapshot.set(snapshot.hosts, known);
  }
  const hit = known.get(target);
  if (hit !== undefined) return hit;
  const resolved = resolveTargets(target, snapshot.hosts);
  if (known.size >= REMEMBERED) known.clear();
  known.set(target, resolved);
  return resolved;
}
