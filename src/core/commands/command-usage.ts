import { COMMAND_NAMES } from '../command-names';
import { escapeSlackText } from '../text/escape-slack-text';
import { TARGET_FORMS } from '../usage';

/**
 * The usage when the command itself is not known: every command help lists (from the command table), and the
 * target forms verbs take. Slack-escaped (`&lt;`), ready to put in a message.
 */
export function commandUsage(): string {
  return escapeSlackText(`Usage: /srs <${COMMAND_NAMES.join('|')}> …; verbs take ${TARGET_FORMS}; \`/srs help\` explains each`);
}
