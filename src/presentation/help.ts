import type { ChatMessage, Role } from '../core/command';
import { COMMAND_TABLE } from '../core/commands/command-table';
import { commandsOf, minimumRole } from '../core/commands/roles';
import { section } from './blocks';

const TARGET_HELP =
  '`&lt;target&gt;` is a host (`edge-3`), a group (`edges`), hosts and groups joined by commas (`edge-1,edge-2`) or `all`. ' +
  'Each host then gets its own reply in the thread, with its state before and after.';

/**
 * `/srs help` for a role: the commands it may run (audit lookups included), one line each from the command table, and
 * what it may not.
 */
export function renderHelp(role: Role): ChatMessage {
  const allowed = commandsOf(role);
  const rows = COMMAND_TABLE.filter((r) => allowed.includes(r.name));
  const lines = [`*srs-chatops*: the commands you may run (role: ${role})`, ...rows.map((r) => r.help)];
  if (rows.some((r) => r.resolvesTargets)) lines.push(TARGET_HELP);
  lines.push(
    "Some commands need another person's approval first (upgrades always; others as the policy says): the plan and its Approve / Deny buttons appear in the thread.",
  );
  const others = COMMAND_TABLE.filter((r) => !allowed.includes(r.name)).map((r) => r.name);
  if (others.length > 0) lines.push(`${others.join(', ')} need the ${minimumRole(others[0] ?? 'start')} role; ask an admin.`);
  const text = lines.join('\n');
  return { text, blocks: [section(text)] };
}
