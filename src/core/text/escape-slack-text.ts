/** Zero-width space: invisible, but enough to stop Slack from reading a mention or a code fence. */
export const ZWSP = '\u200B';

/** Surrogate halves without their partner: not valid UTF-16, and not valid in a JSON payload to Slack. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** Control characters (except tab and newline) and bidi overrides, which can make shown text lie about itself. */
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;
/** `!channel`/`@here`/... in any case: the words of broadcast mentions, escaped or not. */
const BROADCAST = /([!@])(channel|here|everyone)/gi;
/** Three or more backticks: would open or close a code block. */
const FENCE = /`{3,}/g;

/**
 * Makes any text safe to put in a Slack mrkdwn message, including inside a code block:
 * - `&`, `<`, `>` become `&amp;`, `&lt;`, `&gt;` (Slack's three), so no `<!channel>`, `<@U123>`, `<#C1>` or
 *   `<http://x|y>` control sequence survives, and an already escaped `&lt;!here&gt;` stays literal text;
 * - the words of broadcast mentions (`!channel`, `@here`, `@everyone`, ...) get a zero-width space after the
 *   `!`/`@`, so they cannot ping anyone even with `link_names`;
 * - runs of three or more backticks are broken up, so host output cannot end or start a code block;
 * - control characters (except tab and newline), bidi overrides and lone surrogates are removed or replaced.
 * Not idempotent: escape raw text exactly once.
 */
export function escapeSlackText(text: string): string {
  return text
    .replace(LONE_SURROGATE, '\uFFFD')
    .replace(INVISIBLE, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(BROADCAST, `$1${ZWSP}$2`)
    .replace(FENCE, (run) => run.split('').join(ZWSP));
}

/**
 * {@link escapeSlackText}, then the user mentions the bot itself wrote (`<@U0ABC123>`, a well-formed user id) made
 * live again, so they show as names. Nothing else is restored: no broadcast, channel or link survives.
 */
export function escapeKeepingUserMentions(text: string): string {
  return escapeSlackText(text).replace(/&lt;@([UW][A-Z0-9]{2,20})&gt;/g, '<@$1>');
}
