import { DURATION_UNIT_MS, parseDuration } from '../parse-duration';

/** A point in time as typed: a duration back from now (`7d`) or a date/time (`2024-05-01`, `2024-05-01T10:00Z`). */
export type TimeBound = { agoMs: number } | { atMs: number };

/** The longest duration accepted (10 years). */
export const MAX_AGO_MS = 3650 * 86_400_000;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Reads a duration back from now (`30m`, `12h`, `7d`, `2w`, `90s`, `1d12h`: see {@link parseDuration}; at most 10 years),
 * `2024-05-01` (midnight UTC) or an ISO date-time (UTC when no zone is given). Case-insensitive. Undefined when it is none of these.
 */
export function parseTimeBound(text: string): TimeBound | undefined {
  const t = text.trim().toLowerCase();
  const agoMs = parseDuration(t, { minMs: 0, maxMs: MAX_AGO_MS });
  if (agoMs !== undefined) return { agoMs };
  if (DATE.test(t) || DATE_TIME.test(t)) {
    const iso = DATE.test(t) ? `${t}T00:00:00Z` : /(?:z|[+-]\d{2}:?\d{2})$/.test(t) ? t.replace(' ', 't') : `${t.replace(' ', 't')}z`;
    const ms = Date.parse(iso.toUpperCase());
    return Number.isFinite(ms) ? { atMs: ms } : undefined;
  }
  return undefined;
}

/** Epoch ms of a bound at `nowMs`. */
export function resolveTimeBound(bound: TimeBound, nowMs: number): number {
  return 'agoMs' in bound ? nowMs - bound.agoMs : bound.atMs;
}

/** `7d`, `2024-05-01T00:00:00.000Z`: how a bound reads back. */
export function describeTimeBound(bound: TimeBound): string {
  if ('atMs' in bound) return new Date(bound.atMs).toISOString();
  const units = Object.entries(DURATION_UNIT_MS).reverse();
  const [unit, size] = units.find(([, ms]) => bound.agoMs % ms === 0) ?? ['s', 1000];
  return `${Math.round(bound.agoMs / size)}${unit}`;
}
