/**
 * The Slack bot for the fleet benchmark: exactly `srs-chatops bot` (src/app/run-bot.ts, HTTP mode), in a process that
 * also exits if the benchmark that started it goes away. Env as for `srs-chatops bot` (SLACK_API_URL = the stand-in).
 */
import { runBot } from '../src/app/run-bot';

process.once('disconnect', () => process.exit(0));
runBot(process.env).then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench bot: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
