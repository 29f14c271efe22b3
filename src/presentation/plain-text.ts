import { ZWSP } from '../core/text/escape-slack-text';

/**
 * Slack mrkdwn as plain text, for a terminal (the console adapter) or logs: `<@U1>` -> `@U1`, `<#C1>` -> `#C1`,
 * `<#C1|ops>` -> `#ops`, `<!here>` -> `@here`, `<https://x|label>` -> `label (https://x)`, zero-width spaces
 * removed, and `&lt;` `&gt;` `&amp;` unescaped. Formatting marks (`*`, `_`, backticks) are kept.
 */
export function slackToPlainText(mrkdwn: string): string {
  return mrkdwn
    .replace(/<([^<>]*)>/g, (_, inner: string) => {
      const [target = '', label] = inner.split('|', 2);
      if (target.startsWith('@')) return label === undefined ? target : `@${label}`;
      if (target.startsWith('#')) return label === undefined ? target : `#${label}`;
      if (target.startsWith('!')) return `@${(label ?? target.slice(1)).replace(/^@/, '')}`;
      return label === undefined ? target : `${label} (${target})`;
    })
    .split(ZWSP)
    .join('')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
