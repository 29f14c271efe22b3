import fs from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, parseDocument } from 'yaml';
import { addProblemIn, type AnsibleInventory } from './ansible-model';
import { ANSIBLE_YAML_TAGS } from './ansible-yaml';

/** Extensions Ansible reads in group_vars/ and host_vars/ (and none). */
const EXTENSIONS = ['', '.yml', '.yaml', '.json'];

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Every vars file under a directory, sorted by path; hidden files and other extensions are skipped, as Ansible does. */
function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.'))
    .flatMap((e) => {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) return filesUnder(full);
      return EXTENSIONS.includes(path.extname(e.name)) ? [full] : [];
    })
    .sort();
}

/** The files holding an entity's vars: `<base>/<name>` (a file or a folder of files), `<base>/<name>.yml`, `.yaml`, `.json`. */
function filesOf(base: string, name: string): string[] {
  return EXTENSIONS.flatMap((ext) => {
    const p = path.join(base, name + ext);
    if (isDir(p)) return ext === '' ? filesUnder(p) : [];
    return fs.existsSync(p) ? [p] : [];
  });
}

/**
 * One vars file: a YAML (or JSON) mapping. A file vault-encrypted as a whole (`$ANSIBLE_VAULT;…`, usually the
 * passwords) is skipped: the bot never sees its vars.
 */
function readVarsFile(inv: AnsibleInventory, file: string): Record<string, unknown> {
  const text = fs.readFileSync(file, 'utf8');
  if (text.trimStart().startsWith('$ANSIBLE_VAULT')) return {};
  const doc = parseDocument(text, { customTags: ANSIBLE_YAML_TAGS });
  const first = doc.errors[0];
  if (first !== undefined) {
    addProblemIn(inv, file, first.linePos?.[0].line, `not valid YAML: ${first.message.split('\n')[0] ?? ''}`, 'fix the YAML');
    return {};
  }
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) return {};
  if (!isMap(doc.contents)) {
    addProblemIn(inv, file, 1, 'a vars file must be a mapping of variables', 'write `name: value` pairs');
    return {};
  }
  return doc.toJS() as Record<string, unknown>;
}

/**
 * Reads `group_vars/` and `host_vars/` beside the inventory file, as Ansible's host_group_vars plugin does: for each
 * group and host of the inventory, its file(s) there, merged in path order into its `dirVars`.
 */
export function readVarsDirs(inv: AnsibleInventory, dir: string): void {
  const groupBase = path.join(dir, 'group_vars');
  const hostBase = path.join(dir, 'host_vars');
  if (isDir(groupBase))
    for (const g of inv.groups.values()) for (const f of filesOf(groupBase, g.name)) Object.assign(g.dirVars, readVarsFile(inv, f));
  if (isDir(hostBase))
    for (const h of inv.hosts.values()) for (const f of filesOf(hostBase, h.name)) Object.assign(h.dirVars, readVarsFile(inv, f));
}
