import { VaultValue } from './ansible-model';

/** `srs_*` vars and the host entry field each sets (config/schema.ts hostSchema). */
export const SRS_VARS: Readonly<Record<string, string>> = {
  srs_root: 'srsRoot',
  srs_config: 'srsConfig',
  srs_service_manager: 'serviceManager',
  srs_api: 'api',
  srs_media_ports: 'mediaPorts',
  srs_jump: 'jump',
  srs_system_initd_link: 'system.initdLink',
  srs_system_rc_root: 'system.rcRoot',
  srs_system_systemd_unit_dir: 'system.systemdUnitDir',
  srs_system_systemctl: 'system.systemctl',
  srs_system_helper: 'system.helper',
};

/** The Ansible vars the bot reads (first one set wins), by host entry field. */
export const ANSIBLE_VARS: Readonly<Record<string, readonly string[]>> = {
  address: ['ansible_host', 'ansible_ssh_host'],
  port: ['ansible_port', 'ansible_ssh_port'],
  user: ['ansible_user', 'ansible_ssh_user'],
};

/** Every var whose value the bot uses: a vaulted one among them is refused. */
export const USED_VARS: readonly string[] = [
  ...Object.values(ANSIBLE_VARS).flat(),
  ...Object.keys(SRS_VARS),
  'ansible_become',
  'ansible_become_method',
  'ansible_become_user',
  'ansible_ssh_args',
  'ansible_ssh_common_args',
  'ansible_ssh_extra_args',
];

/** A var's value as text (objects as JSON): for messages and string fields. */
export function asText(value: unknown): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

export function isVaulted(value: unknown): boolean {
  return value instanceof VaultValue || (typeof value === 'string' && value.trimStart().startsWith('$ANSIBLE_VAULT'));
}

/** A problem with one var of one host: the var named, the fix given. */
export interface VarProblem {
  variable: string;
  what: string;
  fix: string;
}

/** The first of some vars that is set. */
export function firstSet(vars: Readonly<Record<string, unknown>>, names: readonly string[]): { name: string; value: unknown } | undefined {
  for (const name of names) if (vars[name] !== undefined && vars[name] !== null) return { name, value: vars[name] };
  return undefined;
}

/** Numbers as numbers, numeric text as numbers; anything else as it is (the schema says what is wrong). */
function numeric(value: unknown): unknown {
  return typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
}

/** `srs_media_ports`: a list, a comma list in text, or one port. */
function ports(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(numeric);
  if (typeof value === 'string') return value.split(',').map((p) => numeric(p.trim()));
  return typeof value === 'number' ? [value] : value;
}

/** Ansible's booleans: yes/no, true/false, on/off, 1/0 (any case). */
export function ansibleBool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const text = asText(value).trim().toLowerCase();
  if (['yes', 'y', 'true', 't', 'on', '1'].includes(text)) return true;
  if (['no', 'n', 'false', 'f', 'off', '0'].includes(text)) return false;
  return undefined;
}

/** `become` from `ansible_become` (+ method and user): `sudo`, unset, or a problem. */
export function becomeOf(vars: Readonly<Record<string, unknown>>): { become?: 'sudo'; problem?: VarProblem } {
  if (vars.ansible_become === undefined || vars.ansible_become === null) return {};
  const on = ansibleBool(vars.ansible_become);
  if (on === undefined)
    return {
      problem: { variable: 'ansible_become', what: `ansible_become is ${asText(vars.ansible_become)}`, fix: 'set it to true or false' },
    };
  if (!on) return {};
  const method = asText(vars.ansible_become_method ?? 'sudo');
  if (method !== 'sudo')
    return {
      problem: {
        variable: 'ansible_become_method',
        what: `become method ${method} is not supported (only sudo, run as sudo -n through the helper)`,
        fix: 'set ansible_become_method=sudo for the SRS hosts, or leave them out with inventory.group',
      },
    };
  const user = asText(vars.ansible_become_user ?? 'root');
  if (user !== 'root')
    return {
      problem: {
        variable: 'ansible_become_user',
        what: `become user ${user}: the helper runs as root`,
        fix: 'remove ansible_become_user (or set it to root) for the SRS hosts',
      },
    };
  return { become: 'sudo' };
}

/** Puts `value` at a dotted field (`system.helper`) of an entry. */
function put(entry: Record<string, unknown>, field: string, value: unknown): void {
  const [head = '', sub] = field.split('.');
  if (sub === undefined) entry[head] = value;
  else entry[head] = { ...(entry[head] ?? {}), [sub]: value };
}

/** The host entry fields set by `srs_*` vars (`srs_jump` is resolved apart). */
export function srsFields(vars: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const entry: Record<string, unknown> = {};
  for (const [variable, field] of Object.entries(SRS_VARS)) {
    const value = vars[variable];
    if (value === undefined || value === null || variable === 'srs_jump') continue;
    put(entry, field, field === 'mediaPorts' ? ports(value) : typeof value === 'string' ? value.trim() : value);
  }
  return entry;
}

/** address, port and user from the ansible_* vars. */
export function loginFields(name: string, vars: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const address = firstSet(vars, ANSIBLE_VARS.address ?? []);
  const port = firstSet(vars, ANSIBLE_VARS.port ?? []);
  const user = firstSet(vars, ANSIBLE_VARS.user ?? []);
  return {
    address: address === undefined ? name : asText(address.value).trim(),
    ...(port !== undefined && { port: numeric(port.value) }),
    ...(user !== undefined && { user: asText(user.value).trim() }),
  };
}

/** The var a host entry field comes from (for messages about schema problems). */
export function varOfField(field: string): string {
  if (field === 'name') return 'the inventory host name';
  if (field === 'groups') return 'its group names';
  const ansible = ANSIBLE_VARS[field]?.[0];
  if (ansible !== undefined) return ansible;
  const srs = Object.entries(SRS_VARS).find(([, f]) => f === field || field.startsWith(`${f}.`));
  return srs?.[0] ?? field;
}
