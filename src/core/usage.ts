import { escapeSlackText } from './text/escape-slack-text';
import type { ServiceVerb } from './verbs';

/** The target forms, as usage texts show them. */
export const TARGET_FORMS = '<host|group|host,host|all>';

/** One verb's usage: `Usage: /srs restart <host|...> [--graceful [--deadline 5m]]`. Slack-escaped (`&lt;`). */
export function verbUsage(verb: ServiceVerb): string {
  const own = verb === 'grace' ? ' [--deadline 5m]' : verb === 'restart' ? ' [--graceful [--deadline 5m]]' : '';
  const rolling = verb === 'status' ? '' : ' [--batch N|--parallel] [--budget N] [--dry-run]';
  return escapeSlackText(`Usage: /srs ${verb} ${TARGET_FORMS}${own}${rolling}`);
}

/** Usage of `/srs hosts`. */
export const HOSTS_USAGE = 'Usage: /srs hosts [group]';

/** Usage of `/srs history` (Slack-escaped). */
export const HISTORY_USAGE = 'Usage: /srs history [target] [--verb V] [--user @someone] [--since 7d] [--limit 20]';

/** Usage of `/srs help`. */
export const HELP_USAGE = 'Usage: /srs help';

/** Usage of `/srs output`. */
export const OUTPUT_USAGE =
  'Usage: /srs output &lt;job id&gt; (the request id and the host: `r-...-edge-3`), or &lt;request id&gt; to list its jobs';

/** Usage of `/srs cancel`. */
export const CANCEL_USAGE = 'Usage: /srs cancel &lt;request id&gt; or &lt;job id&gt; (as shown in the thread)';

/** Usage of `/srs upgrade` (Slack-escaped). */
export const UPGRADE_USAGE =
  'Usage: /srs upgrade &lt;host|group|host,host|all&gt; &lt;version&gt; [--batch N] [--budget N] [--rollback|--no-rollback] [--dry-run]';

/** Usage of `/srs abort` (Slack-escaped). */
export const ABORT_USAGE = "Usage: /srs abort &lt;rollout id&gt; [--now] (the id is in the rollout's thread)";

/** Usage of `/srs jobs`. */
export const JOBS_USAGE = 'Usage: /srs jobs';
