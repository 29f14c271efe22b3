/** Longest duration a flag may ask for. */
export const MAX_DURATION_MS = 24 * 3600 * 1000;

/** Parses `90s`, `5m`, `1h`, `1h30m` (at most 24 h, at least 1 s) to milliseconds; undefined otherwise. */
export function parseDuration(text: string): number | undefined {
  if (!/^(?:\d{1,5}[hms])+$/.test(text)) return undefined;
  let ms = 0;
  for (const [, n, unit] of text.matchAll(/(\d{1,5})([hms])/g)) {
    ms += Number(n) * (unit === 'h' ? 3600000 : unit === 'm' ? 60000 : 1000);
  }
  return ms >= 1000 && ms <= MAX_DURATION_MS ? ms : undefined;
}
