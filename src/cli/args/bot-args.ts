import { HELP_OPTION, type Parsed } from './help-option';
import { parseCommandArgs } from './parse-command-args';

/** Usage of `srs-chatops bot`. */
export const BOT_USAGE = `usage: srs-chatops bot

The Slack app: HTTP mode on PORT (default 3000), or Socket Mode when SLACK_APP_TOKEN is set.
Takes no options: the environment configures it.
  SRS_CHATOPS_CONFIG   the config file (default config/srs-chatops.yml; see config/example.yml)
  SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_APP_TOKEN (Socket Mode)
  REDIS_URL            default redis://127.0.0.1:6379
  METRICS_PORT         /metrics, /healthz, /readyz (default 9464; off to disable); METRICS_HOST (default 127.0.0.1)
  BULL_BOARD           on: the queue dashboard (BULL_BOARD_USER, BULL_BOARD_PASSWORD)
  LOG_LEVEL            pino level (default info)

options:
  -h, --help   this text
`;

/** Parses `bot [--help]`; throws a UsageError on anything else. */
export function parseBotArgs(args: readonly string[]): Parsed<object> {
  return parseCommandArgs(args, HELP_OPTION).values.help === true ? { help: true } : { help: false };
}
