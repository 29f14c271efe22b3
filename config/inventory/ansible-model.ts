/** An Ansible inventory as read (YAML or INI), before its vars are merged: groups, hosts, and what went wrong. */

/** A value Ansible Vault encrypted (`!vault` in YAML, `$ANSIBLE_VAULT;…` text): the bot never decrypts one. */
export class VaultValue {
  readonly vault = true;
}

export interface AnsibleGroup {
  name: string;
  /** Hosts listed directly under the group, in file order. */
  hosts: string[];
  /** Child groups, in file order. */
  children: string[];
  vars: Record<string, unknown>;
  /** Vars from `group_vars/<name>` beside the inventory (they win over the inventory file's, as in Ansible). */
  dirVars: Record<string, unknown>;
  /** Where the group was first declared (1-based), when known. */
  line?: number;
}

export interface AnsibleHost {
  name: string;
  /** Host vars, merged over every place the host is listed (later ones win, as Ansible does). */
  vars: Record<string, unknown>;
  /** Vars from `host_vars/<name>` beside the inventory. */
  dirVars: Record<string, unknown>;
  line?: number;
}

export interface AnsibleInventory {
  file: string;
  groups: Map<string, AnsibleGroup>;
  /** Every host, in the order first seen. */
  hosts: Map<string, AnsibleHost>;
  /** `  - file:line: problem -> fix` lines. */
  problems: string[];
}

export function emptyInventory(file: string): AnsibleInventory {
  const inv: AnsibleInventory = { file, groups: new Map(), hosts: new Map(), problems: [] };
  groupOf(inv, 'all');
  groupOf(inv, 'ungrouped');
  return inv;
}

/** `file:line` (or the file alone). */
export function at(file: string, line: number | undefined): string {
  return line === undefined ? file : `${file}:${line}`;
}

/** Records a problem, as `  - where: what -> fix`. */
export function addProblem(inv: AnsibleInventory, line: number | undefined, what: string, fix: string): void {
  addProblemIn(inv, inv.file, line, what, fix);
}

/** {@link addProblem} for another file (a `group_vars` file). */
export function addProblemIn(inv: AnsibleInventory, file: string, line: number | undefined, what: string, fix: string): void {
  inv.problems.push(`  - ${at(file, line)}: ${what} -> ${fix}`);
}

/** The group of that name, created (empty) when first named. */
export function groupOf(inv: AnsibleInventory, name: string, line?: number): AnsibleGroup {
  let group = inv.groups.get(name);
  if (group === undefined) {
    group = { name, hosts: [], children: [], vars: {}, dirVars: {}, ...(line !== undefined && { line }) };
    inv.groups.set(name, group);
  } else if (group.line === undefined && line !== undefined) group.line = line;
  return group;
}

/** Lists a host under a group (once), merging the vars given here over those seen before. */
export function addHost(inv: AnsibleInventory, group: string, name: string, vars: Record<string, unknown>, line?: number): void {
  let host = inv.hosts.get(name);
  if (host === undefined) {
    host = { name, vars: {}, dirVars: {}, ...(line !== undefined && { line }) };
    inv.hosts.set(name, host);
  }
  Object.assign(host.vars, vars);
  const g = groupOf(inv, group);
  if (!g.hosts.includes(name)) g.hosts.push(name);
}

/** Adds `child` under `parent` (once). */
export function addChild(inv: AnsibleInventory, parent: string, child: string, line?: number): void {
  const p = groupOf(inv, parent);
  groupOf(inv, child, line);
  if (!p.children.includes(child)) p.children.push(child);
}

/**
 * Ansible's implicit groups: every group no other group lists becomes a child of `all`; hosts in no group but `all`
 * are in `ungrouped`.
 */
export function finishInventory(inv: AnsibleInventory): AnsibleInventory {
  const listed = new Set([...inv.groups.values()].flatMap((g) => g.children));
  for (const g of inv.groups.values()) if (g.name !== 'all' && !listed.has(g.name)) addChild(inv, 'all', g.name);
  const grouped = new Set([...inv.groups.values()].filter((g) => g.name !== 'all').flatMap((g) => g.hosts));
  for (const name of inv.hosts.keys()) if (!grouped.has(name)) addHost(inv, 'ungrouped', name, {});
  const all = groupOf(inv, 'all');
  all.hosts = all.hosts.filter((h) => !grouped.has(h));
  return inv;
}
