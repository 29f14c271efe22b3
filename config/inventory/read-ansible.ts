import path from 'node:path';
import { ChatopsError, ErrorCode } from '../../src/core/errors';
import { hostSchema, NAME_PATTERN } from '../schema';
import { BastionBook } from './ansible-bastions';
import { becomeOf, isVaulted, loginFields, SRS_VARS, srsFields, USED_VARS, varOfField } from './ansible-host-entry';
import { parseAnsibleIni } from './ansible-ini';
import { jumpOf } from './ansible-jump';
import { addProblem, at, type AnsibleInventory } from './ansible-model';
import { childLoops, groupDepths, groupsOfHost, hostsOfGroup, hostVars } from './ansible-vars';
import { looksLikeAnsibleYaml, parseAnsibleYaml } from './ansible-yaml';
import { readVarsDirs } from './vars-dirs';
import type { InventorySource } from './inventory-source';

/** Host entries (as under `hosts`) and bastion entries read from an Ansible inventory. */
export interface AnsibleHosts {
  hosts: Record<string, unknown>[];
  bastions: Record<string, unknown>[];
  source: InventorySource;
}

/**
 * YAML or INI, told apart by content: a YAML mapping whose every top-level value is a mapping or empty (groups) is
 * YAML; anything else is INI. A file with nothing but comments goes by its extension (`.yml`/`.yaml`: YAML).
 */
