import type { SlackConfig } from '../../config/schema';
import type { Caller, Command, Decision, Role } from './command';
import { authorizeRow } from './commands/authorize-row';
import { commandRow, type CommandName } from './commands/command-table';

export type { CommandName } from './commands/command-table';
export { allowedCommands, commandsOf, mayRun, minimumRole } from './commands/roles';

/** Roles, strongest first: the first one a user is listed under is theirs. */
const ROLES_STRONGEST_FIRST: readonly Role[] = ['admin', 'operator', 'viewer'];

/** The name authorization knows a command by. */
export function commandName(command: Command): CommandName {
  return command.kind === 'verb' ? command.verb : command.kind;
}

/** The role of a Slack user id; the highest wins when the config lists a user under several. */
export function roleOf(userId: string, slack: Pick<SlackConfig, 'roles'>): Role | undefined {
  return ROLES_STRONGEST_FIRST.find((role) => slack.roles[role].includes(userId));
}

/**
 * Decides whether `caller` may run `command` (its row, judged by {@link authorizeRow}): the channel must be one of
 * `allowedChannels` (when that list is not empty), the user must have a role, and the role must allow the command.
 * The reason is Slack mrkdwn, meant for the denied user (ephemeral) and the audit log.
 */
export function authorize(caller: Caller, command: Command, slack: SlackConfig): Decision {
  const role = roleOf(caller.userId, slack);
  const verdict = authorizeRow({ ...caller, role }, commandRow(commandName(command)), { allowedChannels: slack.allowedChannels });
  if (!verdict.allowed) return { allowed: false, reason: verdict.reason };
  return role === undefined ? { allowed: false, reason: 'no role' } : { allowed: true, role };
}
