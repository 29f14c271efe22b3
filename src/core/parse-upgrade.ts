import { VERSION_PATTERN } from '../../config/schema';
import type { Command, UpgradeOptions } from './command';
import { countFlag as count, splitFlags, type FlagSpecs } from './parse-flags';
import { inlineCode } from './text/inline-code';
import { REQUEST_ID_PATTERN } from './request-id';
import { ABORT_USAGE, JOBS_USAGE, UPGRADE_USAGE } from './usage';

/** Flags of `/srs upgrade`. */
const UPGRADE_FLAGS: FlagSpecs = {
  batch: { takesValue: true },
  budget: { takesValue: true },
  rollback: { takesValue: false },
  'no-rollback': { takesValue: false },
  'dry-run': { takesValue: false },
};

/** Flags of `/srs abort`. */
const ABORT_FLAGS: FlagSpecs = { now: { takesValue: false } };

type Parsed = { ok: true; command: Command } | { ok: false; error: string };

/**
 * `upgrade <target> <version> [--batch N] [--budget N] [--rollback|--no-rollback]`. The version must look like
 * `6.0.184` (digits and dots): it becomes an argument of the install command on the host, never shell text.
 */
export function parseUpgrade(
  rest: readonly string[],
  checkTarget: (t: string) => { ok: true; target: string } | { ok: false; error: string },
): Parsed {
  const split = splitFlags(rest, UPGRADE_FLAGS);
  if (!split.ok) return { ok: false, error: `${split.error}. ${UPGRADE_USAGE}` };
  const [target, version, ...extra] = split.positional;
  if (target === undefined || version === undefined)
    return { ok: false, error: `\`upgrade\` needs a target and a version. ${UPGRADE_USAGE}` };
  if (extra.length > 0) return { ok: false, error: `\`upgrade\` takes one target and one version. ${UPGRADE_USAGE}` };
  const checked = checkTarget(target);
  if (!checked.ok) return { ok: false, error: `${checked.error}. ${UPGRADE_USAGE}` };
  if (!VERSION_PATTERN.test(version)) {
    return {
      ok: false,
      error: `${inlineCode(version)} is not an SRS version (like \`6.0.184\`: three numbers joined by dots). ${UPGRADE_USAGE}`,
    };
  }
  if (split.flags.has('rollback') && split.flags.has('no-rollback'))
    return { ok: false, error: `give \`--rollback\` or \`--no-rollback\`, not both. ${UPGRADE_USAGE}` };
  const batch = count(split.flags.get('batch'), 'batch', 1, 100);
  if (!batch.ok) return { ok: false, error: `${batch.error}. ${UPGRADE_USAGE}` };
  const budget = count(split.flags.get('budget'), 'budget', 0, 100);
  if (!budget.ok) return { ok: false, error: `${budget.error}. ${UPGRADE_USAGE}` };
  const options: UpgradeOptions = {};
  if (batch.n !== undefined) options.batchSize = batch.n;
  if (budget.n !== undefined) options.failureBudget = budget.n;
  if (split.flags.has('rollback')) options.rollback = true;
  if (split.flags.has('no-rollback')) options.rollback = false;
  if (split.flags.has('dry-run')) options.dryRun = true;
  return { ok: true, command: { kind: 'upgrade', target: checked.target, version, options } };
}

/** `abort <request id> [--now]`. */
export function parseAbort(rest: readonly string[]): Parsed {
  const split = splitFlags(rest, ABORT_FLAGS);
  if (!split.ok) return { ok: false, error: `${split.error}. ${ABORT_USAGE}` };
  const [id, ...extra] = split.positional;
  if (id === undefined || extra.length > 0) return { ok: false, error: `\`abort\` takes one rollout id. ${ABORT_USAGE}` };
  if (!REQUEST_ID_PATTERN.test(id)) return { ok: false, error: `${inlineCode(id)} is not a rollout id. ${ABORT_USAGE}` };
  return { ok: true, command: { kind: 'abort', id, now: split.flags.get('now') === true } };
}

/** `jobs` takes nothing. */
export function parseJobs(rest: readonly string[]): Parsed {
  return rest.length === 0
    ? { ok: true, command: { kind: 'jobs' } }
    : { ok: false, error: `\`jobs\` takes nothing after it. ${JOBS_USAGE}` };
}
