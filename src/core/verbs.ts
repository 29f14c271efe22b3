/**
 * The verb names, once: the SRS service verbs a user types, and what a host job runs. Every other verb type derives
 * from these (the command names from the command table, in `commands/command-table.ts`).
 */

/** The SRS service verbs the bot can run, in the order help lists them. The allowlist: nothing else reaches a host. */
export const SERVICE_VERBS = ['status', 'start', 'stop', 'restart', 'reload', 'rotate', 'grace'] as const;

/** One SRS service verb (`/srs <verb> <target>`). */
export type ServiceVerb = (typeof SERVICE_VERBS)[number];

/** A service verb that changes the host's service (all but `status`): what the worker sends to systemd or init.d. */
export type ServiceChange = Exclude<ServiceVerb, 'status'>;

/** What a host job can do: a service verb, or one host's step of a rolling upgrade (never typed as a verb). */
export type JobVerb = ServiceVerb | 'upgrade';

/** True when `word` is one of {@link SERVICE_VERBS}. */
export function isServiceVerb(word: string): word is ServiceVerb {
  return (SERVICE_VERBS as readonly string[]).includes(word);
}

/** True when `word` is one of the {@link JobVerb}s. */
export function isJobVerb(word: string): word is JobVerb {
  return word === 'upgrade' || isServiceVerb(word);
}

/** What each verb does, for help texts. */
export const VERB_DESCRIPTIONS: Readonly<Record<ServiceVerb, string>> = {
  status: 'show whether SRS runs, its version, uptime and clients',
  start: 'start SRS and confirm it is alive and serving',
  stop: 'stop SRS and confirm the process is gone',
  restart: 'stop then start, confirming a new process serves',
  reload: 'test the config, then reload it (SIGHUP) and confirm from the log',
  rotate: 'reopen the log file (SIGUSR1) and confirm it was reopened',
  grace: 'graceful quit (SIGQUIT): stop accepting, drain clients, exit',
};
