import { COMMAND_TABLE, type CommandName } from './commands/command-table';

export { isCommandName, type CommandName } from './commands/command-table';

/**
 * Every command the grammar knows, in the order help lists them: help, hosts, the verbs, upgrade, then the lookups
 * (history, jobs, cancel, abort). Read from the command table; usage lines, help, refusals and "did you mean" hints use it.
 */
export const COMMAND_NAMES: readonly CommandName[] = COMMAND_TABLE.map((r) => r.name);
