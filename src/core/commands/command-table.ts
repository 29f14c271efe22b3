import type { ParseResult, Role } from '../command';
import { parseAbort, parseJobs, parseUpgrade } from '../parse-upgrade';
import { SERVICE_VERBS, VERB_DESCRIPTIONS, type JobVerb, type ServiceVerb } from '../verbs';
import type { Access, AccessRow, ApprovalRule } from './access';
import { parseCancel, parseHelp, parseHistory, parseHosts, parseOutput } from './parse-lookups';
import { checkTarget } from './parse-target';
import { parseVerb } from './parse-verb';

/**
 * One command: everything the bot knows about it apart from its handler (bound in the bot, `bot/command-handlers.ts`).
 * Help, authorization, usage hints and the audit's fail-closed rule all read these rows.
 */
export interface CommandRow<N extends string = string> extends AccessRow {
  /** The first word. */
  readonly name: N;
  /** The grammar: reads the words after the first into a command, or says what is wrong. */
  readonly parse: (rest: readonly string[]) => ParseResult;
  /** Its line in `/srs help` (Slack mrkdwn). */
  readonly help: string;
  readonly role: Role;
  /** Run by every role on top of its own commands (the lookups, and `cancel` / `abort` on one's own requests). */
  readonly lookup: boolean;
  readonly access: Access;
  readonly approval: ApprovalRule;
  /** True when it changes a host (its jobs do). */
  readonly mutatesHost: boolean;
  /** True when it changes anything (a host, the queue, a rollout): refused when the audit log cannot record it. */
  readonly changesState: boolean;
  /** True when its target expression is resolved to hosts before the handler runs (an unknown host is refused). */
  readonly resolvesTargets: boolean;
}

function row<N extends string>(r: CommandRow<N>): CommandRow<N> {
  return r;
}

const BY_ROLE: Access = { rule: 'role' };

function verbHelp(verb: ServiceVerb): string {
  if (verb === 'grace') return `• \`/srs grace &lt;target&gt; [--deadline 5m]\`: ${VERB_DESCRIPTIONS.grace}, shown live`;
  if (verb === 'restart')
    return `• \`/srs restart &lt;target&gt; [--graceful [--deadline 5m]]\`: ${VERB_DESCRIPTIONS.restart} (graceful: drain first)`;
  return `• \`/srs ${verb} &lt;target&gt;\`: ${VERB_DESCRIPTIONS[verb]}`;
}

function verbRow(verb: ServiceVerb): CommandRow<ServiceVerb> {
  const mutates = verb !== 'status';
  return row({
    name: verb,
    parse: (rest) => parseVerb(verb, rest),
    help: verbHelp(verb),
    role: mutates ? 'operator' : 'viewer',
    lookup: false,
    access: BY_ROLE,
    approval: 'when-gated',
    mutatesHost: mutates,
    changesState: mutates,
    resolvesTargets: true,
  });
}

/** A command that reaches no host and needs no approval, open to viewers. */
const VIEWER = {
  role: 'viewer',
  access: BY_ROLE,
  approval: 'never',
  mutatesHost: false,
  changesState: false,
  resolvesTargets: false,
} as const;

/** Every command, in the order help and usage list them: help, hosts, the verbs, upgrade, then the lookups. */
export const COMMAND_TABLE = [
  row({ name: 'help', parse: parseHelp, help: '• `/srs help`: this list', ...VIEWER, lookup: false }),
  row({
    name: 'hosts',
    parse: parseHosts,
    help: '• `/srs hosts [group]`: list the hosts, their address, groups and service manager',
    ...VIEWER,
    lookup: false,
  }),
  ...SERVICE_VERBS.map(verbRow),
  row({
    name: 'upgrade',
    parse: (rest) => parseUpgrade(rest, checkTarget),
    help: '• `/srs upgrade &lt;target&gt; &lt;version&gt; [--batch N] [--budget N] [--rollback]`: a rolling upgrade in batches, approved by another person first; halts on trouble',
    role: 'operator',
    lookup: false,
    access: BY_ROLE,
    approval: 'always',
    mutatesHost: true,
    changesState: true,
    resolvesTargets: true,
  }),
  row({
    name: 'history',
    parse: parseHistory,
    help: '• `/srs history [target] [--verb V] [--user @someone] [--since 7d] [--limit 20]`: who ran what where, the outcome, the approver and the thread (from the audit log)',
    ...VIEWER,
    lookup: true,
  }),
  // Open to viewers like `history`: the thread already shows every step's output (trimmed) to the channel, and viewers
  // may read any host's state with `status`; the answer is ephemeral, and the ops link needs the dashboard's login.
  row({
    name: 'output',
    parse: parseOutput,
    help: "• `/srs output &lt;job id&gt;`: a job's full output (every command sent, stdout, stderr, exit code), checked against the audit record's SHA-256",
    ...VIEWER,
    lookup: true,
  }),
  row({
    name: 'jobs',
    parse: parseJobs,
    help: '• `/srs jobs`: what runs, waits in the queue, or awaits approval: who, what, since when',
    ...VIEWER,
    lookup: true,
  }),
  row({
    name: 'cancel',
    parse: parseCancel,
    help: '• `/srs cancel &lt;request or job id&gt;`: cancel queued jobs (yours, or any as an operator); running ones go on',
    ...VIEWER,
    lookup: true,
    access: { rule: 'requester-or-operator', may: (id) => `cancel ${id}` },
    changesState: true,
  }),
  row({
    name: 'abort',
    parse: parseAbort,
    help: '• `/srs abort &lt;rollout id&gt; [--now]`: stop a rollout after the hosts in progress (yours, or any as an operator)',
    ...VIEWER,
    lookup: true,
    access: { rule: 'requester-or-operator', may: (id) => `abort ${id}` },
    changesState: true,
  }),
];

/** What authorization, help and the handlers know a command by: its first word. Derived from the table. */
export type CommandName = (typeof COMMAND_TABLE)[number]['name'];

const BY_NAME: ReadonlyMap<string, CommandRow<CommandName>> = new Map(COMMAND_TABLE.map((r) => [r.name, r]));

/** True when `word` is a command's first word. */
export function isCommandName(word: string): word is CommandName {
  return BY_NAME.has(word);
}

/** The row of a command. */
export function commandRow(name: CommandName): CommandRow<CommandName> {
  const found = BY_NAME.get(name);
  if (found === undefined) throw new Error(`no command ${name}`);
  return found;
}

/** True for job verbs that change a host's state (every one but `status`): the verb's or upgrade's row says. */
export function mutatesHost(verb: JobVerb): boolean {
  return commandRow(verb).mutatesHost;
}
