import { formatDuration } from '../core/describe-snapshot';

/** A duration in milliseconds for people: `850 ms`, `3.2s`, `4m 10s`, `2h 5m`; `?` when not a duration. */
export function formatElapsed(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)}s`;
  return formatDuration(ms / 1000);
}
