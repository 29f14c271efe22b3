import { escapeSlackText } from './render/escape-slack-text';
import { VERBS, type Verb } from './verbs';

/** The target forms, as usage texts show them. */
export const TARGET_FORMS = '<host|group|host,host|all>';

/**
 * `Usage: /srs <status|start|...> <host|group|host,host|all>`, or for one verb `Usage: /srs restart <host|...>`.
 * Slack-escaped (`&lt;`), ready to put in a message.
 */
export function verbUsage(verb?: Verb): string {
  const verbs = verb ?? `<${VERBS.join('|')}>`;
  return escapeSlackText(`Usage: /srs ${verbs} ${TARGET_FORMS}`);
}

/** Usage of `/srs hosts`. */
export const HOSTS_USAGE = 'Usage: /srs hosts [group]';

/** Usage of `/srs help`. */
export const HELP_USAGE = 'Usage: /srs help';
