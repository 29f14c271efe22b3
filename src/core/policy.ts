import type { SlackConfig } from '../../config/schema';
import type { Caller, Command, Decision, Role } from './command';
import { escapeSlackText } from './text/escape-slack-text';
import { inlineCode } from './text/inline-code';
import { COMMAND_NAMES, type CommandName } from './command-names';
import { VERBS } from './verbs';

export type { CommandName } from './command-names';

/** Roles, strongest first: the first one a user is listed under is theirs. */
const ROLES_STRONGEST_FIRST: readonly Role[] = ['admin', 'operator', 'viewer'];

const ALLOWED: Readonly<Record<Role, readonly CommandName[]>> = {
  viewer: ['help', 'hosts', 'status'],
  operator: ['help', 'hosts', ...VERBS, 'upgrade'],
  admin: ['help', 'hosts', ...VERBS, 'upgrade'],
};

/**
 * Commands every role may run (apart from the per-role lists above): the lookups `history` and `jobs`, and
 * `cancel` and `abort`, which the use cases allow only to the requester or an operator.
 */
const LOOKUPS: readonly CommandName[] = ['history', 'jobs', 'cancel', 'abort'];

const CHANNEL_ID = /^[CGD][A-Z0-9]{2,20}$/;
const USER_ID = /^[UW][A-Z0-9]{2,20}$/;

/** The name authorization knows a command by. */
export function commandName(command: Command): CommandName {
  return command.kind === 'verb' ? command.verb : command.kind;
}

/** True when `role` is operator or admin (who may act on anyone's request: cancel, abort, grace buttons). */
export function isOperator(role: Role | undefined): boolean {
  return role === 'operator' || role === 'admin';
}

/**
 * The commands a role may run, in help order (viewer: help, hosts, status; operator and admin: every verb).
 * The commands of {@link lookupCommands} come on top, for every role.
 */
export function allowedCommands(role: Role): readonly CommandName[] {
  return ALLOWED[role];
}

/** Commands every role may run, besides {@link allowedCommands}: `history`, `jobs`, `cancel`, `abort`. */
export function lookupCommands(): readonly CommandName[] {
  return LOOKUPS;
}

/**
 * Everything `role` may run, in help order: its own commands and the lookups (a viewer: help, hosts, status, history,
 * jobs, cancel, abort). What help lists and what a refusal says the user may do instead.
 */
export function commandsOf(role: Role): readonly CommandName[] {
  return COMMAND_NAMES.filter((name) => mayRun(role, name));
}

/** True when `role` may run `name`: a command of its role, or one of {@link lookupCommands}. */
export function mayRun(role: Role, name: CommandName): boolean {
  return LOOKUPS.includes(name) || ALLOWED[role].includes(name);
}

/** The weakest role that may run `name`. */
export function minimumRole(name: CommandName): Role {
  if (LOOKUPS.includes(name)) return 'viewer';
  return (['viewer', 'operator', 'admin'] as const).find((r) => ALLOWED[r].includes(name)) ?? 'admin';
}

/** The role of a Slack user id; the highest wins when the config lists a user under several. */
export function roleOf(userId: string, slack: Pick<SlackConfig, 'roles'>): Role | undefined {
  return ROLES_STRONGEST_FIRST.find((role) => slack.roles[role].includes(userId));
}

/** `<#C123>` for a well-formed channel id (Slack shows the channel's name), escaped text otherwise. */
function channelLink(id: string): string {
  return CHANNEL_ID.test(id) ? `<#${id}>` : escapeSlackText(id);
}

/**
 * Decides whether `caller` may run `command`: the channel must be one of `allowedChannels` (when that list is
 * not empty), the user must have a role, and the role must allow the command. The reason is Slack mrkdwn,
 * meant for the denied user (ephemeral) and the audit log.
 */
export function authorize(caller: Caller, command: Command, slack: SlackConfig): Decision {
  if (slack.allowedChannels.length > 0 && !slack.allowedChannels.includes(caller.channelId)) {
    return {
      allowed: false,
      reason: `commands are not allowed in this channel; use one of ${slack.allowedChannels.map(channelLink).join(', ')}`,
    };
  }
  const role = roleOf(caller.userId, slack);
  if (role === undefined) {
    return {
      allowed: false,
      reason: `you are not in srs-chatops's user list; ask an admin to add your Slack user id ${USER_ID.test(caller.userId) ? caller.userId : inlineCode(caller.userId)}`,
    };
  }
  const name = commandName(command);
  if (!mayRun(role, name)) {
    return {
      allowed: false,
      reason: `\`${name}\` needs the ${minimumRole(name)} role; you are ${role === 'viewer' ? 'a' : 'an'} ${role}, who may run ${commandsOf(role).join(', ')}`,
    };
  }
  return { allowed: true, role };
}
