/** The SRS service verbs the bot can run, in the order help lists them. The allowlist: nothing else reaches a host. */
export const VERBS = ['status', 'start', 'stop', 'restart', 'reload', 'rotate', 'grace'] as const;

/** One SRS service verb. */
export type Verb = (typeof VERBS)[number];

/** Verbs that change a host's state (everything but `status`). */
export const MUTATING_VERBS: ReadonlySet<Verb> = new Set<Verb>(['start', 'stop', 'restart', 'reload', 'rotate', 'grace']);

/** True when `word` is one of {@link VERBS}. */
export function isVerb(word: string): word is Verb {
  return (VERBS as readonly string[]).includes(word);
}

/** What each verb does, for help texts. */
export const VERB_DESCRIPTIONS: Readonly<Record<Verb, string>> = {
  status: 'show whether SRS runs, its version, uptime and clients',
  start: 'start SRS and confirm it is alive and serving',
  stop: 'stop SRS and confirm the process is gone',
  restart: 'stop then start, confirming a new process serves',
  reload: 'test the config, then reload it (SIGHUP) and confirm from the log',
  rotate: 'reopen the log file (SIGUSR1) and confirm it was reopened',
  grace: 'graceful quit (SIGQUIT): stop accepting, drain clients, exit',
};

/** What a host job can do: a service verb, or one host's step of a rolling upgrade (never typed as a verb). */
export type JobVerb = Verb | 'upgrade';

/** True for job verbs that change a host's state. */
export function mutatesHost(verb: JobVerb): boolean {
  return verb === 'upgrade' || MUTATING_VERBS.has(verb);
}
