import type { Config, HostConfig } from '../../../config/schema';
import type { RolloutFlags, UpgradeOptions, VerbOptions } from '../command';
import type { JobVerb } from '../verbs';
import { rollingTerms } from './batch-policy';

/** How a plan runs: batches, failures tolerated, rollback, the drain of a graceful quit, the health gate's time. */
export interface PlanTerms {
  batchSize: number;
  failureBudget: number;
  rollback: boolean;
  drain?: { deadlineMs: number; force: boolean };
  install?: string[];
  healthTimeoutMs: number;
}

/** What the terms depend on. */
export interface TermsInput {
  verb: JobVerb;
  upgradeOptions?: UpgradeOptions;
  verbOptions?: VerbOptions;
  rolloutFlags?: RolloutFlags;
}

/** True when the verb quits SRS gracefully (grace, restart --graceful or `grace.restartGraceful`). */
export function quitsGracefully(verb: JobVerb, options: VerbOptions | undefined, config: Pick<Config, 'grace'>): boolean {
  return verb === 'grace' || verb === 'upgrade' || (verb === 'restart' && (options?.graceful === true || config.grace.restartGraceful));
}

/**
 * The terms of a plan: an upgrade's from the `upgrade` config and its flags; a service verb's from the `rolling`
 * policy of its hosts' groups and its flags (see rollingTerms), or why the flags are not allowed.
 */
export function planTerms(
  input: TermsInput,
  config: Pick<Config, 'upgrade' | 'grace' | 'rolling'>,
  hosts: readonly Pick<HostConfig, 'name' | 'groups'>[],
): { ok: true; terms: PlanTerms } | { ok: false; error: string } {
  if (input.verb === 'upgrade') {
    const o = input.upgradeOptions;
    return {
      ok: true,
      terms: {
        batchSize: o?.batchSize ?? config.upgrade.batchSize,
        failureBudget: o?.failureBudget ?? config.upgrade.failureBudget,
        rollback: o?.rollback ?? config.upgrade.rollback,
        drain: { deadlineMs: config.upgrade.deadlineMs ?? config.grace.deadlineMs, force: config.upgrade.escalateAtDeadline },
        install: [...config.upgrade.install],
        healthTimeoutMs: config.upgrade.healthTimeoutMs,
      },
    };
  }
  const rolling = rollingTerms(hosts, input.rolloutFlags, config.rolling);
  if (!rolling.ok) return rolling;
  const graceful = quitsGracefully(input.verb, input.verbOptions, config);
  return {
    ok: true,
    terms: {
      ...rolling.terms,
      rollback: false,
      ...(graceful
        ? { drain: { deadlineMs: input.verbOptions?.deadlineMs ?? config.grace.deadlineMs, force: config.rolling.escalateAtDeadline } }
        : {}),
      healthTimeoutMs: config.rolling.healthTimeoutMs,
    },
  };
}
