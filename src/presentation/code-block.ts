import { stripAnsi } from '../core/strip-ansi';
import { escapeSlackText } from '../core/text/escape-slack-text';

const OPEN = '```\n';
const CLOSE = '\n```';
/** Room kept for the `[... N chars cut]` line. */
const MARKER_ROOM = 32;
/** A cut moves forward to the next line start when one is this close, so the block starts on a whole line. */
const LINE_SNAP = 120;
/** The most characters one character escapes to (`&` -> `&amp;`). */
const MAX_GROWTH = 5;

/** The last `keep` characters of `text`, starting on a line boundary when one is near, and never on half a surrogate pair. */
function tail(text: string, keep: number): string {
  let t = text.slice(text.length - keep);
  const nl = t.indexOf('\n');
  if (nl >= 0 && nl < LINE_SNAP && nl < t.length - 1) t = t.slice(nl + 1);
  return /^[\uDC00-\uDFFF]/.test(t) ? t.slice(1) : t;
}

/**
 * Host output as a Slack code block of at most `maxChars` characters (fences included): ANSI and control
 * characters stripped, escaped with {@link escapeSlackText}, and when too long only the END kept (that is what
 * explains a failure), after a `[... N chars cut]` line. Returns '' for blank output or when `maxChars` is too
 * small to show anything.
 */
export function renderCodeBlock(output: string, maxChars: number): string {
  const clean = stripAnsi(output)
    .replace(/^\s*\n/, '')
    .trimEnd();
  if (clean.trim() === '') return '';
  const room = Math.floor(maxChars) - OPEN.length - CLOSE.length;
  const whole = escapeSlackText(clean);
  if (whole.length <= room) return `${OPEN}${whole}${CLOSE}`;

  const budget = room - MARKER_ROOM;
  if (budget <= 0) return '';
  // Escaping can lengthen text (`&` -> `&amp;`): shrink the raw tail until its escaped form fits. A character
  // escapes to at most MAX_GROWTH characters, so the last try always fits.
  let keep = Math.min(clean.length, budget);
  for (let i = 0; i < 8; i++) {
    const part = tail(clean, keep);
    const escaped = escapeSlackText(part);
    if (escaped.length <= budget || keep <= Math.floor(budget / MAX_GROWTH)) {
      return escaped.trim() === '' ? '' : `${OPEN}[... ${clean.length - part.length} chars cut]\n${escaped}${CLOSE}`;
    }
    keep = Math.max(Math.floor(budget / MAX_GROWTH), Math.min(keep - 1, Math.floor((keep * budget) / escaped.length)));
  }
  const part = tail(clean, Math.floor(budget / MAX_GROWTH));
  return `${OPEN}[... ${clean.length - part.length} chars cut]\n${escapeSlackText(part)}${CLOSE}`;
}
