import { isMap, isScalar, LineCounter, parseDocument, type Document, type ScalarTag } from 'yaml';
import {
  addChild,
  addHost,
  addProblem,
  emptyInventory,
  finishInventory,
  groupOf,
  VaultValue,
  type AnsibleInventory,
} from './ansible-model';
import { expandHostPattern } from './host-range';

/** `!vault |` values become a {@link VaultValue} (refused where the bot would use one); `!unsafe` is plain text. */
export const ANSIBLE_YAML_TAGS: ScalarTag[] = [
  { tag: '!vault', resolve: () => new VaultValue(), identify: (v) => v instanceof VaultValue },
  { tag: '!unsafe', resolve: (s: string) => s },
];

interface Walk {
  inv: AnsibleInventory;
  doc: Document;
  lines: LineCounter;
  /** Groups on the path from the top, to stop a cycle. */
  path: string[];
}

function lineOf(w: Walk, node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range === undefined ? undefined : w.lines.linePos(range[0]).line;
}

function plain(w: Walk, node: unknown): unknown {
  return (node as { toJS?: (doc: Document) => unknown } | null)?.toJS?.(w.doc) ?? null;
}

function vars(w: Walk, node: unknown, what: string): Record<string, unknown> {
  if (node === null || (isScalar(node) && node.value === null)) return {};
  const value = isMap(node) ? plain(w, node) : undefined;
  if (value === undefined || value === null || typeof value !== 'object' || Array.isArray(value)) {
    addProblem(w.inv, lineOf(w, node), `${what} must be a mapping of variables`, 'write `name: value` pairs under it');
    return {};
  }
  return value as Record<string, unknown>;
}

function hosts(w: Walk, group: string, node: unknown): void {
  if (node === null || (isScalar(node) && node.value === null)) return;
  if (!isMap(node)) {
    addProblem(w.inv, lineOf(w, node), `hosts of group ${group} must be a mapping`, 'write each host as `name:` (or `name: {vars}`)');
    return;
  }
  for (const pair of node.items) {
    const pattern = isScalar(pair.key) ? String(pair.key.value) : '';
    const line = lineOf(w, pair.key);
    let names: string[];
    try {
      names = expandHostPattern(pattern);
    } catch (err) {
      addProblem(w.inv, line, (err as Error).message, 'fix the range as Ansible writes it: [01:10], [a:c] or [1:10:2]');
      continue;
    }
    const hostVars = vars(w, pair.value, `host ${pattern}`);
    for (const name of names) addHost(w.inv, group, name, hostVars, line);
  }
}

function children(w: Walk, group: string, node: unknown): void {
  if (node === null || (isScalar(node) && node.value === null)) return;
  if (!isMap(node)) {
    addProblem(w.inv, lineOf(w, node), `children of group ${group} must be a mapping`, 'write each child group as `name:`');
    return;
  }
  for (const pair of node.items) {
    const child = isScalar(pair.key) ? String(pair.key.value) : '';
    addChild(w.inv, group, child, lineOf(w, pair.key));
    walkGroup(w, child, pair.value, lineOf(w, pair.key));
  }
}

function walkGroup(w: Walk, name: string, node: unknown, line: number | undefined): void {
  const group = groupOf(w.inv, name, line);
  if (w.path.includes(name)) {
    addProblem(w.inv, line, `group ${name} is its own ancestor (${[...w.path, name].join(' > ')})`, 'remove the loop from children');
    return;
  }
  if (node === null || node === undefined || (isScalar(node) && node.value === null)) return;
  if (!isMap(node)) {
    addProblem(w.inv, line, `group ${name} must be a mapping`, 'give it `hosts:`, `vars:` and/or `children:`');
    return;
  }
  const inner: Walk = { ...w, path: [...w.path, name] };
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (key === 'hosts') hosts(inner, name, pair.value);
    else if (key === 'children') children(inner, name, pair.value);
    else if (key === 'vars') Object.assign(group.vars, vars(inner, pair.value, `vars of group ${name}`));
    else addProblem(w.inv, lineOf(w, pair.key), `\`${key}\` in group ${name} is not hosts, vars or children`, 'put hosts under `hosts:`');
  }
}

/** True when the text is a YAML mapping of groups (each a mapping or empty): Ansible's YAML inventory shape. */
export function looksLikeAnsibleYaml(text: string): boolean {
  const doc = parseDocument(text, { customTags: ANSIBLE_YAML_TAGS });
  if (doc.errors.length > 0 || !isMap(doc.contents)) return false;
  return doc.contents.items.every(
    (p) => isScalar(p.key) && (p.value === null || isMap(p.value) || (isScalar(p.value) && p.value.value === null)),
  );
}

/** Reads a YAML inventory as Ansible does: groups (`all` or others at the top) with `hosts`, `vars`, `children`. */
export function parseAnsibleYaml(text: string, file: string): AnsibleInventory {
  const lines = new LineCounter();
  const doc = parseDocument(text, { customTags: ANSIBLE_YAML_TAGS, lineCounter: lines });
  const inv = emptyInventory(file);
  if (doc.errors.length > 0) {
    for (const e of doc.errors) addProblem(inv, e.linePos?.[0].line, `not valid YAML: ${e.message.split('\n')[0] ?? ''}`, 'fix the YAML');
    return inv;
  }
  const w: Walk = { inv, doc, lines, path: [] };
  if (isMap(doc.contents)) {
    for (const pair of doc.contents.items) {
      const name = isScalar(pair.key) ? String(pair.key.value) : '';
      walkGroup(w, name, pair.value, lineOf(w, pair.key));
    }
  } else if (doc.contents !== null && !(isScalar(doc.contents) && doc.contents.value === null))
    addProblem(inv, 1, 'the inventory is not a mapping of groups', 'start it with `all:` and put hosts under `all.hosts` or groups');
  return finishInventory(inv);
}
