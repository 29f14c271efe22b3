import { AUDIT_USAGE } from '../audit/parse-audit-args';
import { BOT_USAGE } from './bot-args';
import { CONSOLE_USAGE } from './console-args';
import { DOCTOR_USAGE } from './doctor-args';
import { parseCommandArgs, UsageError } from './parse-command-args';
import { WORKER_USAGE } from './worker-args';

/** Usage of `srs-chatops`. */
export const MAIN_USAGE = `usage: srs-chatops <command> [options]
       srs-chatops <command> --help
       srs-chatops --version

commands:
  worker     run verb jobs from Redis (REDIS_URL) on the hosts of SRS_CHATOPS_CONFIG
  bot        the Slack app (HTTP mode; Socket Mode when SLACK_APP_TOKEN is set)
  console    the bot in this terminal, without Slack
  doctor     check the config, Redis and every host; prints the fix for each problem
  audit      the audit log in Redis: export, tail, verify (srs-chatops audit help)
  help       this text (help <command>: that command's)

options:
  -h, --help      this text
  -V, --version   the version of srs-chatops (and of Node.js)
`;

/** Each subcommand's usage, for `srs-chatops help <command>`. */
export const COMMAND_USAGE: Readonly<Record<string, string>> = {
  worker: WORKER_USAGE,
  bot: BOT_USAGE,
  console: CONSOLE_USAGE,
  doctor: DOCTOR_USAGE,
  audit: AUDIT_USAGE,
  help: MAIN_USAGE,
};

/** `srs-chatops [--help | --version] [<command> [args...]]`, split at the command. */
export type MainArgs = { kind: 'help' } | { kind: 'version' } | { kind: 'command'; command: string; rest: string[] };

/** Parses the options before the command (`--help`, `--version`); throws a UsageError on any other, or when no command is given. */
export function parseMainArgs(argv: readonly string[]): MainArgs {
  const at = argv.findIndex((a) => !a.startsWith('-'));
  const before = at < 0 ? argv : argv.slice(0, at);
  const { values } = parseCommandArgs(before, { help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'V' } });
  if (values.version === true) return { kind: 'version' };
  const command = at < 0 ? undefined : argv[at];
  if (values.help === true) return { kind: 'help' };
  if (command === undefined) throw new UsageError('a command is needed');
  return { kind: 'command', command, rest: argv.slice(at + 1) };
}
