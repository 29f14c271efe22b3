import { inlineCode } from '../text/inline-code';
import { isServiceVerb, SERVICE_VERBS, type ServiceVerb } from '../verbs';
import { parseTimeBound, type TimeBound } from './time-bound';

/** Rows `/srs history` shows by default, and at most. */
export const HISTORY_DEFAULT_LIMIT = 20;
export const HISTORY_MAX_LIMIT = 50;

/** Whose actions: a Slack user id (`U0123ABC`), or a name typed as plain text (`@jane`) that still needs resolving. */
export type HistoryUser = { id: string } | { name: string };

/** The filters of `/srs history` after the target: all optional but the limit. */
export interface HistoryFilters {
  verb?: ServiceVerb;
  user?: HistoryUser;
  since?: TimeBound;
  limit: number;
}

/** Flag names `/srs history` accepts (each takes a value). */
export const HISTORY_FLAG_NAMES = ['verb', 'user', 'since', 'limit'] as const;

/** `<@U123>`, `<@U123|jane>` (a Slack mention; lowercased by the grammar), or `U123` / `W123` with a digit in it. */
const MENTION = /^<@([uw][a-z0-9]{2,20})(?:\|[^<>]*)?>$/;
const BARE_ID = /^[uw](?=[a-z0-9]*\d)[a-z0-9]{2,20}$/;
/** A Slack handle typed as text: `@jane.doe`, `jane`. */
const HANDLE = /^@?([a-z0-9][a-z0-9._-]{0,79})$/;

/** Reads `--user`'s value; the grammar lowercases words, so ids are upper-cased back (Slack ids are upper case). */
export function parseHistoryUser(value: string): HistoryUser | undefined {
  const mention = MENTION.exec(value);
  if (mention?.[1] !== undefined) return { id: mention[1].toUpperCase() };
  if (BARE_ID.test(value)) return { id: value.toUpperCase() };
  const handle = HANDLE.exec(value);
  return handle?.[1] === undefined ? undefined : { name: handle[1] };
}

/**
 * Reads the flags of `/srs history` (already split and checked by `splitFlags`): `--verb` one of the verbs,
 * `--user` a mention, an id or a handle, `--since` a duration (`7d`) or a date, `--limit` 1..{@link HISTORY_MAX_LIMIT}.
 * Errors are Slack-safe and echo at most one value, escaped.
 */
export function readHistoryFlags(
  flags: ReadonlyMap<string, string | true>,
): { ok: true; filters: HistoryFilters } | { ok: false; error: string } {
  const filters: HistoryFilters = { limit: HISTORY_DEFAULT_LIMIT };
  const text = (name: string): string | undefined => {
    const v = flags.get(name);
    return typeof v === 'string' ? v : undefined;
  };
  const verb = text('verb');
  if (verb !== undefined) {
    if (!isServiceVerb(verb)) return { ok: false, error: `${inlineCode(verb)} is not a verb (one of ${SERVICE_VERBS.join(', ')})` };
    filters.verb = verb;
  }
  const user = text('user');
  if (user !== undefined) {
    const parsed = parseHistoryUser(user);
    if (parsed === undefined)
      return { ok: false, error: `${inlineCode(user)} is not a user; mention them (\`@jane\`) or give their member id (\`U0123ABC\`)` };
    filters.user = parsed;
  }
  const since = text('since');
  if (since !== undefined) {
    const bound = parseTimeBound(since);
    if (bound === undefined)
      return {
        ok: false,
        error: `${inlineCode(since)} is not a time; give a duration (\`30m\`, \`12h\`, \`7d\`, \`2w\`) or a date (\`2024-05-01\`)`,
      };
    filters.since = bound;
  }
  const limit = text('limit');
  if (limit !== undefined) {
    const n = /^\d{1,4}$/.test(limit) ? Number(limit) : Number.NaN;
    if (!(n >= 1 && n <= HISTORY_MAX_LIMIT)) return { ok: false, error: `\`--limit\` must be a number from 1 to ${HISTORY_MAX_LIMIT}` };
    filters.limit = n;
  }
  return { ok: true, filters };
}
