import { NAME_PATTERN } from '../../config/schema';
import { HISTORY_FLAG_NAMES, readHistoryFlags } from './audit/history-filters';
import type { Command, ParseResult, VerbOptions } from './command';
import { parseDuration } from './parse-duration';
import { isFlagLike, splitFlags, type FlagSpecs } from './parse-flags';
import { escapeSlackText } from './text/escape-slack-text';
import { ECHO_MAX_CHARS, inlineCode } from './text/inline-code';
import { REQUEST_OR_JOB_ID_PATTERN } from './request-id';
import { suggestName } from './suggest-name';
import { CANCEL_USAGE, commandUsage, HELP_USAGE, HISTORY_USAGE, HOSTS_USAGE, verbUsage } from './usage';
import { isVerb, type Verb } from './verbs';
import { parseAbort, parseJobs, parseUpgrade } from './parse-upgrade';
import { COMMAND_NAMES } from './command-names';

/** Longer input is refused before it is looked at (and never echoed). */
export const MAX_COMMAND_CHARS = 2000;

/** The target word meaning every host. */
export const ALL_TARGET = 'all';

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

/** For commands without flags. */
const NO_FLAGS: FlagSpecs = {};

/** Flags of `/srs history`: `--verb`, `--user`, `--since`, `--limit`, each with a value. */
const HISTORY_FLAGS: FlagSpecs = Object.fromEntries(HISTORY_FLAG_NAMES.map((name) => [name, { takesValue: true }]));

/** Request ids (`r-<time>-<hex>`) and job ids (a request id, `-`, a host name, maybe `-confirmed`). */

const NAME_RULE = 'names are lowercase letters, digits, `.`, `_` and `-`, at most 63';

function fail(error: string): ParseResult {
  return { ok: false, error };
}

