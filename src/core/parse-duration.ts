/**
 * The one reader of durations as people type them (`--deadline 5m`, `--since 7d`, `--clock-skew 90s`): one or more
 * `<number><unit>` parts, e.g. `90s`, `5m`, `1h30m`, `7d`, `2w`, letters in either case. Units: `s` second, `m` minute,
 * `h` hour, `d` day (24 h), `w` week (7 d). Each number has at most 6 digits. The result is in milliseconds.
 */
export const DURATION_UNIT_MS: Readonly<Record<DurationUnit, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** A unit letter of {@link DURATION_UNIT_MS}. */
export type DurationUnit = 's' | 'm' | 'h' | 'd' | 'w';

/** The shortest and longest durations a caller accepts, in ms (both inclusive). */
export interface DurationRange {
  minMs: number;
  maxMs: number;
}

/** Longest duration a flag may ask for. */
export const MAX_DURATION_MS = 24 * 3600 * 1000;

/** What a `--deadline` may be: from 1 s to 24 h. */
const FLAG_RANGE: DurationRange = { minMs: 1000, maxMs: MAX_DURATION_MS };

const DURATION = /^(?:\d{1,6}[smhdw])+$/;
const PART = /(\d{1,6})([smhdw])/g;

/**
 * Parses a duration (see {@link DURATION_UNIT_MS}) to milliseconds, surrounding blanks ignored; undefined when it is not
 * one or falls outside `range` (by default 1 s to 24 h, what a flag such as `--deadline` may ask for).
 */
export function parseDuration(text: string, range: DurationRange = FLAG_RANGE): number | undefined {
  const t = text.trim().toLowerCase();
  if (!DURATION.test(t)) return undefined;
  let ms = 0;
  for (const [, n, unit] of t.matchAll(PART)) ms += Number(n) * DURATION_UNIT_MS[unit as DurationUnit];
  return ms >= range.minMs && ms <= range.maxMs ? ms : undefined;
}
