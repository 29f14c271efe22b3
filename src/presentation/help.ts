import type { ChatMessage, Role } from '../core/command';
import { commandsOf, minimumRole, type CommandName } from '../core/policy';
import { COMMAND_NAMES } from '../core/command-names';
import { VERB_DESCRIPTIONS, isVerb } from '../core/verbs';
import { section } from './blocks';

const TARGET_HELP =
  '`&lt;target&gt;` is a host (`edge-3`), a group (`edges`), hosts and groups joined by commas (`edge-1,edge-2`) or `all`. ' +
  'Each host then gets its own reply in the thread, with its state before and after.';

function line(name: CommandName): string {
  if (name === 'grace') return `• \`/srs grace &lt;target&gt; [--deadline 5m]\`: ${VERB_DESCRIPTIONS.grace}, shown live`;
  if (name === 'restart')
    return `• \`/srs restart &lt;target&gt; [--graceful [--deadline 5m]]\`: ${VERB_DESCRIPTIONS.restart} (graceful: drain first)`;
  if (isVerb(name)) return `• \`/srs ${name} &lt;target&gt;\`: ${VERB_DESCRIPTIONS[name]}`;
  if (name === 'upgrade')
    return '• `/srs upgrade &lt;target&gt; &lt;version&gt; [--batch N] [--budget N] [--rollback]`: a rolling upgrade in batches, approved by another person first; halts on trouble';
  if (name === 'jobs') return '• `/srs jobs`: what runs, waits in the queue, or awaits approval: who, what, since when';
  if (name === 'abort')
    return '• `/srs abort &lt;rollout id&gt; [--now]`: stop a rollout after the hosts in progress (yours, or any as an operator)';
  if (name === 'cancel')
    return '• `/srs cancel &lt;request or job id&gt;`: cancel queued jobs (yours, or any as an operator); running ones go on';
  if (name === 'hosts') return '• `/srs hosts [group]`: list the hosts, their address, groups and service manager';
  if (name === 'history') {
    return '• `/srs history [target] [--verb V] [--user @someone] [--since 7d] [--limit 20]`: who ran what where, the outcome, the approver and the thread (from the audit log)';
  }
  return '• `/srs help`: this list';
}

/** `/srs help` for a role: the commands it may run (audit lookups included), one line each, and what it may not. */
export function renderHelp(role: Role): ChatMessage {
  const allowed = commandsOf(role);
  const lines = [`*srs-chatops*: the commands you may run (role: ${role})`, ...allowed.map(line)];
  if (allowed.some(isVerb)) lines.push(TARGET_HELP);
  lines.push(
    "Some commands need another person's approval first (upgrades always; others as the policy says): the plan and its Approve / Deny buttons appear in the thread.",
  );
  const others = COMMAND_NAMES.filter((name) => !allowed.includes(name));
  if (others.length > 0) lines.push(`${others.join(', ')} need the ${minimumRole(others[0] ?? 'start')} role; ask an admin.`);
  const text = lines.join('\n');
  return { text, blocks: [section(text)] };
}
