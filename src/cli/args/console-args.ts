import { HELP_OPTION, type Parsed } from './help-option';
import { parseCommandArgs } from './parse-command-args';

/** Usage of `srs-chatops console`. */
export const CONSOLE_USAGE = `usage: srs-chatops console [--user U] [--channel C] [--history FILE|off]

The bot in this terminal, without Slack: each line is what you would type after /srs (\`help\` lists the verbs).
Uses the config (SRS_CHATOPS_CONFIG) and Redis (REDIS_URL) like the bot; a worker runs the verbs on the hosts.

options:
  --user U      act as this Slack user id (default SRS_CHATOPS_CONSOLE_USER, else the config's first admin)
  --channel C   in this channel id (default SRS_CHATOPS_CONSOLE_CHANNEL, else the first allowed channel)
  --history F   keep the typed lines in F (default ~/.local/state/srs-chatops/console_history; off: nowhere)
  -h, --help    this text
`;

const OPTIONS = { ...HELP_OPTION, user: { type: 'string' }, channel: { type: 'string' }, history: { type: 'string' } } as const;

/** What `console` runs with. */
export interface ConsoleArgs {
  user?: string;
  channel?: string;
  history?: string;
}

/** Parses `console [--user U] [--channel C] [--history F] [--help]` (`--user=U` too); throws a UsageError on anything else. */
export function parseConsoleArgs(args: readonly string[]): Parsed<ConsoleArgs> {
  const { values } = parseCommandArgs(args, OPTIONS);
  if (values.help === true) return { help: true };
  return {
    help: false,
    ...(values.user !== undefined ? { user: values.user } : {}),
    ...(values.channel !== undefined ? { channel: values.channel } : {}),
    ...(values.history !== undefined ? { history: values.history } : {}),
  };
}

/** The same command line in the one form `runConsole` reads (`--user U`, not `--user=U`). */
export function consoleArgv(args: ConsoleArgs): string[] {
  return [
    ...(args.user !== undefined ? ['--user', args.user] : []),
    ...(args.channel !== undefined ? ['--channel', args.channel] : []),
    ...(args.history !== undefined ? ['--history', args.history] : []),
  ];
}
