import type { ParseResult, RolloutFlags, VerbOptions } from '../command';
import { parseDuration } from '../parse-duration';
import { countFlag, splitFlags, type FlagSpecs } from '../parse-flags';
import { inlineCode } from '../text/inline-code';
import { verbUsage } from '../usage';
import type { ServiceVerb } from '../verbs';
import { checkTarget } from './parse-target';

/** Flags of every state-changing verb: how it runs over several hosts. */
const ROLLING_FLAGS: FlagSpecs = {
  batch: { takesValue: true },
  parallel: { takesValue: false },
  budget: { takesValue: true },
  'dry-run': { takesValue: false },
};

/** Flags each verb accepts. */
const VERB_FLAGS: Readonly<Record<ServiceVerb, FlagSpecs>> = {
  status: {},
  start: ROLLING_FLAGS,
  stop: ROLLING_FLAGS,
  reload: ROLLING_FLAGS,
  rotate: ROLLING_FLAGS,
  grace: { ...ROLLING_FLAGS, deadline: { takesValue: true } },
  restart: { ...ROLLING_FLAGS, graceful: { takesValue: false }, deadline: { takesValue: true } },
};

/** Reads the rollout flags (`--batch N`, `--parallel`, `--budget N`, `--dry-run`), or what is wrong with them. */
function rolloutFlags(flags: ReadonlyMap<string, string | true>): { ok: true; flags?: RolloutFlags } | { ok: false; error: string } {
  const out: RolloutFlags = {};
  const batch = countFlag(flags.get('batch'), 'batch', 1, 1000);
  if (!batch.ok) return batch;
  const budget = countFlag(flags.get('budget'), 'budget', 0, 100);
  if (!budget.ok) return budget;
  if (batch.n !== undefined && flags.has('parallel')) return { ok: false, error: 'give `--batch N` or `--parallel`, not both' };
  if (batch.n !== undefined) out.batchSize = batch.n;
  if (budget.n !== undefined) out.failureBudget = budget.n;
  if (flags.has('parallel')) out.parallel = true;
  if (flags.has('dry-run')) out.dryRun = true;
  return Object.keys(out).length > 0 ? { ok: true, flags: out } : { ok: true };
}

/** Reads a verb's flags into options, or says what is wrong with them. */
function verbOptions(
  verb: ServiceVerb,
  flags: ReadonlyMap<string, string | true>,
): { ok: true; options?: VerbOptions } | { ok: false; error: string } {
  const options: VerbOptions = {};
  if (flags.get('graceful') === true) options.graceful = true;
  const deadline = flags.get('deadline');
  if (typeof deadline === 'string') {
    const ms = parseDuration(deadline);
    if (ms === undefined)
      return {
        ok: false,
        error: `\`--deadline\` takes a duration like \`90s\`, \`5m\` or \`1h\` (at most 24h), not ${inlineCode(deadline)}`,
      };
    if (verb === 'restart' && options.graceful !== true) return { ok: false, error: '`--deadline` on `restart` needs `--graceful`' };
    options.deadlineMs = ms;
  }
  return Object.keys(options).length > 0 ? { ok: true, options } : { ok: true };
}

/** `<verb> <target> [flags]`: the words after the verb. */
export function parseVerb(verb: ServiceVerb, rest: readonly string[]): ParseResult {
  const usage = verbUsage(verb);
  const split = splitFlags(rest, VERB_FLAGS[verb]);
  if (!split.ok) return { ok: false, error: `${split.error}. ${usage}` };
  const [target, ...extra] = split.positional;
  if (target === undefined) return { ok: false, error: `\`${verb}\` needs a target. ${usage}` };
  if (extra.length > 0)
    return { ok: false, error: `give \`${verb}\` one target; separate several hosts with commas (\`edge-1,edge-2\`). ${usage}` };
  const checked = checkTarget(target);
  if (!checked.ok) return { ok: false, error: `${checked.error}. ${usage}` };
  const opts = verbOptions(verb, split.flags);
  if (!opts.ok) return { ok: false, error: `${opts.error}. ${usage}` };
  const rollout = rolloutFlags(split.flags);
  if (!rollout.ok) return { ok: false, error: `${rollout.error}. ${usage}` };
  return {
    ok: true,
    command: {
      kind: 'verb',
      verb,
      target: checked.target,
      ...(opts.options ? { options: opts.options } : {}),
      ...(rollout.flags ? { rollout: rollout.flags } : {}),
    },
  };
}