function ok(command: Command): ParseResult {
  return { ok: true, command };
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

/** Checks a target expression; returns it normalised or why it is not one. */
function checkTarget(target: string): { ok: true; target: string } | { ok: false; error: string } {
  if (target === ALL_TARGET) return { ok: true, target };
  const names = target.split(',');
  if (names.some((n) => n === '')) return { ok: false, error: 'empty name in the target list (check the commas)' };
  const bad = names.find((n) => !NAME_PATTERN.test(n));
  if (bad !== undefined) return { ok: false, error: `${inlineCode(bad)} is not a host or group name (${NAME_RULE})` };
  return { ok: true, target: names.join(',') };
}

/** Flags each verb accepts. */
const VERB_FLAGS: Readonly<Partial<Record<Verb, FlagSpecs>>> = {
  grace: { deadline: { takesValue: true } },
  restart: { graceful: { takesValue: false }, deadline: { takesValue: true } },
};

/** Reads a verb's flags into options, or says what is wrong with them. */
function verbOptions(
  verb: Verb,
  flags: ReadonlyMap<string, string | true>,
): { ok: true; options?: VerbOptions } | { ok: false; error: string } {
  const options: VerbOptions = {};
  if (flags.get('graceful') === true) options.graceful = true;
  const deadline = flags.get('deadline');
  if (typeof deadline === 'string') {
    const ms = parseDuration(deadline);
    if (ms === undefined)
      return {
        ok: false,
        error: `\`--deadline\` takes a duration like \`90s\`, \`5m\` or \`1h\` (at most 24h), not ${inlineCode(deadline)}`,
      };
    if (verb === 'restart' && options.graceful !== true) return { ok: false, error: '`--deadline` on `restart` needs `--graceful`' };
    options.deadlineMs = ms;
  }
  return Object.keys(options).length > 0 ? { ok: true, options } : { ok: true };
}

function parseVerb(verb: Verb, rest: readonly string[]): ParseResult {
  const usage = verbUsage(verb);
  const split = splitFlags(rest, VERB_FLAGS[verb] ?? NO_FLAGS);
  if (!split.ok) return fail(`${split.error}. ${usage}`);
  const [target, ...extra] = split.positional;
  if (target === undefined) return fail(`\`${verb}\` needs a target. ${usage}`);
  if (extra.length > 0) return fail(`give \`${verb}\` one target; separate several hosts with commas (\`edge-1,edge-2\`). ${usage}`);
  const checked = checkTarget(target);
  if (!checked.ok) return fail(`${checked.error}. ${usage}`);
  const opts = verbOptions(verb, split.flags);
  if (!opts.ok) return fail(`${opts.error}. ${usage}`);
  return ok({ kind: 'verb', verb, target: checked.target, ...(opts.options ? { options: opts.options } : {}) });
}

function parseHosts(rest: readonly string[]): ParseResult {
  const split = splitFlags(rest, NO_FLAGS);
  if (!split.ok) return fail(`${split.error}. ${HOSTS_USAGE}`);
  const [group, ...extra] = split.positional;
  if (extra.length > 0) return fail(`\`hosts\` takes at most one group name. ${HOSTS_USAGE}`);
  if (group === undefined) return ok({ kind: 'hosts' });
  if (!NAME_PATTERN.test(group)) return fail(`${inlineCode(group)} is not a group name (${NAME_RULE}). ${HOSTS_USAGE}`);
  return ok({ kind: 'hosts', group });
}

function parseHistory(rest: readonly string[]): ParseResult {
  const split = splitFlags(rest, HISTORY_FLAGS);
  if (!split.ok) return fail(`${split.error}. ${HISTORY_USAGE}`);
  const [target, ...extra] = split.positional;
  if (extra.length > 0)
    return fail(`give \`history\` at most one target; separate several hosts with commas (\`edge-1,edge-2\`). ${HISTORY_USAGE}`);
  const read = readHistoryFlags(split.flags);
  if (!read.ok) return fail(`${read.error}. ${HISTORY_USAGE}`);
  if (target === undefined) return ok({ kind: 'history', filters: read.filters });
  const checked = checkTarget(target);
  if (!checked.ok) return fail(`${checked.error}. ${HISTORY_USAGE}`);
  return ok({ kind: 'history', target: checked.target, filters: read.filters });
}

function parseCancel(rest: readonly string[]): ParseResult {
  const split = splitFlags(rest, NO_FLAGS);
  if (!split.ok) return fail(`${split.error}. ${CANCEL_USAGE}`);
  const [id, ...extra] = split.positional;
  if (id === undefined || extra.length > 0) return fail(`\`cancel\` takes one request or job id. ${CANCEL_USAGE}`);
  if (!REQUEST_OR_JOB_ID_PATTERN.test(id)) return fail(`${inlineCode(id)} is not a request or job id. ${CANCEL_USAGE}`);
  return ok({ kind: 'cancel', id });
}

function parseHelp(rest: readonly string[]): ParseResult {
  return rest.length === 0 ? ok({ kind: 'help' }) : fail(`\`help\` takes nothing after it. ${HELP_USAGE}`);
}

function unknownFirstWord(word: string, rest: readonly string[]): ParseResult {
  const usage = commandUsage();
  if (isFlagLike(word)) {
    const split = splitFlags([word], NO_FLAGS);
    return fail(`${split.ok ? 'put the command first' : split.error}. ${usage}`);
  }
  const second = rest[0];
  if (second !== undefined && isVerb(second)) {
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
  if (first === undefined || first === 'help') return parseHelp(rest);
  if (first === 'hosts') return parseHosts(rest);
  if (first === 'history') return parseHistory(rest);
  if (first === 'cancel') return parseCancel(rest);
  if (first === 'upgrade') return parseUpgrade(rest, checkTarget);
  if (first === 'abort') return parseAbort(rest);
  if (first === 'jobs') return parseJobs(rest);
  if (isVerb(first)) return parseVerb(first, rest);
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