export function ansibleKind(text: string, file: string): 'ansible-yaml' | 'ansible-ini' {
  const meaningful = text.split(/\r?\n/).some((l) => l.trim() !== '' && !/^[#;]/.test(l.trim()));
  if (!meaningful) return /\.ya?ml$/i.test(file) ? 'ansible-yaml' : 'ansible-ini';
  return looksLikeAnsibleYaml(text) ? 'ansible-yaml' : 'ansible-ini';
}

/** `srs_*` vars the bot does not know, wherever they are set: a typo would otherwise be ignored. */
function unknownSrsVars(inv: AnsibleInventory): void {
  const known = Object.keys(SRS_VARS).join(', ');
  const check = (where: string, line: number | undefined, vars: Readonly<Record<string, unknown>>) => {
    for (const v of Object.keys(vars))
      if (v.startsWith('srs_') && !(v in SRS_VARS))
        addProblem(inv, line, `${where}: unknown variable ${v}`, `fix its spelling (known: ${known})`);
  };
  for (const g of inv.groups.values()) {
    check(`group ${g.name}`, g.line, g.vars);
    check(`group_vars/${g.name}`, undefined, g.dirVars);
  }
  for (const h of inv.hosts.values()) {
    check(`host ${h.name}`, h.line, h.vars);
    check(`host_vars/${h.name}`, undefined, h.dirVars);
  }
}

interface Context {
  inv: AnsibleInventory;
  depths: ReadonlyMap<string, number>;
  bastions: BastionBook;
  /** Groups whose bad name was already reported (once, not once per host). */
  badGroups: Set<string>;
}

/** The jump chain of a host as bastion names, or undefined (with problems listed). */
function jumpChain(ctx: Context, name: string, vars: Readonly<Record<string, unknown>>, line: number | undefined): string[] | undefined {
  const spec = jumpOf(vars);
  if (spec.problem !== undefined) {
    addProblem(ctx.inv, line, `host ${name}: ${spec.problem.what}`, spec.problem.fix);
    return undefined;
  }
  if (spec.hops === undefined) return undefined;
  const names = spec.hops.map((hop) => ctx.bastions.nameFor(hop, name, spec.from ?? 'srs_jump'));
  return names.every((n): n is string => n !== undefined) ? names : undefined;
}

/** What makes a host unusable before its vars are read: a vaulted var the bot uses, its name, its groups' names. */
function refusals(ctx: Context, name: string, vars: Readonly<Record<string, unknown>>, groups: readonly string[]): void {
  const { inv } = ctx;
  const line = inv.hosts.get(name)?.line;
  for (const v of USED_VARS)
    if (isVaulted(vars[v]))
      addProblem(inv, line, `host ${name}: ${v} is vault-encrypted; the bot does not decrypt vault`, `write ${v} in plain text`);
  if (!NAME_PATTERN.test(name))
    addProblem(
      inv,
      line,
      `host ${name}: the name does not fit the bot's names (lowercase a-z 0-9 . _ -, max 63)`,
      'rename the host, or set inventory.group to leave it out',
    );
  for (const g of groups.filter((g) => !NAME_PATTERN.test(g) && !ctx.badGroups.has(g))) {
    ctx.badGroups.add(g);
    addProblem(
      inv,
      inv.groups.get(g)?.line,
      `group ${g} (of host ${name}): the name does not fit the bot's names`,
      'rename the group (lowercase a-z 0-9 . _ -)',
    );
  }
}

/** One selected host as a host entry; problems listed on the inventory. */
function hostEntry(ctx: Context, name: string): Record<string, unknown> | undefined {
  const { inv } = ctx;
  const line = inv.hosts.get(name)?.line;
  const vars = hostVars(inv, name, ctx.depths);
  const before = inv.problems.length;
  const groups = [...groupsOfHost(inv, name)].filter((g) => g !== 'all' && g !== 'ungrouped').sort();
  refusals(ctx, name, vars, groups);
  if (groups.some((g) => ctx.badGroups.has(g))) return undefined;
  if (inv.problems.length > before) return undefined;
  const become = becomeOf(vars);
  if (become.problem !== undefined) addProblem(inv, line, `host ${name}: ${become.problem.what}`, become.problem.fix);
  const jump = jumpChain(ctx, name, vars, line);
  const entry = {
    name,
    ...loginFields(name, vars),
    groups,
    ...srsFields(vars),
    ...(become.become && { become: 'sudo' }),
    ...(jump && { jump }),
  };
  const checked = hostSchema.safeParse(entry);
  if (!checked.success)
    for (const issue of checked.error.issues) {
      const variable = varOfField(issue.path.map(String).join('.'));
      addProblem(inv, line, `host ${name}: ${variable}: ${issue.message}`, `fix ${variable} (on the host or its group)`);
    }
  return inv.problems.length > before ? undefined : entry;
}

/** The hosts of `group` (and its children), or every host; a missing group is a problem. */
function selected(inv: AnsibleInventory, group: string | undefined): string[] {
  if (group === undefined) return [...inv.hosts.keys()];
  if (!inv.groups.has(group)) {
    const names = [...inv.groups.keys()].filter((g) => g !== 'all' && g !== 'ungrouped');
    addProblem(
      inv,
      undefined,
      `inventory.group ${group} is not a group of this inventory (groups: ${names.join(', ') || 'none'})`,
      'fix inventory.group in the bot config',
    );
    return [];
  }
  return hostsOfGroup(inv, group);
}

/** Reads an Ansible inventory (YAML or INI) into host and bastion entries; throws listing every problem with its fix. */
export function readAnsibleInventory(text: string, file: string, group: string | undefined): AnsibleHosts {
  const kind = ansibleKind(text, file);
  const inv = kind === 'ansible-yaml' ? parseAnsibleYaml(text, file) : parseAnsibleIni(text, file);
  readVarsDirs(inv, path.dirname(file));
  for (const loop of childLoops(inv)) addProblem(inv, undefined, `groups form a loop (${loop})`, 'remove one of these children');
  unknownSrsVars(inv);
  const depths = groupDepths(inv);
  const ctx: Context = { inv, depths, bastions: new BastionBook(inv, depths, inv.problems), badGroups: new Set() };
  const names = selected(inv, group);
  const hosts = names.flatMap((name): Record<string, unknown>[] => {
    const entry = hostEntry(ctx, name);
    return entry === undefined ? [] : [entry];
  });
  if (names.length === 0 && inv.problems.length === 0)
    addProblem(
      inv,
      undefined,
      group === undefined ? 'the inventory has no hosts' : `group ${group} has no hosts`,
      'add the SRS hosts to the inventory',
    );
  if (inv.problems.length > 0) {
    const n = inv.problems.length;
    throw new ChatopsError(
      ErrorCode.ConfigInvalid,
      `invalid inventory ${at(file, undefined)} (${n} problem${n === 1 ? '' : 's'}):\n${inv.problems.join('\n')}`,
    );
  }
  const source: InventorySource = { kind, path: path.resolve(file), ...(group !== undefined && { group }) };
  return { hosts, bastions: [...ctx.bastions.entries.values()], source };
}
