import type { BastionConfig, GroupSettings, HostConfig } from './schema';

type Setting = keyof GroupSettings;
const SETTINGS: readonly Setting[] = ['user', 'jump', 'become'];

/** The value as config text, to compare and to quote. */
function show(value: GroupSettings[Setting]): string {
  return Array.isArray(value) ? value.join(',') : String(value);
}

/**
 * Gives each host the settings of its groups (`user`, `jump`, `become`) that it does not set itself. A host whose
 * groups set one setting to two values is a problem (its own value settles it). Returns the resolved hosts and the
 * problems, as `  - path: problem -> fix` lines.
 */
export function applyGroupSettings(
  hosts: readonly HostConfig[],
  groups: Readonly<Record<string, GroupSettings>>,
): { hosts: HostConfig[]; problems: string[] } {
  const problems: string[] = [];
  const resolved = hosts.map((host, i) => {
    const out: HostConfig = { ...host };
    for (const setting of SETTINGS) {
      if (host[setting] !== undefined) continue;
      const offers = host.groups.flatMap((g) => {
        const v = groups[g]?.[setting];
        return v === undefined ? [] : [{ group: g, value: v }];
      });
      const distinct = new Set(offers.map((o) => show(o.value)));
      if (distinct.size > 1) {
        const said = offers.map((o) => `${o.group}: ${show(o.value)}`).join('; ');
        problems.push(
          `  - hosts.${i}.${setting}: ${host.name} gets two values from its groups (${said}) -> set \`${setting}\` on the host`,
        );
        continue;
      }
      const first = offers[0];
      if (first !== undefined) Object.assign(out, { [setting]: first.value });
    }
    return out;
  });
  return { hosts: resolved, problems };
}

/** Every `jump` name must be a bastion, and a chain must not name one bastion twice. */
export function checkJumps(
  hosts: readonly HostConfig[],
  bastions: readonly BastionConfig[],
  groups: Readonly<Record<string, GroupSettings>>,
): string[] {
  const known = new Set(bastions.map((b) => b.name));
  const problems: string[] = [];
  const check = (where: string, chain: readonly string[] | undefined) => {
    if (chain === undefined) return;
    for (const name of chain) {
      if (!known.has(name)) problems.push(`  - ${where}.jump: ${name} is not a bastion -> add it under \`bastions\` or fix the name`);
    }
    if (new Set(chain).size !== chain.length)
      problems.push(`  - ${where}.jump: a bastion appears twice in ${chain.join(',')} -> name each hop once`);
  };
  hosts.forEach((h, i) => check(`hosts.${i}`, h.jump));
  for (const [name, settings] of Object.entries(groups)) check(`groups.${name}`, settings.jump);
  const seen = new Set<string>();
  bastions.forEach((b, i) => {
    if (seen.has(b.name)) problems.push(`  - bastions.${i}.name: duplicate bastion name ${b.name} -> give every bastion its own name`);
    seen.add(b.name);
  });
  return problems;
}
