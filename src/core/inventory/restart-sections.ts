import type { Config } from '../../../config/schema';
import { canonicalJson } from '../audit/canonical-json';

/** The sections a reload takes live: where the hosts come from and what resolves them. */
export const LIVE_SECTIONS: ReadonlySet<string> = new Set(['hosts', 'bastions', 'groups', 'inventory']);

/** The top-level sections (other than the live ones) that differ between the running config and a reloaded one. */
export function restartSections(running: Config, reloaded: Config): string[] {
  const a = running as unknown as Record<string, unknown>;
  const b = reloaded as unknown as Record<string, unknown>;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => !LIVE_SECTIONS.has(k) && canonicalJson(a[k] ?? null) !== canonicalJson(b[k] ?? null)).sort();
}
