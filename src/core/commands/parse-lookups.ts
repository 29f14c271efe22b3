import { NAME_PATTERN } from '../../../config/schema';
import { HISTORY_FLAG_NAMES, readHistoryFlags } from '../audit/history-filters';
import type { Command, ParseResult } from '../command';
import { splitFlags, type FlagSpecs } from '../parse-flags';
import { REQUEST_OR_JOB_ID_PATTERN } from '../request-id';
import { inlineCode } from '../text/inline-code';
import { CANCEL_USAGE, HELP_USAGE, HISTORY_USAGE, HOSTS_USAGE, OUTPUT_USAGE } from '../usage';
import { checkTarget, NAME_RULE } from './parse-target';

/** For commands without flags. */
const NO_FLAGS: FlagSpecs = {};

/** Flags of `/srs history`: `--verb`, `--user`, `--since`, `--limit`, each with a value. */
const HISTORY_FLAGS: FlagSpecs = Object.fromEntries(HISTORY_FLAG_NAMES.map((name) => [name, { takesValue: true }]));

function fail(error: string): ParseResult {
  return { ok: false, error };
}

function ok(command: Command): ParseResult {
  return { ok: true, command };
}

/** `hosts [group]`. */
export function parseHosts(rest: readonly string[]): ParseResult {
  const split = splitFlags(rest, NO_FLAGS);
  if (!split.ok) return fail(`${split.error}. ${HOSTS_USAGE}`);
  const [group, ...extra] = split.positional;
  if (extra.length > 0) return fail(`\`hosts\` takes at most one group name. ${HOSTS_USAGE}`);
  if (group === undefined) return ok({ kind: 'hosts' });
  if (!NAME_PATTERN.test(group)) return fail(`${inlineCode(group)} is not a group name (${NAME_RULE}). ${HOSTS_USAGE}`);
  return ok({ kind: 'hosts', group });
}

/** `history [target] [--verb V] [--user U] [--since 7d] [--limit N]`. */
export function parseHistory(rest: readonly string[]): ParseResult {
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

/** `cancel <request or job id>`. */
export function parseCancel(rest: readonly string[]): ParseResult {
  const split = splitFlags(rest, NO_FLAGS);
  if (!split.ok) return fail(`${split.error}. ${CANCEL_USAGE}`);
  const [id, ...extra] = split.positional;
  if (id === undefined || extra.length > 0) return fail(`\`cancel\` takes one request or job id. ${CANCEL_USAGE}`);
  if (!REQUEST_OR_JOB_ID_PATTERN.test(id)) return fail(`${inlineCode(id)} is not a request or job id. ${CANCEL_USAGE}`);
  return ok({ kind: 'cancel', id });
}

/** `help` (or nothing at all). */
export function parseHelp(rest: readonly string[]): ParseResult {
  return rest.length === 0 ? ok({ kind: 'help' }) : fail(`\`help\` takes nothing after it. ${HELP_USAGE}`);
}

/** `output <job id>` (or a request id, whose jobs the answer lists). */
export function parseOutput(rest: readonly string[]): ParseResult {
  const split = splitFlags(rest, NO_FLAGS);
  if (!split.ok) return fail(`${split.error}. ${OUTPUT_USAGE}`);
  const [id, ...extra] = split.positional;
  if (id === undefined || extra.length > 0) return fail(`\`output\` takes one job id. ${OUTPUT_USAGE}`);
  if (!REQUEST_OR_JOB_ID_PATTERN.test(id)) return fail(`${inlineCode(id)} is not a job or request id. ${OUTPUT_USAGE}`);
  return ok({ kind: 'output', id });
}
