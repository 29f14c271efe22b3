import { bastionSchema, NAME_PATTERN } from '../schema';
import { at, type AnsibleInventory } from './ansible-model';
import { isVaulted, loginFields } from './ansible-host-entry';
import { hopName, parseHop } from './ansible-jump';
import { hostVars } from './ansible-vars';

/**
 * Turns the hops of jump chains into bastion entries (config/schema.ts bastionSchema): a hop naming an inventory host
 * is that host (its ansible_host, ansible_port, ansible_user), in the selected group or not; any other hop is read as
 * `[user@]host[:port]` and named `jump-<host>-<port>` (`jump-<user>-at-<host>-<port>` with a user).
 */
export class BastionBook {
  /** Bastion entries by name, in the order first used. */
  readonly entries = new Map<string, Record<string, unknown>>();

  constructor(
    private readonly inv: AnsibleInventory,
    private readonly depths: ReadonlyMap<string, number>,
    private readonly problems: string[],
  ) {}

  /** The bastion name for a hop, or undefined (a problem listed) when it cannot be one. */
  nameFor(hop: string, usedBy: string, variable: string): string | undefined {
    const known = this.inv.hosts.get(hop);
    if (known !== undefined) return this.fromInventory(hop, known.line);
    const address = parseHop(hop);
    const where = `${at(this.inv.file, this.inv.hosts.get(usedBy)?.line)}: host ${usedBy}: ${variable}`;
    if (address === undefined) {
      this.problems.push(`  - ${where}: hop \`${hop}\` is not an inventory host nor [user@]host[:port] -> fix the hop`);
      return undefined;
    }
    const name = hopName(address);
    if (!NAME_PATTERN.test(name)) {
      this.problems.push(`  - ${where}: hop \`${hop}\` makes the name ${name}, too long -> add the bastion to the inventory as a host`);
      return undefined;
    }
    const entry = { name, address: address.host, port: address.port, ...(address.user !== undefined && { user: address.user }) };
    return this.add(entry, where);
  }

  private fromInventory(name: string, line: number | undefined): string | undefined {
    if (this.entries.has(name)) return name;
    const where = `${at(this.inv.file, line)}: bastion ${name}`;
    if (!NAME_PATTERN.test(name)) {
      this.problems.push(`  - ${where}: the name does not fit the bot's names (lowercase a-z 0-9 . _ -) -> rename the host`);
      return undefined;
    }
    const vars = hostVars(this.inv, name, this.depths);
    for (const v of ['ansible_host', 'ansible_ssh_host', 'ansible_port', 'ansible_ssh_port', 'ansible_user', 'ansible_ssh_user']) {
      if (isVaulted(vars[v])) {
        this.problems.push(`  - ${where}: ${v} is vault-encrypted; the bot does not decrypt vault -> write ${v} in plain text`);
        return undefined;
      }
    }
    return this.add({ name, ...loginFields(name, vars) }, where);
  }

  private add(entry: Record<string, unknown>, where: string): string | undefined {
    const name = String(entry.name);
    const checked = bastionSchema.safeParse(entry);
    if (!checked.success) {
      for (const issue of checked.error.issues)
        this.problems.push(
          `  - ${where}: bastion ${name}: ${issue.path.join('.')}: ${issue.message} -> fix the hop's address, port or user`,
        );
      return undefined;
    }
    this.entries.set(name, entry);
    return name;
  }
}
