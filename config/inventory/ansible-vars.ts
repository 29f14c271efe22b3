import type { AnsibleInventory } from './ansible-model';

/** Groups each group is listed under (its parents). */
function parentsOf(inv: AnsibleInventory): Map<string, string[]> {
  const parents = new Map<string, string[]>();
  for (const g of inv.groups.values()) for (const child of g.children) parents.set(child, [...(parents.get(child) ?? []), g.name]);
  return parents;
}

/**
 * Each group's depth as Ansible counts it: `all` is 0, a group is one deeper than its deepest parent. A loop in
 * `children` gets no depth (it is reported by {@link childLoops}).
 */
export function groupDepths(inv: AnsibleInventory): Map<string, number> {
  const parents = parentsOf(inv);
  const depths = new Map<string, number>([['all', 0]]);
  const visit = (name: string, path: readonly string[]): number => {
    const known = depths.get(name);
    if (known !== undefined) return known;
    if (path.includes(name)) return 0;
    const ps = parents.get(name) ?? ['all'];
    const depth = 1 + Math.max(...ps.map((p) => visit(p, [...path, name])));
    depths.set(name, depth);
    return depth;
  };
  for (const name of inv.groups.keys()) visit(name, []);
  return depths;
}

/** Groups that are their own ancestor, each loop once (`a > b > a`). */
export function childLoops(inv: AnsibleInventory): string[] {
  const loops: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string, path: readonly string[]): void => {
    if (path.includes(name)) {
      const loop = [...path.slice(path.indexOf(name)), name];
      const key = [...loop.slice(0, -1)].sort().join(',');
      if (!seen.has(key)) loops.push(loop.join(' > '));
      seen.add(key);
      return;
    }
    for (const child of inv.groups.get(name)?.children ?? []) visit(child, [...path, name]);
  };
  for (const name of inv.groups.keys()) visit(name, []);
  return loops;
}

/** Every group a host is in, directly or through children (`all` included). */
export function groupsOfHost(inv: AnsibleInventory, host: string): Set<string> {
  const parents = parentsOf(inv);
  const out = new Set<string>(['all']);
  const climb = (name: string): void => {
    if (out.has(name)) return;
    out.add(name);
    for (const p of parents.get(name) ?? []) climb(p);
  };
  for (const g of inv.groups.values()) if (g.hosts.includes(host)) climb(g.name);
  return out;
}

/** Every host of a group and of its children (at any depth), in inventory order. */
export function hostsOfGroup(inv: AnsibleInventory, group: string): string[] {
  const seen = new Set<string>();
  const members = new Set<string>();
  const walk = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    const g = inv.groups.get(name);
    for (const h of g?.hosts ?? []) members.add(h);
    for (const c of g?.children ?? []) walk(c);
  };
  walk(group);
  return [...inv.hosts.keys()].filter((h) => members.has(h));
}

function priorityOf(vars: Readonly<Record<string, unknown>>): number {
  const p = Number(vars.ansible_group_priority ?? 1);
  return Number.isFinite(p) ? p : 1;
}

/**
 * A host's vars, merged as Ansible merges them, later layers winning: `all` (inventory file), `group_vars/all`, the
 * host's other groups from the inventory file, then their `group_vars/` files, then the host's own vars (inventory
 * file, then `host_vars/`). Within a layer, groups go by depth (parents before children), then
 * `ansible_group_priority` (higher later), then name (alphabetical: later wins). Values replace whole (Ansible's
 * default `hash_behaviour: replace`).
 */
export function hostVars(inv: AnsibleInventory, host: string, depths: ReadonlyMap<string, number>): Record<string, unknown> {
  const groups = [...groupsOfHost(inv, host)]
    .filter((name) => name !== 'all')
    .flatMap((name) => {
      const g = inv.groups.get(name);
      return g === undefined ? [] : [{ g, depth: depths.get(name) ?? 1, priority: priorityOf(g.vars) }];
    });
  groups.sort((a, b) => a.depth - b.depth || a.priority - b.priority || (a.g.name < b.g.name ? -1 : a.g.name > b.g.name ? 1 : 0));
  const all = inv.groups.get('all');
  const own = inv.hosts.get(host);
  return Object.assign(
    {},
    all?.vars,
    all?.dirVars,
    ...groups.map((x) => x.g.vars),
    ...groups.map((x) => x.g.dirVars),
    own?.vars,
    own?.dirVars,
  ) as Record<string, unknown>;
}
