import { VERBS, type Verb } from './verbs';

/** What authorization and help know a command by: its first word (`help`, `hosts`, ..., or a verb). */
export type CommandName = 'help' | 'hosts' | 'history' | 'cancel' | 'upgrade' | 'abort' | 'jobs' | Verb;

/** Every command name, once; a missing or extra one is a type error. */
const EVERY: Readonly<Record<CommandName, true>> = {
  help: true,
  hosts: true,
  status: true,
  start: true,
  stop: true,
  restart: true,
  reload: true,
  rotate: true,
  grace: true,
  upgrade: true,
  history: true,
  jobs: true,
  cancel: true,
  abort: true,
};

/**
 * Every command the grammar knows, in the order help lists them: help, hosts, the verbs, upgrade, then the lookups
 * (history, jobs, cancel, abort). The one list usage lines, help, refusals and "did you mean" hints derive from.
 */
export const COMMAND_NAMES: readonly CommandName[] = ['help', 'hosts', ...VERBS, 'upgrade', 'history', 'jobs', 'cancel', 'abort'];

/** True when `word` is a command's first word. */
export function isCommandName(word: string): word is CommandName {
  return Object.hasOwn(EVERY, word);
}
