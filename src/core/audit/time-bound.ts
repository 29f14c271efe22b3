/** A point in time as typed: a duration back from now (`7d`) or a date/time (`2024-05-01`, `2024-05-01T10:00Z`). */
export type TimeBound = { agoMs: number } | { atMs: number };

/** Units of a duration, in ms. */
const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** The longest duration accepted (10 years). */
export const MAX_AGO_MS = 3650 * 86_400_000;

const DURATION = /^(\d{1,6})(s|m|h|d|w)$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Reads `30m`, `12h`, `7d`, `2w`, `90s` (a duration back from now), `2024-05-01` (midnight UTC) or an ISO
 * date-time (UTC when no zone is given). Case-insensitive. Undefined when it is none of these.
 */
export function parseTimeBound(text: string): TimeBound | undefined {
  const t = text.trim().toLowerCase();
  const d = DURATION.exec(t);
  if (d !== null) {
    const ms = Number(d[1]) * (UNIT_MS[d[2] ?? ''] ?? Number.NaN);
    return Number.isFinite(ms) && ms <= MAX_AGO_MS ? { agoMs: ms } : undefined;
  }
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
  const units = Object.entries(UNIT_MS).reverse();
  const [unit, size] = units.find(([, ms]) => bound.agoMs % ms === 0) ?? ['s', 1000];
  return `${Math.round(bound.agoMs / size)}${unit}`;
}
