#!/usr/bin/env node
import { asChatopsError } from '../core/errors';

const USAGE = `usage: srs-chatops <command>

commands:
  worker     run verb jobs from Redis (REDIS_URL) on the hosts of SRS_CHATOPS_CONFIG
  bot        the Slack app (HTTP mode; Socket Mode when SLACK_APP_TOKEN is set)
  console    the bot in this terminal, without Slack
  doctor     check the config, Redis and every host; prints the fix for each problem
  audit      the audit log in Redis: export, tail, verify (srs-chatops audit help)
  help       this text
`;

/** Dispatches a subcommand. Composition roots are loaded lazily so that `help` needs no config. */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'worker': {
      const { runWorker } = await import('../../workers/main');
      await runWorker();
      return 0;
    }
    case 'doctor': {
      const { runDoctor } = await import('./doctor/run-doctor');
      return runDoctor(rest);
    }
    case 'bot': {
      const { runBot } = await import('./run-bot');
      await runBot();
      return 0;
    }
    case 'audit': {
      const { runAudit } = await import('./audit/run-audit');
      const { processOutput } = await import('./audit/audit-output');
      const stop = new AbortController();
      process.once('SIGINT', () => stop.abort());
      return runAudit(rest, process.env, processOutput(), { signal: stop.signal });
    }
    case 'console': {
      const { runConsole } = await import('./run-console');
      return runConsole(rest);
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return command === undefined ? 1 : 0;
    default:
      process.stderr.write(`srs-chatops: unknown command '${command}'\n\n${USAGE}`);
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
