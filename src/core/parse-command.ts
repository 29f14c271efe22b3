import type { ParseResult } from './command';
import { isFlagLike, splitFlags } from './parse-flags';
import { escapeSlackText } from './text/escape-slack-text';
import { ECHO_MAX_CHARS, inlineCode } from './text/inline-code';
import { suggestName } from './suggest-name';
import { isServiceVerb } from './verbs';
import { COMMAND_NAMES } from './command-names';
import { commandRow, isCommandName } from './commands/command-table';
import { commandUsage } from './commands/command-usage';
import { checkTarget } from './commands/parse-target';

export { ALL_TARGET } from './commands/parse-target';

/** Longer input is refused before it is looked at (and never echoed). */
export const MAX_COMMAND_CHARS = 2000;

/** Control characters (newlines included), invisible format characters (zero-width, bidi) and line/paragraph separators. */
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/**
 * Shell metacharacters. No command ever needs one (names, ids, versions and durations are letters, digits and
 * `.`, `_`, `-`, `,`, `=`), and one in a command is a sign someone thinks it reaches a shell: refused up front, naming
 * the character, rather than answered with a confusing flag or name error.
 */
const SHELL_META = /[;|&$\\`<>()]/;

/** The metacharacters, as a refusal lists them (Slack-escaped). */
const META_LIST = escapeSlackText('; | & $ \\ < > ( )');

/** Slack's own markup: a mention (`<@U123|jane>`), a channel, a broadcast or a link. Typed `<` arrives as `&lt;`. */
const SLACK_MARKUP = /<[^<>]*>/g;

/**
 * The text as the user typed it, for the metacharacter check: Slack's markup (a `--user` mention) left out, and its
 * escapes `&lt;`, `&gt;`, `&amp;` read back as the `<`, `>`, `&` that were typed.
 */
function asTyped(text: string): string {
  return text.replace(SLACK_MARKUP, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** `;` (as inline code) or "a backtick", for the metacharacter refusal. */
function nameOf(char: string): string {
  return char === '`' ? 'a backtick' : inlineCode(char);
}

function fail(error: string): ParseResult {
  return { ok: false, error };
}

/** Lowercases ASCII letters only: a Kelvin sign must not become a `k` and match a host. */
function asciiLower(word: string): string {
  return word.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

/** Words of the command; after the first, commas glue their neighbours (`edge-1, edge-2` is one word). */
function words(text: string): string[] {
  const [first, ...rest] = text.trim().split(/\s+/);
  if (first === undefined || first === '') return [];
  const glued = rest
    .join(' ')
    .replace(/ *, */g, ',')
    .split(' ')
    .filter((w) => w !== '');
  return [first, ...glued].map(asciiLower);
}

function unknownFirstWord(word: string, rest: readonly string[]): ParseResult {
  const usage = commandUsage();
  if (isFlagLike(word)) {
    const split = splitFlags([word], {});
    return fail(`${split.ok ? 'put the command first' : split.error}. ${usage}`);
  }
  const second = rest[0];
  if (second !== undefined && isServiceVerb(second)) {
    const target = word.length <= ECHO_MAX_CHARS && checkTarget(word).ok ? word : '&lt;target&gt;';
    return fail(`put the verb first: \`/srs ${second} ${target}\`. ${usage}`);
  }
  const hint = suggestName(word, COMMAND_NAMES);
  const mean = hint === undefined ? '' : ` (did you mean \`${hint}\`?)`;
  return fail(`unknown verb ${inlineCode(word)}${mean}. ${usage}`);
}

function parse(text: string): ParseResult {
  if (typeof text !== 'string') return fail(`the command must be text. ${commandUsage()}`);
  if (text.length > MAX_COMMAND_CHARS) {
    return fail(`the command is too long (${text.length} characters; at most ${MAX_COMMAND_CHARS}). ${commandUsage()}`);
  }
  if (FORBIDDEN.test(text)) return fail(`the command contains a line break or a control character; type it on one line. ${commandUsage()}`);
  const meta = SHELL_META.exec(asTyped(text))?.[0];
  if (meta !== undefined) {
    return fail(
      `${nameOf(meta)} is not allowed: a command is never shell text (\`${META_LIST}\` and backticks are refused). ${commandUsage()}`,
    );
  }
  const [first, ...rest] = words(text);
  if (first === undefined) return commandRow('help').parse(rest);
  if (isCommandName(first)) return commandRow(first).parse(rest);
  return unknownFirstWord(first, rest);
}

/**
 * Parses the text after `/srs`: `help` (or nothing), `hosts [group]`, `history [target] [--verb V] [--user U]
 * [--since 7d] [--limit N]`, or `<verb> <target>` where the target is a host, a group, names joined by commas
 * (spaces after commas are fine) or `all`. Verb and target are
 * lowercased. Never throws; anything else is a usage error that says what was wrong and shows the right form.
 * Errors are Slack mrkdwn, safe to post as they are: they echo at most ~40 characters of the input, escaped.
 */
export function parseCommand(text: string): ParseResult {
  try {
    return parse(text);
  } catch {
    return fail(`could not read that command. ${commandUsage()}`);
  }
}
