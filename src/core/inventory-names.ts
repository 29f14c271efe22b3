import type { HostConfig } from '../../config/schema';

/** What target resolution needs of a host. */
export type InventoryHost = Pick<HostConfig, 'name' | 'groups'>;

/** Group names in order of first appearance in the inventory. */
export function groupNames(hosts: readonly InventoryHost[]): string[] {
  return [...new Set(hosts.flatMap((h) => h.groups))];
}

/** Every name a target may use: hosts, then groups, then `all`, for "did you mean" hints. */
export function targetNames(hosts: readonly InventoryHost[]): string[] {
  return [...new Set([...hosts.map((h) => h.name), ...groupNames(hosts), 'all'])];
}

/** Joins names for a message, showing at most `max` of them and then `+N more`. */
export function listNames(names: readonly string[], max: number): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown}, +${names.length - max} more` : shown;
}
