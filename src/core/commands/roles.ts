import type { Role } from '../command';
import { ROLES_WEAKEST_FIRST } from './access';
import { COMMAND_TABLE, commandRow, type CommandName } from './command-table';

/** True when `role` is `than` or stronger. */
export function atLeast(role: Role, than: Role): boolean {
  return ROLES_WEAKEST_FIRST.indexOf(role) >= ROLES_WEAKEST_FIRST.indexOf(than);
}

/** True when `role` is operator or admin (who may act on anyone's request: cancel, abort, grace buttons). */
export function isOperator(role: Role | undefined): boolean {
  return role !== undefined && atLeast(role, 'operator');
}

/** The weakest role that may run `name` (its row says). */
export function minimumRole(name: CommandName): Role {
  return commandRow(name).role;
}

/** True when `role` may run `name`: its row asks for `role` or a weaker one. */
export function mayRun(role: Role, name: CommandName): boolean {
  return atLeast(role, minimumRole(name));
}

/**
 * Everything `role` may run, in help order: its own commands and the lookups (a viewer: help, hosts, status, history,
 * jobs, cancel, abort). What help lists and what a refusal says the user may do instead.
 */
export function commandsOf(role: Role): readonly CommandName[] {
  return COMMAND_TABLE.filter((r) => atLeast(role, r.role)).map((r) => r.name);
}

/** The commands of `role` that are not lookups, in help order (viewer: help, hosts, status). */
export function allowedCommands(role: Role): readonly CommandName[] {
  return COMMAND_TABLE.filter((r) => !r.lookup && atLeast(role, r.role)).map((r) => r.name);
}
