import { escapeSlackText } from './escape-slack-text';

/** The most characters of user text echoed back in one message. */
export const ECHO_MAX_CHARS = 40;

/**
 * Shows untrusted text (a word the user typed) as Slack inline code: whitespace collapsed, cut to `maxChars`
 * characters (then `…`), escaped with {@link escapeSlackText}, and backticks replaced by `ˋ` so it cannot
 * leave the code span. Inside the span, `*bold*`, `_italic_` and `~strike~` are not formatting.
 */
export function inlineCode(text: string, maxChars: number = ECHO_MAX_CHARS): string {
  const chars = Array.from(text.replace(/\s+/g, ' ').trim());
  const cut = chars.length > maxChars ? `${chars.slice(0, Math.max(0, maxChars)).join('')}…` : chars.join('');
  const safe = escapeSlackText(cut.replace(/`/g, 'ˋ')).trim();
  return safe === '' ? '(empty)' : `\`${safe}\``;
}
