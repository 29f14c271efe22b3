#!/usr/bin/env node
import { asChatopsError } from '../core/errors';
import { BOT_USAGE, parseBotArgs } from './args/bot-args';
import { CONSOLE_USAGE, consoleArgv, parseConsoleArgs } from './args/console-args';
import { DOCTOR_USAGE, parseDoctorArgs } from './args/doctor-args';
import { HELP_OPTION } from './args/help-option';
import { COMMAND_USAGE, MAIN_USAGE, parseMainArgs } from './args/main-args';
import { packageVersion } from './args/package-version';
import { parseCommandArgs, UsageError } from './args/parse-command-args';
import { parseWorkerArgs, WORKER_USAGE } from './args/worker-args';

/** `help [<command>]`: the usage asked for, on stdout. */
function help(rest: readonly string[]): number {
  const { positionals } = parseCommandArgs(rest, HELP_OPTION, true);
  if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1] ?? ''}'`);
  const usage = COMMAND_USAGE[positionals[0] ?? 'help'];
  if (usage === undefined) throw new UsageError(`no command '${positionals[0] ?? ''}'`);
  process.stdout.write(usage);
  return 0;
}

/**
 * Runs a subcommand. Each one's command line is checked (and `--help` answered) before anything is loaded or
 * started; composition roots are loaded lazily so that `help` and `--version` need no config.
 */
async function run(command: string, rest: string[]): Promise<number> {
  const usage = (text: string) => (process.stdout.write(text), 0);
  switch (command) {
    case 'worker': {
      if (parseWorkerArgs(rest).help) return usage(WORKER_USAGE);
      const { runWorker } = await import('../app/run-worker');
      await runWorker();
      return 0;
    }
    case 'bot': {
      if (parseBotArgs(rest).help) return usage(BOT_USAGE);
      const { runBot } = await import('../app/run-bot');
      await runBot();
      return 0;
    }
    case 'console': {
      const args = parseConsoleArgs(rest);
      if (args.help) return usage(CONSOLE_USAGE);
      const { runConsole } = await import('../app/run-console');
      return runConsole(consoleArgv(args));
    }
    case 'doctor': {
      if (parseDoctorArgs(rest).help) return usage(DOCTOR_USAGE);
      const { runDoctor } = await import('./doctor/run-doctor');
      return runDoctor(rest);
    }
    case 'audit': {
      // Parses its own command line (audit export|tail|verify ... --help), with its own exit codes.
      const { runAudit } = await import('./audit/run-audit');
      const { processOutput } = await import('./audit/audit-output');
      const stop = new AbortController();
      process.once('SIGINT', () => stop.abort());
      return runAudit(rest, process.env, processOutput(), { signal: stop.signal });
    }
    case 'help':
      return help(rest);
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

async function main(argv: string[]): Promise<number> {
  let command: string | undefined;
  try {
    const args = parseMainArgs(argv);
    if (args.kind === 'version') {
      process.stdout.write(`srs-chatops ${packageVersion()}\nnode ${process.version}\n`);
      return 0;
    }
    if (args.kind === 'help') return help([]);
    command = args.command;
    return await run(args.command, args.rest);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    const usage = (command !== undefined ? COMMAND_USAGE[command] : undefined) ?? MAIN_USAGE;
    const name = command !== undefined && COMMAND_USAGE[command] !== undefined ? `srs-chatops ${command}` : 'srs-chatops';
    process.stderr.write(`${name}: ${err.message}\n\n${usage}`);
    return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const e = asChatopsError(err);
    process.stderr.write(`srs-chatops: ${e.userMessage}\n`);
    process.exitCode = 1;
  },
);
