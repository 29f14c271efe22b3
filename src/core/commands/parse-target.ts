import { NAME_PATTERN } from '../../../config/schema';
import { inlineCode } from '../text/inline-code';

/** The target word meaning every host. */
export const ALL_TARGET = 'all';

/** How names are written, for usage errors. */
export const NAME_RULE = 'names are lowercase letters, digits, `.`, `_` and `-`, at most 63';

/** A target expression, normalised, or why it is not one. */
export type CheckedTarget = { ok: true; target: string } | { ok: false; error: string };

/** Checks a target expression; returns it normalised or why it is not one. */
export function checkTarget(target: string): CheckedTarget {
  if (target === ALL_TARGET) return { ok: true, target };
  const names = target.split(',');
  if (names.some((n) => n === '')) return { ok: false, error: 'empty name in the target list (check the commas)' };
  const bad = names.find((n) => !NAME_PATTERN.test(n));
  if (bad !== undefined) return { ok: false, error: `${inlineCode(bad)} is not a host or group name (${NAME_RULE})` };
  return { ok: true, target: names.join(',') };
}
