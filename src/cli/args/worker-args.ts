import { HELP_OPTION, type Parsed } from './help-option';
import { parseCommandArgs } from './parse-command-args';

/** Usage of `srs-chatops worker`. */
export const WORKER_USAGE = `usage: srs-chatops worker

Runs verb jobs from Redis on the hosts of the config until SIGTERM or SIGINT (running jobs finish first).
Takes no options: the environment configures it.
  SRS_CHATOPS_CONFIG   the config file (default config/srs-chatops.yml; see config/example.yml)
  REDIS_URL            default redis://127.0.0.1:6379
  WORKER_ID            default <hostname>-<pid>
  METRICS_PORT         /metrics, /healthz, /readyz (default 9465; off to disable); METRICS_HOST (default 127.0.0.1)
  LOG_LEVEL            pino level (default info)

options:
  -h, --help   this text
`;

/** Parses `worker [--help]`; throws a UsageError on anything else. */
export function parseWorkerArgs(args: readonly string[]): Parsed<object> {
  return parseCommandArgs(args, HELP_OPTION).values.help === true ? { help: true } : { help: false };
}
