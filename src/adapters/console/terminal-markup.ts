import { expandTabs } from './display-width';
import { emojify } from './emoji';

/** `ansi`: bold, code and links styled with escape sequences (a terminal); `plain`: the marks removed (a pipe, a file). */
export type MarkupStyle = 'ansi' | 'plain';

const ZWSP = /\u200B/g;
/** Control characters (but tab and newline), C1 controls included: text from hosts must not drive the terminal. */
// eslint-disable-next-line no-control-regex -- removing control characters is the point
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;
/**
 * A code block, an inline code span, or a `<...>` link. Backticks next to a zero-width space are a fence broken up by
 * escaping: literal.
 */
const TOKENS = /```([\s\S]*?)```|(?<!\u200B)`([^`\n\u200B][^`\n]*?)`(?!\u200B)|<([^<>\n]*)>/g;

/** Slots for rendered code and links, in Supplementary Private Use Area-A (removed from the input first). */
const SLOT = 0xf0000;
const SLOTS = /[\u{F0000}-\u{FFFFD}]/gu;

const SGR = {
  bold: ['\x1b[1m', '\x1b[22m'],
  italic: ['\x1b[3m', '\x1b[23m'],
  strike: ['\x1b[9m', '\x1b[29m'],
  underline: ['\x1b[4m', '\x1b[24m'],
  dim: ['\x1b[2m', '\x1b[22m'],
  code: ['\x1b[36m', '\x1b[39m'],
} as const;

function styled(style: MarkupStyle, kind: keyof typeof SGR, text: string): string {
  return style === 'ansi' ? `${SGR[kind][0]}${text}${SGR[kind][1]}` : text;
}

/** Slack's three entities, decoded (`&amp;` last, so `&amp;lt;` stays `&lt;`). */
function decode(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** `*bold*`, `_italic_`, `~strike~`: a mark opens after a non-word character and closes before one, as in Slack. */
function emphasis(text: string, style: MarkupStyle): string {
  return text
    .replace(/(?<![\p{L}\p{N}*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\p{L}\p{N}*])/gu, (_, t: string) => styled(style, 'bold', t))
    .replace(/(?<![\p{L}\p{N}_])_(?!\s)([^_\n]+?)(?<!\s)_(?![\p{L}\p{N}_])/gu, (_, t: string) => styled(style, 'italic', t))
    .replace(/(?<![\p{L}\p{N}~])~(?!\s)([^~\n]+?)(?<!\s)~(?![\p{L}\p{N}~])/gu, (_, t: string) => styled(style, 'strike', t));
}

/** Text outside code: emoji, emphasis, then entities. */
function prose(text: string, style: MarkupStyle): string {
  return decode(emphasis(emojify(text), style));
}

/** `<@U1>` -> `@U1`, `<#C1|ops>` -> `#ops`, `<!here>` -> `@here`, `<https://x|label>` -> `label (https://x)`. */
function link(inner: string, style: MarkupStyle): string {
  const bar = inner.indexOf('|');
  const target = bar < 0 ? inner : inner.slice(0, bar);
  const label = bar < 0 ? undefined : inner.slice(bar + 1);
  if (target.startsWith('@')) return label === undefined ? decode(target) : `@${prose(label, 'plain')}`;
  if (target.startsWith('#')) return label === undefined ? decode(target) : `#${prose(label, 'plain')}`;
  if (target.startsWith('!'))
    return label !== undefined && target.startsWith('!date')
      ? prose(label, style)
      : `@${decode(label ?? target.slice(1)).replace(/^@/, '')}`;
  if (label === undefined) return styled(style, 'underline', decode(target));
  return `${styled(style, 'underline', prose(label, style))} ${styled(style, 'dim', `(${decode(target)})`)}`;
}

/** A code block as lines on their own: a gutter on a terminal, an indent in plain text; never formatted inside. */
function codeBlock(body: string, style: MarkupStyle): string {
  const lines = decode(body.replace(/^\n/, '').replace(/\n$/, '')).split('\n');
  return lines.map((l) => (style === 'ansi' ? `${styled(style, 'dim', '│')} ${l}` : `  ${l}`)).join('\n');
}

/**
 * Slack mrkdwn as a terminal shows it: emoji shortcodes as symbols (unknown ones kept), `*bold*`/`_italic_`/`~strike~`,
 * `` `code` `` and ``` blocks styled with ANSI (`ansi`) or with their marks removed (`plain`); links, mentions and
 * `&lt; &gt; &amp;` decoded; zero-width spaces and control characters removed, tabs expanded. Code blocks always
 * start on a line of their own.
 */
export function renderMarkup(mrkdwn: string, style: MarkupStyle): string {
  const text = mrkdwn.replace(/\r\n?/g, '\n').replace(CONTROL, '').replace(SLOTS, '');
  // Code and links are rendered first and held in slots, so that emphasis can span them (`*Rollout `r-1`*`) but
  // never reach inside.
  const held: string[] = [];
  const hold = (rendered: string): string => String.fromCodePoint(SLOT + held.push(rendered) - 1);
  let skeleton = '';
  let at = 0;
  for (const m of text.matchAll(TOKENS)) {
    const index = m.index ?? 0;
    skeleton += text.slice(at, index);
    at = index + m[0].length;
    if (m[1] !== undefined) {
      const before = skeleton.length > 0 && !skeleton.endsWith('\n') ? '\n' : '';
      const after = at < text.length && text[at] !== '\n' ? '\n' : '';
      skeleton += `${before}${hold(codeBlock(m[1], style))}${after}`;
    } else if (m[2] !== undefined) skeleton += hold(styled(style, 'code', decode(m[2])));
    else skeleton += hold(link(m[3] ?? '', style));
  }
  skeleton += text.slice(at);
  const out = prose(skeleton, style).replace(SLOTS, (c) => held[(c.codePointAt(0) ?? SLOT) - SLOT] ?? '');
  return out.replace(ZWSP, '').split('\n').map(expandTabs).join('\n');
}
