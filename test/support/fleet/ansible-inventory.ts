import { stringify } from 'yaml';
import { buildConfigDocument, type FleetIdentity } from './config-document';
import type { FleetHost } from './types';

/** How to lay the fleet's hosts out as an Ansible inventory. */
export interface AnsibleLayout {
  /** The group holding the SRS hosts (what `inventory.group` names). @defaultValue `srs` */
  group?: string;
  /** Child groups of `group`, each with some of the hosts (by fleet name); the others sit in `group` itself. */
  children?: Record<string, readonly string[]>;
  /** Inventory names by fleet name (default: the fleet name). */
  rename?: Record<string, string>;
  /** Vars of the `all` group (e.g. a wrong srs_root every host must override). */
  allVars?: Record<string, unknown>;
  /** Hosts outside `group`, in a `monitoring` group: the bot must leave them alone. */
  others?: Record<string, Record<string, unknown>>;
}

/** The fleet's config host entry (config-document.ts) as Ansible host vars. */
function hostVarsOf(entry: Record<string, unknown>): Record<string, unknown> {
  const system = (entry.system ?? {}) as Record<string, unknown>;
  return {
    ansible_host: entry.address,
    ansible_port: entry.port,
    srs_root: entry.srsRoot,
    srs_service_manager: entry.serviceManager,
    srs_api: entry.api,
    srs_media_ports: entry.mediaPorts,
    srs_system_initd_link: system.initdLink,
    srs_system_rc_root: system.rcRoot,
    srs_system_systemd_unit_dir: system.systemdUnitDir,
    srs_system_systemctl: system.systemctl,
  };
}

interface Laid {
  group: string;
  /** Group name -> inventory host name -> vars. */
  groups: Map<string, Map<string, Record<string, unknown>>>;
  children: string[];
  user: string;
  allVars: Record<string, unknown>;
  others: Record<string, Record<string, unknown>>;
}

function lay(fleet: FleetIdentity, hosts: readonly FleetHost[], layout: AnsibleLayout): Laid {
  const group = layout.group ?? 'srs';
  const rename = layout.rename ?? {};
  const doc = buildConfigDocument(fleet, hosts, { hostNames: hosts.map((h) => h.name), rename });
  const entries = doc.hosts as Record<string, unknown>[];
  const children = Object.keys(layout.children ?? {});
  const groups = new Map<string, Map<string, Record<string, unknown>>>([group, ...children].map((g) => [g, new Map()]));
  hosts.forEach((host, i) => {
    const child = children.find((c) => layout.children?.[c]?.includes(host.name));
    groups.get(child ?? group)?.set(rename[host.name] ?? host.name, hostVarsOf(entries[i] ?? {}));
  });
  return { group, groups, children, user: fleet.user, allVars: layout.allVars ?? {}, others: layout.others ?? {} };
}

function iniValue(value: unknown): string {
  return Array.isArray(value) ? value.join(',') : String(value);
}

function iniHostLines(hosts: ReadonlyMap<string, Record<string, unknown>>): string[] {
  return [...hosts].map(([name, vars]) => [name, ...Object.entries(vars).map(([k, v]) => `${k}=${iniValue(v)}`)].join(' '));
}

/** The INI inventory: `[group]` host lines with inline vars, `[group:children]`, `[group:vars]`, `[all:vars]`. */
function renderIni(l: Laid): string {
  const lines = ['# The test fleet as an Ansible inventory (INI), test/support/fleet/ansible-inventory.ts', '[all:vars]'];
  lines.push(...Object.entries(l.allVars).map(([k, v]) => `${k}=${iniValue(v)}`), '');
  for (const [group, hosts] of l.groups) lines.push(`[${group}]`, ...iniHostLines(hosts), '');
  if (l.children.length > 0) lines.push(`[${l.group}:children]`, ...l.children, '');
  lines.push(`[${l.group}:vars]`, `ansible_user=${l.user}`, '');
  lines.push('[monitoring]', ...iniHostLines(new Map(Object.entries(l.others))), '');
  return lines.join('\n');
}

/** The YAML twin of {@link renderIni}. */
function renderYaml(l: Laid): string {
  const hostsOf = (g: string): Record<string, Record<string, unknown>> => Object.fromEntries(l.groups.get(g) ?? []);
  const children = Object.fromEntries(l.children.map((c) => [c, { hosts: hostsOf(c) }]));
  const main = { hosts: hostsOf(l.group), vars: { ansible_user: l.user }, ...(l.children.length > 0 && { children }) };
  const doc = { all: { vars: l.allVars, children: { [l.group]: main, monitoring: { hosts: l.others } } } };
  return `# The test fleet as an Ansible inventory (YAML), test/support/fleet/ansible-inventory.ts\n${stringify(doc)}`;
}

/** Some fleet hosts as an Ansible inventory, in INI and in YAML (the same hosts, vars and groups). */
export function ansibleInventoryFor(
  fleet: FleetIdentity,
  hosts: readonly FleetHost[],
  layout: AnsibleLayout = {},
): { ini: string; yaml: string } {
  const laid = lay(fleet, hosts, layout);
  return { ini: renderIni(laid), yaml: renderYaml(laid) };
}
