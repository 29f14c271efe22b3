import { NAME_PATTERN } from '../../config/schema';
import type { Command, ParseResult } from './command';
import { isFlagLike, splitFlags, type FlagSpecs } from './parse-flags';
import { ECHO_MAX_CHARS, inlineCode } from './render/inline-code';
import { suggestName } from './suggest-name';
import { HELP_USAGE, HOSTS_USAGE, verbUsage } from './usage';
import { isVerb, VERBS, type Verb } from './verbs';

/** Longer input is refused before it is looked at (and never echoed). */
export const MAX_COMMAND_CHARS = 2000;

/** The target word meaning every host. */
export const ALL_TARGET = 'all';

/** Control characters (newlines included), invisible format characters (zero-width, bidi) and line/paragraph separators. */
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/** Flags each command accepts; none yet (`--graceful`, `--deadline 5m` will go here). */
const NO_FLAGS: FlagSpecs = {};

/** The first words the grammar knows, for "did you mean" hints. */
const COMMAND_WORDS: readonly string[] = [...VERBS, 'help', 'hosts'];

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
  const glued = rest.join(' ').replace(/ *, */g, ',').split(' ').filter((w) => w !== '');
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

function parseVerb(verb: Verb, rest: readonly string[]): ParseResult {
  const usage = verbUsage(verb);
  const split = splitFlags(rest, NO_FLAGS);
  if (!split.ok) return fail(`${split.error}. ${usage}`);
  const [target, ...extra] = split.positional;
  if (target === undefined) return fail(`\`${verb}\` needs a target. ${usage}`);
  if (extra.length > 0) return fail(`give \`${verb}\` one target; separate several hosts with commas (\`edge-1,edge-2\`). ${usage}`);
  const checked = checkTarget(target);
  if (!checked.ok) return fail(`${checked.error}. ${usage}`);
  return ok({ kind: 'verb', verb, target: checked.target });
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

function parseHelp(rest: readonly string[]): ParseResult {
  return rest.length === 0 ? ok({ kind: 'help' }) : fail(`\`help\` takes nothing after it. ${HELP_USAGE}`);
}

function unknownFirstWord(word: string, rest: readonly string[]): ParseResult {
  const usage = verbUsage();
  if (isFlagLike(word)) {
    const split = splitFlags([word], NO_FLAGS);
    return fail(`${split.ok ? 'put the command first' : split.error}. ${usage}`);
  }
  const second = rest[0];
  if (second !== undefined && isVerb(second)) {
    const target = word.length <= ECHO_MAX_CHARS && checkTarget(word).ok ? word : '&lt;target&gt;';
    return fail(`put the verb first: \`/srs ${second} ${target}\`. ${usage}`);
  }
  const hint = suggestName(word, COMMAND_WORDS);
  const mean = hint === undefined ? '' : ` (did you mean \`${hint}\`?)`;
  return fail(`unknown verb ${inlineCode(word)}${mean}. ${usage}`);
}

function parse(text: string): ParseResult {
  if (typeof text !== 'string') return fail(`the command must be text. ${verbUsage()}`);
  if (text.length > MAX_COMMAND_CHARS) {
    return fail(`the command is too long (${text.length} characters; at most ${MAX_COMMAND_CHARS}). ${verbUsage()}`);
  }
  if (FORBIDDEN.test(text)) return fail(`the command contains a line break or a control character; type it on one line. ${verbUsage()}`);
  const [first, ...rest] = words(text);
  if (first === undefined || first === 'help') return parseHelp(rest);
  if (first === 'hosts') return parseHosts(rest);
  if (isVerb(first)) return parseVerb(first, rest);
  return unknownFirstWord(first, rest);
}

/**
 * Parses the text after `/srs`: `help` (or nothing), `hosts [group]`, or `<verb> <target>` where the target is
 * a host, a group, names joined by commas (spaces after commas are fine) or `all`. Verb and target are
 * lowercased. Never throws; anything else is a usage error that says what was wrong and shows the right form.
 * Errors are Slack mrkdwn, safe to post as they are: they echo at most ~40 characters of the input, escaped.
 */
export function parseCommand(text: string): ParseResult {
  try {
    return parse(text);
  } catch {
    return fail(`could not read that command. ${verbUsage()}`);
  }
}
